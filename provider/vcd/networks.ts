import { ApiError, isApiError } from "../common/errors";
import { withRetry } from "../common/retry";
import type { VcdExecutor } from "./executor";
import { uuidOf } from "./ids";
import { orgNetworkPutBody } from "./networkMerge";
import { ORG_VDC_NETWORK_MIME, orgNetworkFromXml, orgNetworkToXml } from "./networkXml";
import { queryRecords } from "./query";
import { document, orgVdcNetworkDoc, taskDoc } from "./responses";
import { readTask, waitForTask, type WaitOptions } from "./tasks";
import type { EntityRef, OrgNetwork, OrgNetworkSpec } from "./types";
import { asArray, type XmlNode } from "./xml";
import { XmlDoc } from "./xmlDoc";

/**
 * Org VDC networks through the legacy XML API, which every NSX-v era vCD (9.0 … 10.x)
 * supports, including the `SubInterface` flag. Writes wait for their task and retry when
 * the edge is busy; a create that may have reached vCD before a fault is looked up by
 * name before it is sent again, so a retry never makes a duplicate.
 */
export async function getNetwork(exec: VcdExecutor, idOrHref: string): Promise<OrgNetwork | undefined> {
  try {
    const res = await exec.request({ method: "GET", path: `/api/admin/network/${uuidOf(idOrHref)}` });
    return orgNetworkFromXml(document(res, "OrgVdcNetwork", orgVdcNetworkDoc));
  } catch (e) {
    if (isApiError(e, "NOT_FOUND") || isApiError(e, "FORBIDDEN")) return undefined;
    throw e;
  }
}

export interface NetworkRecord {
  uuid: string;
  href: string;
  name: string;
  /** Name of the edge gateway the network is connected to (routed networks). */
  connectedTo?: string;
}

export async function findNetworkByName(
  exec: VcdExecutor,
  vdc: EntityRef,
  name: string,
): Promise<NetworkRecord | undefined> {
  const records = await queryRecords(exec, "orgVdcNetwork", { name, vdc: vdc.href });
  const rec = records.find((r) => r["name"] === name);
  return rec
    ? {
        uuid: uuidOf(rec["href"]!),
        href: rec["href"]!,
        name: rec["name"]!,
        connectedTo: rec["connectedTo"] || undefined,
      }
    : undefined;
}

/** The subnets of the VDC's networks that are connected to one edge gateway (query records). */
export async function edgeGatewaySubnets(
  exec: VcdExecutor,
  vdc: EntityRef,
  edgeGatewayName: string,
): Promise<{ name: string; gateway: string; netmask: string }[]> {
  const records = await queryRecords(exec, "orgVdcNetwork", { vdc: vdc.href });
  return records
    .filter((r) => r["connectedTo"] === edgeGatewayName && r["defaultGateway"] && r["netmask"])
    .map((r) => ({ name: r["name"] ?? "", gateway: r["defaultGateway"]!, netmask: r["netmask"]! }));
}

export async function createNetwork(
  exec: VcdExecutor,
  vdc: EntityRef,
  spec: OrgNetworkSpec,
  wait: WaitOptions = {},
): Promise<OrgNetwork> {
  const network = await withRetry(
    async (attempt) => {
      if (attempt > 1) {
        const existing = await findNetworkByName(exec, vdc, spec.name);
        if (existing) return (await getNetwork(exec, existing.href)) ?? fail(spec.name);
      }
      const res = await exec.request({
        method: "POST",
        path: `/api/admin/vdc/${vdc.uuid}/networks`,
        body: { xml: orgNetworkToXml(spec), contentType: ORG_VDC_NETWORK_MIME },
        retry: false,
      });
      return orgNetworkFromXml(document(res, "OrgVdcNetwork", orgVdcNetworkDoc));
    },
    exec.retryOptions({ method: "POST", path: "networks" }),
  );
  await waitForEntityTasks(exec, network.href, wait);
  return (await getNetwork(exec, network.href)) ?? fail(spec.name);
}

/**
 * Read-modify-write of the network: each attempt GETs the document vCD has now, changes only
 * what `spec` owns (networkMerge.ts) and PUTs that, so settings made by other tools survive
 * and a retry after a busy edge never writes a stale copy. Nothing is sent when the network
 * already matches. No optimistic-concurrency token is documented for this document (the
 * reference lists none), so the GET sits right before the PUT inside the retry to keep the
 * window small.
 */
export async function updateNetwork(
  exec: VcdExecutor,
  uuid: string,
  spec: OrgNetworkSpec,
  wait: WaitOptions = {},
): Promise<OrgNetwork> {
  const path = `/api/admin/network/${uuid}`;
  await withRetry(
    async () => {
      const read = await exec.request({ method: "GET", path, retry: false });
      const current = orgNetworkFromXml(document(read, "OrgVdcNetwork", orgVdcNetworkDoc));
      const xml = orgNetworkPutBody(XmlDoc.parse(read.text), current, spec);
      if (xml === undefined) return;
      const res = await exec.request({
        method: "PUT",
        path,
        body: { xml, contentType: ORG_VDC_NETWORK_MIME },
        retry: false,
      });
      await waitForTask(exec, readTask(document(res, "Task", taskDoc)).href, wait);
    },
    exec.retryOptions({ method: "PUT", path: uuid }),
  );
  return (await getNetwork(exec, uuid)) ?? fail(spec.name);
}

/**
 * Deletes the network; a network that is already gone counts as deleted. vCD answers a tenant
 * 403, not 404, for a network that does not exist (it does not tell "gone" from "not yours"),
 * so both mean gone here, as getNetwork reads them.
 */
export async function deleteNetwork(exec: VcdExecutor, uuid: string, wait: WaitOptions = {}): Promise<void> {
  await withRetry(
    async () => {
      try {
        const res = await exec.request({
          method: "DELETE",
          path: `/api/admin/network/${uuid}`,
          retry: false,
        });
        await waitForTask(exec, readTask(document(res, "Task", taskDoc)).href, wait);
      } catch (e) {
        if (isApiError(e, "NOT_FOUND") || isApiError(e, "FORBIDDEN")) return;
        throw e;
      }
    },
    exec.retryOptions({ method: "DELETE", path: uuid }),
  );
}

/** A freshly created network carries its create task inside; wait for every running one. */
async function waitForEntityTasks(exec: VcdExecutor, href: string, wait: WaitOptions): Promise<void> {
  const res = await exec.request({ method: "GET", path: href });
  const node = document(res, "OrgVdcNetwork", orgVdcNetworkDoc);
  const tasks = asArray((node["Tasks"] as XmlNode | undefined)?.["Task"] as XmlNode[]).map(readTask);
  for (const t of tasks) {
    if (t.status !== "success") await waitForTask(exec, t.href, wait);
  }
}

function fail(name: string): never {
  throw new ApiError("INVALID_RESPONSE", `network ${name} vanished right after it was written`);
}
