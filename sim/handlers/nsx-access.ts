// The two ways to reach an NSX edge service, resolved to one shape: NSX Manager direct
// (/api/4.0/edges/edge-N, basic auth) and the vCD proxy (/network/edges/{gatewayUuid}, vCD
// session, tenant visibility). Handlers are written once and registered on both paths.
import { getEdge } from "../core/access";
import { edgeByNsxId } from "../core/nsx/edges";
import type { Edge } from "../core/world";
import { requireSession } from "../http/respond";
import type { Ctx, Route } from "../http/types";

/** Who writes, for lost-update detection: a vCD session, or an NSX user (+ optional client id). */
export interface Principal {
  key: string;
  user: string;
}

export const viaNsx = (ctx: Ctx): boolean => ctx.area === "nsx";

export function principalOf(ctx: Ctx): Principal {
  if (!viaNsx(ctx)) {
    const s = requireSession(ctx);
    return { key: s.id, user: s.userName };
  }
  const user = ctx.nsxUser ?? "";
  const client = ctx.req.headers["x-l2s-client"];
  const id = typeof client === "string" && client ? `:${client}` : "";
  return { key: `nsx:${user}${id}`, user };
}

/** The edge named by the `:id` path parameter (edge-N directly, gateway UUID via vCD). */
export function edgeOf(ctx: Ctx, ref = ctx.params["id"]!): Edge {
  return viaNsx(ctx) ? edgeByNsxId(ctx.core.world, ref) : getEdge(ctx.core, requireSession(ctx), ref);
}

/** Base URL of edge jobs on the path the request came in on. */
export const jobsBase = (ctx: Ctx): string =>
  `${ctx.core.baseUrl}${viaNsx(ctx) ? "/api/4.0/edges/jobs" : "/network/edges/jobs"}`;

/** Registers a handler on both edge paths; `suffix` follows the edge id ("" for the edge itself). */
export function onEdgePaths(method: Route["method"], suffix: string, handler: Route["handler"]): Route[] {
  return [
    { method, pattern: `/api/4.0/edges/:id${suffix}`, versioned: false, auth: "nsx", handler },
    { method, pattern: `/network/edges/:id${suffix}`, versioned: true, auth: true, handler },
  ];
}

/** Registers a handler on both roots: /api/4.0/edges{suffix} and /network/edges{suffix}. */
export function onEdgesRoot(method: Route["method"], suffix: string, handler: Route["handler"]): Route[] {
  return [
    { method, pattern: `/api/4.0/edges${suffix}`, versioned: false, auth: "nsx", handler },
    { method, pattern: `/network/edges${suffix}`, versioned: true, auth: true, handler },
  ];
}

/** Registers a truststore handler: /api/2.0/services/truststore… and /network/services/truststore…. */
export function onTruststorePaths(
  method: Route["method"],
  suffix: string,
  handler: Route["handler"],
): Route[] {
  return [
    { method, pattern: `/api/2.0/services/truststore${suffix}`, versioned: false, auth: "nsx", handler },
    { method, pattern: `/network/services/truststore${suffix}`, versioned: true, auth: true, handler },
  ];
}
