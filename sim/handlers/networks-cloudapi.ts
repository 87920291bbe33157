// CloudAPI /cloudapi/1.0.0/orgVdcNetworks (API ≥ 32.0): same networks as the XML API, JSON form.
// Writes answer 202 with a Location header pointing at the legacy XML task.
import { z } from "zod";
import { getEdge, getNetwork, getVdc, visibleNetworks } from "../core/access";
import { badRequest, notFound } from "../core/errors";
import { FiqlError, evaluateFiql, parseFiql } from "../core/fiql";
import { uuidOf, urn } from "../core/ids";
import { createNetwork, deleteNetwork, networkKey, updateNetwork } from "../core/networks";
import { atLeast } from "../core/versions";
import type { Network, NetworkSpec } from "../core/world";
import { href } from "../render/hrefs";
import { networkJson } from "../render/network";
import { emptyReply, jsonReply, requireSession } from "../http/respond";
import { vcdRoute } from "../http/router";
import type { Ctx, Reply, Route } from "../http/types";

const ref = z.object({ id: z.string(), name: z.string().nullish() }).passthrough();
const ipRange = z.object({ startAddress: z.string(), endAddress: z.string() }).passthrough();
const subnet = z
  .object({
    gateway: z.string(),
    prefixLength: z.number().int(),
    dnsServer1: z.string().nullish(),
    dnsServer2: z.string().nullish(),
    dnsSuffix: z.string().nullish(),
    ipRanges: z.object({ values: z.array(ipRange).nullish() }).nullish(),
  })
  .passthrough();

const bodySchema = z
  .object({
    name: z.string().min(1),
    description: z.string().nullish(),
    ownerRef: ref.nullish(),
    orgVdc: ref.nullish(),
    networkType: z.string(),
    connection: z
      .object({
        routerRef: ref,
        connectionTypeValue: z.string().nullish(),
        connectionType: z.string().nullish(),
      })
      .passthrough()
      .nullish(),
    subnets: z.object({ values: z.array(subnet).min(1) }),
    guestVlanTaggingAllowed: z.boolean().nullish(),
    retainNicResources: z.boolean().nullish(),
    shared: z.boolean().nullish(),
  })
  .passthrough();

type Body = z.infer<typeof bodySchema>;

function requireApi32(ctx: Ctx): void {
  if (!atLeast(ctx.version, "32.0")) throw notFound("orgVdcNetworks requires API version 32.0 or later.");
}

function parseBody(ctx: Ctx): { body: Body; spec: NetworkSpec; edgeId: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(ctx.body);
  } catch {
    throw badRequest("The request body is not valid JSON.");
  }
  const r = bodySchema.safeParse(raw);
  if (!r.success)
    throw badRequest(
      `Invalid VdcNetwork: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  const body = r.data;
  if (body.networkType !== "NAT_ROUTED")
    throw badRequest(`Only NAT_ROUTED networks are supported by this simulator (got ${body.networkType}).`);
  if (!body.connection) throw badRequest("connection.routerRef is required for a NAT_ROUTED network.");
  const typeValue = (
    body.connection.connectionTypeValue ??
    body.connection.connectionType ??
    "INTERNAL"
  ).toUpperCase();
  if (typeValue === "DISTRIBUTED")
    throw badRequest("Distributed interfaces require distributed routing to be enabled on the edge gateway.");
  if (typeValue !== "SUBINTERFACE" && typeValue !== "INTERNAL" && typeValue !== "NON_DISTRIBUTED") {
    throw badRequest(`Invalid connectionTypeValue ${typeValue}.`);
  }
  const edgeId = uuidOf(body.connection.routerRef.id);
  if (!edgeId) throw badRequest(`Invalid routerRef id ${body.connection.routerRef.id}.`);
  const sn = body.subnets.values[0]!;
  const spec: NetworkSpec = {
    name: body.name,
    description: body.description ?? "",
    gateway: sn.gateway,
    prefixLength: sn.prefixLength,
    dns1: sn.dnsServer1 ?? "",
    dns2: sn.dnsServer2 ?? "",
    dnsSuffix: sn.dnsSuffix ?? "",
    ipRanges: (sn.ipRanges?.values ?? []).map((x) => ({ start: x.startAddress, end: x.endAddress })),
    isShared: body.shared ?? false,
    guestVlanAllowed: body.guestVlanTaggingAllowed ?? false,
    retainNetInfo: body.retainNicResources ?? false,
    interfaceType: typeValue === "SUBINTERFACE" ? "subinterface" : "internal",
  };
  return { body, spec, edgeId };
}

const taskLocation = (ctx: Ctx, taskId: string): Record<string, string> => ({
  Location: href.task(ctx.core.baseUrl, taskId),
});

function list(ctx: Ctx): Reply {
  requireApi32(ctx);
  const s = requireSession(ctx);
  const p = ctx.url.searchParams;
  const page = Number(p.get("page") ?? "1");
  const pageSize = Number(p.get("pageSize") ?? "25");
  if (!Number.isInteger(page) || page < 1) throw badRequest(`Invalid page ${p.get("page")}.`);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 32) {
    throw badRequest(`Invalid pageSize ${p.get("pageSize")}: must be between 1 and 32 for orgVdcNetworks.`);
  }
  let nets = visibleNetworks(ctx.core, s).sort((a, b) => a.name.localeCompare(b.name));
  const filter = p.get("filter");
  if (filter) {
    try {
      const ast = parseFiql(filter);
      nets = nets.filter((n) => evaluateFiql(ast, (sel) => selectorValue(ctx, n, sel)));
    } catch (e) {
      if (e instanceof FiqlError) throw badRequest(`Bad filter: ${e.message}`);
      throw e;
    }
  }
  const values = nets.slice((page - 1) * pageSize, page * pageSize).map((n) => networkJson(ctx.core, n));
  for (const n of nets) ctx.core.lostUpdates.noteSeen(s.id, networkKey(n.id), n.revision);
  const pageCount = Math.ceil(nets.length / pageSize);
  const headers: Record<string, string> = {};
  if (page < pageCount) {
    const q = new URLSearchParams(p);
    q.set("page", String(page + 1));
    headers["Link"] =
      `<${ctx.core.baseUrl}/cloudapi/1.0.0/orgVdcNetworks?${q.toString()}>;rel="nextPage";type="application/json"`;
  }
  return jsonReply(
    ctx,
    200,
    { resultTotal: nets.length, pageCount, page, pageSize, associations: null, values },
    headers,
  );
}

function selectorValue(ctx: Ctx, n: Network, sel: string): string | undefined {
  const edge = ctx.core.world.edges.find((e) => e.id === n.edgeId);
  const values: Record<string, string> = {
    id: urn("network", n.id),
    name: n.name,
    "ownerRef.id": urn("vdc", n.vdcId),
    "orgVdc.id": urn("vdc", n.vdcId),
    networkType: "NAT_ROUTED",
    "connection.routerRef.id": edge ? urn("gateway", edge.id) : "",
    "connection.routerRef.name": edge?.name ?? "",
    shared: String(n.isShared),
  };
  return values[sel];
}

function read(ctx: Ctx): Reply {
  requireApi32(ctx);
  const s = requireSession(ctx);
  const net = getNetwork(ctx.core, s, ctx.params["id"]!);
  ctx.core.lostUpdates.noteSeen(s.id, networkKey(net.id), net.revision);
  return jsonReply(ctx, 200, networkJson(ctx.core, net));
}

function create(ctx: Ctx): Reply {
  requireApi32(ctx);
  const s = requireSession(ctx);
  const { body, spec, edgeId } = parseBody(ctx);
  const vdcRef = body.ownerRef?.id ?? body.orgVdc?.id;
  if (!vdcRef) throw badRequest("ownerRef (or orgVdc) is required.");
  const vdc = getVdc(ctx.core, s, vdcRef);
  const edge = getEdge(ctx.core, s, edgeId);
  const { task } = createNetwork(ctx.core, s, vdc, edge, spec);
  return emptyReply(202, taskLocation(ctx, task.id));
}

function update(ctx: Ctx): Reply {
  requireApi32(ctx);
  const s = requireSession(ctx);
  const net = getNetwork(ctx.core, s, ctx.params["id"]!);
  const { spec, edgeId } = parseBody(ctx);
  const task = updateNetwork(ctx.core, s, net, spec, edgeId);
  return emptyReply(202, taskLocation(ctx, task.id));
}

function remove(ctx: Ctx): Reply {
  requireApi32(ctx);
  const s = requireSession(ctx);
  const net = getNetwork(ctx.core, s, ctx.params["id"]!);
  const task = deleteNetwork(ctx.core, s, net);
  return emptyReply(202, taskLocation(ctx, task.id));
}

export const networkCloudRoutes: Route[] = [
  vcdRoute("GET", "/cloudapi/1.0.0/orgVdcNetworks", list),
  vcdRoute("POST", "/cloudapi/1.0.0/orgVdcNetworks", create),
  vcdRoute("GET", "/cloudapi/1.0.0/orgVdcNetworks/:id", read),
  vcdRoute("PUT", "/cloudapi/1.0.0/orgVdcNetworks/:id", update),
  vcdRoute("DELETE", "/cloudapi/1.0.0/orgVdcNetworks/:id", remove),
];
