import { edgeLockKey } from "../common/edgeIdentity";
import { ApiError } from "../common/errors";
import type { VcdExecutor } from "./executor";
import { isVcdId, uuidOf } from "./ids";
import { queryRecords, type QueryRecord } from "./query";
import { text, type XmlNode } from "./xml";
import type { EdgeGatewayRef, EntityRef } from "./types";

/**
 * Finds VDCs and edge gateways by name or id, with errors that list what does exist.
 *
 * Lookups are cached per client (one provider process, one configuration): a command over a
 * hundred networks on two edges queries the VDCs and each VDC's edges once, not once per
 * resource. l2stretch never creates or deletes VDCs or edges; a name that is not in the cache
 * is looked up again once before it is reported missing, so one made during the command is found.
 */
const caches = new WeakMap<VcdExecutor, Map<string, Promise<unknown>>>();

function cached<T>(exec: VcdExecutor, key: string, load: () => Promise<T>, fresh = false): Promise<T> {
  let cache = caches.get(exec);
  if (!cache) caches.set(exec, (cache = new Map()));
  let hit = cache.get(key) as Promise<T> | undefined;
  if (!hit || fresh) {
    hit = load();
    cache.set(key, hit);
    const settled = hit;
    settled.catch(() => cache.get(key) === settled && cache.delete(key));
  }
  return hit;
}

/** A query record whose href carries the id given (any vCD id form), or else whose name is it. */
function byNameOrId<R extends Record<string, string | undefined>>(all: R[], nameOrId: string): R | undefined {
  return isVcdId(nameOrId)
    ? all.find((r) => uuidOf(r["href"]!) === uuidOf(nameOrId))
    : all.find((r) => r["name"] === nameOrId);
}

/** The record named, from the cache, or from a fresh query when the cache does not have it. */
async function lookup(
  exec: VcdExecutor,
  key: string,
  query: () => Promise<QueryRecord[]>,
  nameOrId: string,
): Promise<{ match: QueryRecord | undefined; all: QueryRecord[] }> {
  let all = await cached(exec, key, query);
  let match = byNameOrId(all, nameOrId);
  if (!match) {
    all = await cached(exec, key, query, true);
    match = byNameOrId(all, nameOrId);
  }
  return { match, all };
}

export async function findVdc(exec: VcdExecutor, nameOrId: string): Promise<EntityRef> {
  const { match, all } = await lookup(exec, "orgVdc", () => queryRecords(exec, "orgVdc"), nameOrId);
  if (!match) {
    throw new ApiError(
      "NOT_FOUND",
      `VDC "${nameOrId}" not found in org ${exec.conn.org}; visible VDCs: ${all.map((r) => r["name"]).join(", ") || "none"}`,
    );
  }
  return { uuid: uuidOf(match["href"]!), name: match["name"]!, href: match["href"]! };
}

export async function findEdgeGateway(
  exec: VcdExecutor,
  vdc: EntityRef,
  nameOrId: string,
): Promise<EdgeGatewayRef> {
  const { match, all } = await lookup(
    exec,
    `edgeGateway:${vdc.href}`,
    () => queryRecords(exec, "edgeGateway", { vdc: vdc.href }),
    nameOrId,
  );
  if (!match) {
    throw new ApiError(
      "NOT_FOUND",
      `edge gateway "${nameOrId}" not found in VDC ${vdc.name}; edge gateways there: ${all.map((r) => r["name"]).join(", ") || "none"}`,
    );
  }
  const uuid = uuidOf(match["href"]!);
  const identity = await edgeIdentity(exec, uuid);
  return {
    uuid,
    name: match["name"]!,
    href: match["href"]!,
    nsxBacked: (match["edgeGatewayType"] ?? "NSXV_BACKED") === "NSXV_BACKED",
    ...identity,
  };
}

/**
 * The one identity of the edge behind a vCD gateway (any id form): its NSX id when vCD shows
 * it and the key of its write lock. Read once per gateway and client.
 */
export async function edgeIdentity(
  exec: VcdExecutor,
  gateway: string,
): Promise<{ nsxEdgeId?: string; lockKey: string }> {
  const gatewayUuid = uuidOf(gateway);
  const nsxEdgeId = await cached(exec, `backing:${gatewayUuid}`, () => backingEdgeId(exec, gatewayUuid));
  const lockKey = edgeLockKey({ nsxEdgeId, vcd: { host: new URL(exec.conn.url).host, gatewayUuid } });
  return nsxEdgeId ? { nsxEdgeId, lockKey } : { lockKey };
}

/**
 * NSX's id of the edge behind a vCD gateway (`GatewayBackingRef/gatewayId`, "gateway id in
 * VSM"), so the gateway and the same edge reached through NSX Manager share one lock. vCD may
 * show it only to system administrators and its place in the document is not documented
 * precisely, so it is searched for anywhere, and its absence is no error.
 */
async function backingEdgeId(exec: VcdExecutor, uuid: string): Promise<string | undefined> {
  try {
    const res = await exec.request({ method: "GET", path: `/api/admin/edgeGateway/${uuid}` });
    const id = findGatewayId(res.xml);
    return id && /^edge-\d+$/.test(id) ? id : undefined;
  } catch (e) {
    if (e instanceof ApiError && (e.code === "FORBIDDEN" || e.code === "NOT_FOUND")) return undefined;
    throw e;
  }
}

function findGatewayId(node: unknown): string | undefined {
  if (!node || typeof node !== "object") return undefined;
  const backing = (node as XmlNode)["GatewayBackingRef"] as XmlNode | undefined;
  const id = backing && text(backing["gatewayId"]);
  if (id) return id;
  for (const child of Object.values(node as XmlNode)) {
    const found = Array.isArray(child) ? child.map(findGatewayId).find(Boolean) : findGatewayId(child);
    if (found) return found;
  }
  return undefined;
}
