import { edgeKey, type EdgeRef } from "../../contract/schemas/common";
import type { CheckFailure } from "../../contract/validation";
import { NsxEdgeClient } from "../nsxv/client";
import { nsxDirectTransport } from "../nsxv/directTransport";
import { VcdProxyTransport } from "../nsxv/proxyTransport";
import { nsxExecutor, vcdExecutor, writeRetry } from "../runtime";
import { findEdgeGateway, findVdc } from "../vcd/inventory";
import type { NsxVnic } from "../nsxv/types";

/**
 * Opens an NSX-v edge from a resource's `edge` input: through vCD's proxy for
 * `{ vdc, edgeGateway }`, through NSX Manager for `{ nsxEdge }`. Lookups are cached per
 * process, so fifty resources on one edge resolve it once.
 */
export interface EdgeHandle {
  client: NsxEdgeClient;
  /** Human name for messages, e.g. "edge-cloud-1 (vCD)" or "edge-101 (NSX Manager)". */
  label: string;
}

/** Per executor, so a new configuration (new executors) never reuses stale handles. */
const handles = new WeakMap<object, Map<string, Promise<EdgeHandle>>>();

export function openEdge(ref: EdgeRef): Promise<EdgeHandle> {
  const owner = "nsxEdge" in ref ? nsxExecutor() : vcdExecutor();
  let byKey = handles.get(owner);
  if (!byKey) handles.set(owner, (byKey = new Map()));
  const key = edgeKey(ref);
  let h = byKey.get(key);
  if (!h) {
    h = resolve(ref);
    byKey.set(key, h);
    h.catch(() => byKey.delete(key));
  }
  return h;
}

async function resolve(ref: EdgeRef): Promise<EdgeHandle> {
  const options = { write: writeRetry() };
  if ("nsxEdge" in ref) {
    const transport = await nsxDirectTransport(nsxExecutor(), ref.nsxEdge);
    return { client: new NsxEdgeClient(transport, options), label: `${ref.nsxEdge} (NSX Manager)` };
  }
  const exec = vcdExecutor();
  const edge = await findEdgeGateway(exec, await findVdc(exec, ref.vdc), ref.edgeGateway);
  return {
    client: new NsxEdgeClient(new VcdProxyTransport(exec, edge.uuid, { nsxEdgeId: edge.nsxEdgeId }), options),
    label: `${edge.name} (vCD)`,
  };
}

/**
 * Preview-time check that the edge exists and can be reached: a mistyped edge name must fail
 * the preview, not an `up` that has already replaced what depended on the right one.
 */
export async function edgeFailures(ref: EdgeRef): Promise<CheckFailure[]> {
  try {
    await openEdge(ref);
    return [];
  } catch (e) {
    return [{ property: "edge", reason: (e as Error).message }];
  }
}

/** Addresses (primary and secondary) of the edge's uplink vNICs: where a listener may bind. */
export function uplinkAddresses(vnics: NsxVnic[]): string[] {
  return vnics
    .filter((v) => v.type === "uplink")
    .flatMap((v) => v.addressGroups.flatMap((g) => [g.primaryAddress, ...(g.secondaryAddresses ?? [])]));
}

/** Tunnel ID → sub-interface index over all trunk vNICs of the edge. */
export function subInterfacesByTunnel(vnics: NsxVnic[]): Map<number, number> {
  const map = new Map<number, number>();
  for (const v of vnics)
    for (const s of v.subInterfaces) if (s.index !== undefined) map.set(s.tunnelId, s.index);
  return map;
}
