// Read-only navigation documents: org list, org, VDC / AdminVdc, EdgeGateway.
import { getEdge, getOrg, getVdc } from "../core/access";
import { urn, uuidOf } from "../core/ids";
import { edgeTree, orgTree, vdcTree } from "../render/entities";
import { href, MEDIA } from "../render/hrefs";
import { requireSession, xmlReply } from "../http/respond";
import { vcdRoute } from "../http/router";
import type { Ctx, Reply, Route } from "../http/types";
import { queryReply } from "./query";

function orgList(ctx: Ctx): Reply {
  const s = requireSession(ctx);
  const orgs = ctx.core.world.orgs.filter((o) => s.isSystem || o.id === s.orgId);
  return xmlReply(
    ctx,
    200,
    "OrgList",
    {
      "@_href": `${ctx.core.baseUrl}/api/org/`,
      "@_type": MEDIA.orgList,
      Org: orgs.map((o) => ({
        "@_href": href.org(ctx.core.baseUrl, o.id),
        "@_id": urn("org", o.id),
        "@_name": o.name,
        "@_type": MEDIA.org,
      })),
    },
    "orgList",
  );
}

const get = (pattern: string, handler: (ctx: Ctx) => Reply): Route => vcdRoute("GET", pattern, handler);

/** The records of a typed query that belong to the VDC named by `:id` (the VDC's query links). */
function vdcRecords(typeName: "edgeGateway" | "orgVdcNetwork") {
  return (ctx: Ctx): Reply => {
    const vdc = getVdc(ctx.core, requireSession(ctx), ctx.params["id"]!);
    return queryReply(ctx, typeName, (r) => uuidOf(r["vdc"] ?? "") === vdc.id);
  };
}

export const entityRoutes: Route[] = [
  get("/api/org", orgList),
  get("/api/org/:id", (ctx) =>
    xmlReply(
      ctx,
      200,
      "Org",
      orgTree(ctx.core, getOrg(ctx.core, requireSession(ctx), ctx.params["id"]!)),
      "org",
    ),
  ),
  get("/api/vdc/:id", (ctx) =>
    xmlReply(
      ctx,
      200,
      "Vdc",
      vdcTree(ctx.core, getVdc(ctx.core, requireSession(ctx), ctx.params["id"]!), false),
      "vdc",
    ),
  ),
  get("/api/admin/vdc/:id", (ctx) =>
    xmlReply(
      ctx,
      200,
      "AdminVdc",
      vdcTree(ctx.core, getVdc(ctx.core, requireSession(ctx), ctx.params["id"]!), true),
      MEDIA.adminVdc,
    ),
  ),
  // Advertised by the VDC as rel="edgeGateways" / rel="orgVdcNetworks" (query records);
  // POST on the second is the create in networks-xml.
  get("/api/admin/vdc/:id/edgeGateways", vdcRecords("edgeGateway")),
  get("/api/admin/vdc/:id/networks", vdcRecords("orgVdcNetwork")),
  get("/api/admin/edgeGateway/:id", (ctx) =>
    xmlReply(
      ctx,
      200,
      "EdgeGateway",
      edgeTree(ctx.core, getEdge(ctx.core, requireSession(ctx), ctx.params["id"]!)),
      MEDIA.edge,
    ),
  ),
];
