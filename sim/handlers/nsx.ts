// The vCD NSX-v proxy: GET /network/edges/{uuid}/vnics[/{index}] and /vdcNetworks.
import { getEdge } from "../core/access";
import { notFound } from "../core/errors";
import { vnicsKey } from "../core/networks";
import { allVnics, vdcNetworksTree, vnicsTree, vnicTree, type NsxRenderOptions } from "../render/nsx";
import { nsxXmlReply, requireSession } from "../http/respond";
import type { Ctx, Reply, Route } from "../http/types";

function renderOptions(ctx: Ctx): NsxRenderOptions {
  return {
    includeTunnelId: ctx.core.vcdVersion !== "9.0.0.0",
    showPortgroupNames: requireSession(ctx).isSystem,
  };
}

function edgeFor(ctx: Ctx) {
  const s = requireSession(ctx);
  const edge = getEdge(ctx.core, s, ctx.params["id"]!);
  ctx.core.lostUpdates.noteSeen(s.id, vnicsKey(edge.id), edge.vnicsRevision);
  return edge;
}

function vnics(ctx: Ctx): Reply {
  return nsxXmlReply(200, "vnics", vnicsTree(edgeFor(ctx), renderOptions(ctx)));
}

function vnic(ctx: Ctx): Reply {
  const edge = edgeFor(ctx);
  const v = allVnics(edge).find((x) => String(x.index) === ctx.params["index"]);
  if (!v) throw notFound(`vnic ${ctx.params["index"]} does not exist on edge ${edge.name}.`);
  return nsxXmlReply(200, "vnic", vnicTree(v, renderOptions(ctx)));
}

function vdcNetworks(ctx: Ctx): Reply {
  return nsxXmlReply(
    200,
    "edgeInterfaces",
    vdcNetworksTree(ctx.core.world, edgeFor(ctx), renderOptions(ctx)),
  );
}

const get = (pattern: string, handler: Route["handler"]): Route => ({
  method: "GET",
  pattern,
  versioned: true,
  auth: true,
  handler,
});

export const nsxRoutes: Route[] = [
  get("/network/edges/:id/vnics", vnics),
  get("/network/edges/:id/vnics/:index", vnic),
  get("/network/edges/:id/vdcNetworks", vdcNetworks),
];
