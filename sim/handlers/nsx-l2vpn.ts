// L2VPN over SSL on both access paths (reference §8): config GET/PUT/DELETE, enable/disable,
// live statistics. PUTs of the whole config are checked for lost updates.
import { NSX_CODE, nsxBad } from "../core/nsx/errors";
import { planEnable, planL2Vpn } from "../core/nsx/l2vpn";
import { l2vpnStats, refreshTunnels } from "../core/nsx/l2vpn-stats";
import type { Edge, L2Vpn } from "../core/world";
import { l2vpnTree, statsTree } from "../render/nsx-l2vpn";
import { emptyReply, nsxXmlReply } from "../http/respond";
import type { Ctx, Reply, Route } from "../http/types";
import { parseL2VpnBody } from "../xml/nsx-l2vpn-body";
import { edgeOf, onEdgePaths, principalOf } from "./nsx-access";
import { runEdgeWrite } from "./nsx-write";

export const l2vpnKey = (edge: Edge): string => `edge-l2vpn:${edge.nsxId}`;

function noteSeen(ctx: Ctx, edge: Edge): void {
  ctx.core.lostUpdates.noteSeen(principalOf(ctx).key, l2vpnKey(edge), edge.l2vpnRevision);
}

function getConfig(ctx: Ctx): Reply {
  const edge = edgeOf(ctx);
  noteSeen(ctx, edge);
  const sensitive = ctx.url.searchParams.get("showSensitiveData") === "true";
  return nsxXmlReply(200, "l2Vpn", l2vpnTree(edge, sensitive));
}

/** Stores a new config (or none) as one revision of the document. */
function store(ctx: Ctx, edge: Edge, next: L2Vpn | undefined): { reply: Reply } {
  edge.l2vpn = next;
  edge.l2vpnRevision++;
  noteSeen(ctx, edge);
  return { reply: emptyReply(204) };
}

function putConfig(ctx: Ctx): Reply {
  const edge = edgeOf(ctx);
  const input = parseL2VpnBody(ctx.body);
  return runEdgeWrite(ctx, edge, {
    module: "l2vpn",
    operation: "l2vpn update",
    reconfiguresEdge: true,
    apply: () => {
      const next = planL2Vpn(edge, input, ctx.core.world.nsx.certificates);
      const who = principalOf(ctx);
      ctx.core.lostUpdates.checkWrite(who.key, who.user, l2vpnKey(edge), edge.l2vpnRevision);
      return store(ctx, edge, next);
    },
  });
}

function enableService(ctx: Ctx): Reply {
  const edge = edgeOf(ctx);
  const raw = ctx.url.searchParams.get("enableService");
  if (raw !== "true" && raw !== "false")
    throw nsxBad("POST on l2vpn/config needs ?enableService=true or ?enableService=false.", NSX_CODE.l2vpn);
  return runEdgeWrite(ctx, edge, {
    module: "l2vpn",
    operation: raw === "true" ? "l2vpn enable" : "l2vpn disable",
    reconfiguresEdge: true,
    apply: () => store(ctx, edge, planEnable(edge, raw === "true")),
  });
}

function deleteConfig(ctx: Ctx): Reply {
  const edge = edgeOf(ctx);
  return runEdgeWrite(ctx, edge, {
    module: "l2vpn",
    operation: "l2vpn delete",
    reconfiguresEdge: true,
    apply: () => store(ctx, edge, undefined),
  });
}

function statistics(ctx: Ctx): Reply {
  const edge = edgeOf(ctx);
  const now = Date.now();
  // Peers change independently of this edge (a vCD task, the other edge's config).
  if (refreshTunnels(ctx.core.world, now)) ctx.core.persist();
  return nsxXmlReply(200, "l2vpnStatusAndStats", statsTree(l2vpnStats(ctx.core.world, edge, now)));
}

export const nsxL2VpnRoutes: Route[] = [
  ...onEdgePaths("GET", "/l2vpn/config", getConfig),
  ...onEdgePaths("PUT", "/l2vpn/config", putConfig),
  ...onEdgePaths("POST", "/l2vpn/config", enableService),
  ...onEdgePaths("DELETE", "/l2vpn/config", deleteConfig),
  ...onEdgePaths("GET", "/l2vpn/config/statistics", statistics),
];
