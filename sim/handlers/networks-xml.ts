// Legacy XML API for Org VDC networks: create (POST on the VDC), read, update (PUT), delete.
import { getNetwork, getVdc, getEdge } from "../core/access";
import { unsupportedMedia } from "../core/errors";
import { createNetwork, deleteNetwork, networkKey, updateNetwork } from "../core/networks";
import { MEDIA } from "../render/hrefs";
import { networkTree } from "../render/network";
import { taskTree } from "../render/task";
import { parseNetworkBody } from "../xml/network-body";
import { requireSession, xmlReply } from "../http/respond";
import { vcdRoute } from "../http/router";
import type { Ctx, Reply, Route } from "../http/types";

function requireNetworkContentType(ctx: Ctx): void {
  const ct = (ctx.req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (ct !== MEDIA.network.toLowerCase()) {
    throw unsupportedMedia(`Unsupported media type '${ct || "(none)"}'; expected ${MEDIA.network}.`);
  }
}

function create(ctx: Ctx): Reply {
  const s = requireSession(ctx);
  const vdc = getVdc(ctx.core, s, ctx.params["id"]!);
  requireNetworkContentType(ctx);
  const body = parseNetworkBody(ctx.body);
  const edge = getEdge(ctx.core, s, body.edgeId);
  const { network } = createNetwork(ctx.core, s, vdc, edge, body.spec);
  return xmlReply(ctx, 201, "OrgVdcNetwork", networkTree(ctx.core, network), "orgVdcNetwork");
}

function read(ctx: Ctx): Reply {
  const s = requireSession(ctx);
  const net = getNetwork(ctx.core, s, ctx.params["id"]!);
  ctx.core.lostUpdates.noteSeen(s.id, networkKey(net.id), net.revision);
  return xmlReply(ctx, 200, "OrgVdcNetwork", networkTree(ctx.core, net), "orgVdcNetwork");
}

function update(ctx: Ctx): Reply {
  const s = requireSession(ctx);
  const net = getNetwork(ctx.core, s, ctx.params["id"]!);
  requireNetworkContentType(ctx);
  const body = parseNetworkBody(ctx.body);
  const task = updateNetwork(ctx.core, s, net, body.spec, body.edgeId);
  return xmlReply(ctx, 202, "Task", taskTree(ctx.core, task), "task");
}

function remove(ctx: Ctx): Reply {
  const s = requireSession(ctx);
  const net = getNetwork(ctx.core, s, ctx.params["id"]!);
  const task = deleteNetwork(ctx.core, s, net);
  return xmlReply(ctx, 202, "Task", taskTree(ctx.core, task), "task");
}

export const networkXmlRoutes: Route[] = [
  vcdRoute("POST", "/api/admin/vdc/:id/networks", create),
  vcdRoute("GET", "/api/network/:id", read),
  vcdRoute("GET", "/api/admin/network/:id", read),
  vcdRoute("PUT", "/api/admin/network/:id", update),
  vcdRoute("DELETE", "/api/admin/network/:id", remove),
];
