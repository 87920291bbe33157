// Edge vnics and trunk sub-interfaces on both access paths (reference §7), plus vCD's own
// /network/edges/{uuid}/vdcNetworks. Whole-vnic PUTs are checked for lost updates.
import { NSX_CODE, nsxBad, nsxNotFound } from "../core/nsx/errors";
import { networkNameIn } from "../core/nsx/edges";
import {
  commitVnics,
  parseVnicIndex,
  planAddSubInterface,
  planDeleteSubInterface,
  planDeleteVnic,
  planPatchVnics,
  planPutSubInterface,
  planPutVnic,
  type VnicPlan,
} from "../core/nsx/vnic-ops";
import { VNIC_COUNT } from "../core/vnics";
import type { Edge } from "../core/world";
import {
  allVnics,
  subInterfaceTree,
  vdcNetworksTree,
  vnicsTree,
  vnicTree,
  type NsxRenderOptions,
} from "../render/nsx";
import { emptyReply, nsxXmlReply, requireSession } from "../http/respond";
import type { Ctx, Reply, Route } from "../http/types";
import { parseSubInterfaceBody, parseVnicBody, parseVnicsBody } from "../xml/nsx-vnic-body";
import { edgeOf, onEdgePaths, principalOf, viaNsx } from "./nsx-access";
import { runEdgeWrite } from "./nsx-write";

export const vnicKey = (edge: Edge, index: number): string => `edge-vnic:${edge.nsxId}:${index}`;

function renderOptions(ctx: Ctx): NsxRenderOptions {
  return {
    // The 9.0.0.0 tunnelId omission was vCD's bug; NSX Manager always shows it.
    includeTunnelId: viaNsx(ctx) || ctx.core.vcdVersion !== "9.0.0.0",
    showPortgroupNames: viaNsx(ctx) || requireSession(ctx).isSystem,
  };
}

function noteSeen(ctx: Ctx, edge: Edge, indexes: number[]): void {
  const p = principalOf(ctx);
  for (const i of indexes) ctx.core.lostUpdates.noteSeen(p.key, vnicKey(edge, i), edge.vnicRevisions[i] ?? 1);
}

const ALL = Array.from({ length: VNIC_COUNT }, (_, i) => i);

function subIndexParam(raw: string): number {
  if (!/^\d+$/.test(raw)) throw nsxBad(`Invalid sub-interface index ${raw}.`, NSX_CODE.vnic);
  return Number(raw);
}

function listVnics(ctx: Ctx): Reply {
  const edge = edgeOf(ctx);
  noteSeen(ctx, edge, ALL);
  return nsxXmlReply(200, "vnics", vnicsTree(edge, renderOptions(ctx)));
}

function getVnic(ctx: Ctx): Reply {
  const edge = edgeOf(ctx);
  const index = parseVnicIndex(ctx.params["index"]!);
  noteSeen(ctx, edge, [index]);
  return nsxXmlReply(200, "vnic", vnicTree(allVnics(edge)[index]!, renderOptions(ctx)));
}

/** Runs a vnic plan as an edge write; `wholeDocument` = a PUT of vnics/{i} (lost-update check). */
function vnicWrite(
  ctx: Ctx,
  operation: string,
  plan: (edge: Edge) => VnicPlan,
  reply: (edge: Edge, p: VnicPlan) => { reply: Reply; location?: string },
  wholeDocument?: number,
): Reply {
  const edge = edgeOf(ctx);
  return runEdgeWrite(ctx, edge, {
    module: "vnics",
    operation,
    reconfiguresEdge: true,
    apply: () => {
      const p = plan(edge);
      const who = principalOf(ctx);
      if (wholeDocument !== undefined) {
        ctx.core.lostUpdates.checkWrite(
          who.key,
          who.user,
          vnicKey(edge, wholeDocument),
          edge.vnicRevisions[wholeDocument] ?? 1,
        );
      }
      commitVnics(edge, p);
      // The writer has seen what it wrote.
      noteSeen(ctx, edge, p.touched);
      return reply(edge, p);
    },
  });
}

const noContent = () => ({ reply: emptyReply(204) });
const names = (ctx: Ctx) => networkNameIn(ctx.core.world);

function putVnic(ctx: Ctx): Reply {
  const index = parseVnicIndex(ctx.params["index"]!);
  const input = parseVnicBody(ctx.body);
  return vnicWrite(ctx, "vnic update", (e) => planPutVnic(e, index, input, names(ctx)), noContent, index);
}

function deleteVnic(ctx: Ctx): Reply {
  const index = parseVnicIndex(ctx.params["index"]!);
  return vnicWrite(ctx, "vnic delete", (e) => planDeleteVnic(e, index, names(ctx)), noContent);
}

function patchVnics(ctx: Ctx): Reply {
  if (ctx.url.searchParams.get("action") !== "patch")
    throw nsxBad("POST on vnics needs ?action=patch.", NSX_CODE.vnic);
  const inputs = parseVnicsBody(ctx.body);
  return vnicWrite(ctx, "vnics patch", (e) => planPatchVnics(e, inputs, names(ctx)), noContent);
}

function subInterfacesUrl(ctx: Ctx, parent: number): string {
  const base = ctx.url.pathname.slice(0, ctx.url.pathname.indexOf("/vnics/"));
  return `${ctx.core.baseUrl}${base}/vnics/${parent}/subinterfaces`;
}

function addSubInterface(ctx: Ctx): Reply {
  const parent = parseVnicIndex(ctx.params["index"]!);
  const input = parseSubInterfaceBody(ctx.body);
  return vnicWrite(
    ctx,
    "sub-interface create",
    (e) => planAddSubInterface(e, parent, input, names(ctx)),
    (_e, p) => {
      const location = `${subInterfacesUrl(ctx, parent)}/${p.createdSubInterface}`;
      return { reply: emptyReply(201, { Location: location }), location };
    },
  );
}

function parentTrunk(ctx: Ctx, edge: Edge) {
  const parent = parseVnicIndex(ctx.params["index"]!);
  const v = edge.vnics.find((x) => x.index === parent);
  if (!v || v.type !== "trunk")
    throw nsxBad(`vnic ${parent} of edge ${edge.nsxId} is not a trunk.`, NSX_CODE.vnic);
  return v;
}

function listSubInterfaces(ctx: Ctx): Reply {
  const edge = edgeOf(ctx);
  const v = parentTrunk(ctx, edge);
  return nsxXmlReply(200, "subInterfaces", {
    subInterface: v.subInterfaces.map((s) => subInterfaceTree(s, renderOptions(ctx), v.index)),
  });
}

function getSubInterface(ctx: Ctx): Reply {
  const edge = edgeOf(ctx);
  const v = parentTrunk(ctx, edge);
  const index = subIndexParam(ctx.params["sub"]!);
  const s = v.subInterfaces.find((x) => x.index === index);
  if (!s) throw nsxNotFound(`Sub-interface ${index} does not exist on vnic ${v.index}.`);
  return nsxXmlReply(200, "subInterface", subInterfaceTree(s, renderOptions(ctx), v.index));
}

function putSubInterface(ctx: Ctx): Reply {
  const parent = parseVnicIndex(ctx.params["index"]!);
  const index = subIndexParam(ctx.params["sub"]!);
  const input = parseSubInterfaceBody(ctx.body);
  return vnicWrite(
    ctx,
    "sub-interface update",
    (e) => planPutSubInterface(e, parent, index, input, names(ctx)),
    noContent,
  );
}

function deleteSubInterface(ctx: Ctx): Reply {
  const parent = parseVnicIndex(ctx.params["index"]!);
  const index = subIndexParam(ctx.params["sub"]!);
  return vnicWrite(
    ctx,
    "sub-interface delete",
    (e) => planDeleteSubInterface(e, parent, index, names(ctx)),
    noContent,
  );
}

function vdcNetworks(ctx: Ctx): Reply {
  const edge = edgeOf(ctx);
  return nsxXmlReply(200, "edgeInterfaces", vdcNetworksTree(ctx.core.world, edge, renderOptions(ctx)));
}

export const nsxVnicRoutes: Route[] = [
  ...onEdgePaths("GET", "/vnics", listVnics),
  ...onEdgePaths("POST", "/vnics", patchVnics),
  ...onEdgePaths("GET", "/vnics/:index", getVnic),
  ...onEdgePaths("PUT", "/vnics/:index", putVnic),
  ...onEdgePaths("DELETE", "/vnics/:index", deleteVnic),
  ...onEdgePaths("GET", "/vnics/:index/subinterfaces", listSubInterfaces),
  ...onEdgePaths("POST", "/vnics/:index/subinterfaces", addSubInterface),
  ...onEdgePaths("GET", "/vnics/:index/subinterfaces/:sub", getSubInterface),
  ...onEdgePaths("PUT", "/vnics/:index/subinterfaces/:sub", putSubInterface),
  ...onEdgePaths("DELETE", "/vnics/:index/subinterfaces/:sub", deleteSubInterface),
  // vCD-specific: only on the proxy.
  {
    method: "GET",
    pattern: "/network/edges/:id/vdcNetworks",
    versioned: true,
    auth: true,
    handler: vdcNetworks,
  },
];
