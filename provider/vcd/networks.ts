import { ApiError, isApiError } from "../common/errors";
import { withKeyLock } from "../common/lock";
import { withRetry } from "../common/retry";
import { sharedReads } from "../common/sharedReads";
import type { VcdExecutor } from "./executor";
import { uuidOf } from "./ids";
import { edgeIdentity } from "./inventory";
import { orgNetworkPutBody } from "./networkMerge";
import { ORG_VDC_NETWORK_MIME, orgNetworkFromXml, orgNetworkToXml } from "./networkXml";
import { queryRecords } from "./query";
import { document, orgVdcNetworkDoc, taskDoc } from "./responses";
import { readTask, waitForTask, type TaskInfo, type WaitOptions } from "./tasks";
import type { EntityRef, OrgNetwork, OrgNetworkSpec } from "./types";
import { asArray, type XmlNode } from "./xml";
import { XmlDoc } from "./xmlDoc";

/**
 * Org VDC networks through the legacy XML API, which every NSX-v era vCD (9.0 … 10.x)
 * supports, including the `SubInterface` flag. Writes wait for their task and retry when
 * the edge is busy; a create that may have reached vCD before a fault is looked up by
 * name before it is sent again, so a retry never makes a duplicate.
 *
 * Each write and its task run under the lock of the network's edge (edgeIdentity: the same
 * key the NSX client takes for that edge through vCD's proxy or NSX Manager), and only they:
 * reads before and after run outside it, so the next write to the edge starts as soon as
 * this one's task has ended.
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

/** The VDC's network records, read once and shared until this process writes (sharedReads.ts). */
export function vdcNetworkRecords(exec: VcdExecutor, vdc: EntityRef): Promise<Record<string, string>[]> {
  return sharedReads(exec).get(`orgVdcNetwork:${vdc.href}`, () =>
    queryRecords(exec, "orgVdcNetwork", { vdc: vdc.href }),
  );
}

function toRecord(rec: Record<string, string | undefined>): NetworkRecord {
  return {
    uuid: uuidOf(rec["href"]!),
    href: rec["href"]!,
    name: rec["name"]!,
    connectedTo: rec["connectedTo"] || undefined,
  };
}

/** A network of the VDC by name, from the shared list (see vdcNetworkRecords). */
export async function findNetworkInVdc(
  exec: VcdExecutor,
  vdc: EntityRef,
  name: string,
): Promise<NetworkRecord | undefined> {
  const rec = (await vdcNetworkRecords(exec, vdc)).find((r) => r["name"] === name);
  return rec ? toRecord(rec) : undefined;
}

/** A network of the VDC by name, asked of vCD now (before a create, never from a shared read). */
export async function findNetworkByName(
  exec: VcdExecutor,
  vdc: EntityRef,
  name: string,
): Promise<NetworkRecord | undefined> {
  const records = await queryRecords(exec, "orgVdcNetwork", { name, vdc: vdc.href });
  const rec = records.find((r) => r["name"] === name);
  return rec ? toRecord(rec) : undefined;
}

/** The subnets of the VDC's networks that are connected to one edge gateway (query records). */
export async function edgeGatewaySubnets(
  exec: VcdExecutor,
  vdc: EntityRef,
  edgeGatewayName: string,
): Promise<{ name: string; gateway: string; netmask: string }[]> {
  return (await vdcNetworkRecords(exec, vdc))
    .filter((r) => r["connectedTo"] === edgeGatewayName && r["defaultGateway"] && r["netmask"])
    .map((r) => ({ name: r["name"] ?? "", gateway: r["defaultGateway"]!, netmask: r["netmask"]! }));
}

export async function createNetwork(
  exec: VcdExecutor,
  vdc: EntityRef,
  spec: OrgNetworkSpec,
  wait: WaitOptions = {},
): Promise<OrgNetwork> {
  const { lockKey } = await edgeIdentity(exec, spec.edgeGatewayHref);
  const href = await withKeyLock(lockKey, () =>
    withRetry(
      async (attempt) => {
        if (attempt > 1) {
          const existing = await findNetworkByName(exec, vdc, spec.name);
          if (existing) {
            await waitForEntityTasks(exec, existing.href, wait);
            return existing.href;
          }
        }
        const res = await exec.request({
          method: "POST",
          path: `/api/admin/vdc/${vdc.uuid}/networks`,
          body: { xml: orgNetworkToXml(spec), contentType: ORG_VDC_NETWORK_MIME },
          retry: false,
        });
        // The new network carries its create task: wait for it without reading the network again.
        const node = document(res, "OrgVdcNetwork", orgVdcNetworkDoc);
        for (const task of embeddedTasks(node)) await waitForTask(exec, task, wait);
        return orgNetworkFromXml(node).href;
      },
      exec.retryOptions({ method: "POST", path: "networks" }),
    ),
  );
  return (await getNetwork(exec, href)) ?? fail(spec.name);
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
  const { lockKey } = await edgeIdentity(exec, spec.edgeGatewayHref);
  const unchanged = await withRetry(
    async () => {
      const read = await exec.request({ method: "GET", path, retry: false });
      const current = orgNetworkFromXml(document(read, "OrgVdcNetwork", orgVdcNetworkDoc));
      const xml = orgNetworkPutBody(XmlDoc.parse(read.text), current, spec);
      if (xml === undefined) return current;
      await withKeyLock(lockKey, async () => {
        const res = await exec.request({
          method: "PUT",
          path,
          body: { xml, contentType: ORG_VDC_NETWORK_MIME },
          retry: false,
        });
        await waitForTask(exec, readTask(document(res, "Task", taskDoc)), wait);
      });
      return undefined;
    },
    exec.retryOptions({ method: "PUT", path: uuid }),
  );
  return unchanged ?? (await getNetwork(exec, uuid)) ?? fail(spec.name);
}

export interface DeleteOptions extends WaitOptions {
  /**
   * The network's edge gateway (any id form): its delete then queues on the edge's lock with
   * every other write to the edge. Without it the delete relies on retries alone.
   */
  edgeGateway?: string;
}

/**
 * Deletes the network; a network that is already gone counts as deleted. vCD answers a tenant
 * 403, not 404, for a network that does not exist (it does not tell "gone" from "not yours"),
 * so both mean gone here, as getNetwork reads them.
 */
export async function deleteNetwork(
  exec: VcdExecutor,
  uuid: string,
  options: DeleteOptions = {},
): Promise<void> {
  const { edgeGateway, ...wait } = options;
  const lockKey = edgeGateway ? (await edgeIdentity(exec, edgeGateway)).lockKey : `vcd-network:${uuid}`;
  await withRetry(
    () =>
      withKeyLock(lockKey, async () => {
        try {
          const res = await exec.request({
            method: "DELETE",
            path: `/api/admin/network/${uuid}`,
            retry: false,
          });
          await waitForTask(exec, readTask(document(res, "Task", taskDoc)), wait);
        } catch (e) {
          if (isApiError(e, "NOT_FOUND") || isApiError(e, "FORBIDDEN")) return;
          throw e;
        }
      }),
    exec.retryOptions({ method: "DELETE", path: uuid }),
  );
}

/** The tasks a network document carries (a fresh network: its create task). */
function embeddedTasks(node: XmlNode): TaskInfo[] {
  return asArray((node["Tasks"] as XmlNode | undefined)?.["Task"] as XmlNode[]).map(readTask);
}

/** Waits for every task still running on a network (one found after an ambiguous create). */
async function waitForEntityTasks(exec: VcdExecutor, href: string, wait: WaitOptions): Promise<void> {
  const res = await exec.request({ method: "GET", path: href });
  for (const t of embeddedTasks(document(res, "OrgVdcNetwork", orgVdcNetworkDoc))) {
    await waitForTask(exec, t, wait);
  }
}

function fail(name: string): never {
  throw new ApiError("INVALID_RESPONSE", `network ${name} vanished right after it was written`);
}
