// Every NSX edge write goes through here: refuse while the edge is busy, apply the change, keep
// the edge busy for a while, re-evaluate L2VPN tunnels, persist, and answer either synchronously
// or (with ?async=true) 202 + Location of an edge job.
import { urn } from "../core/ids";
import { busyEntity, SimError } from "../core/errors";
import { NSX_CODE } from "../core/nsx/errors";
import { startJob } from "../core/nsx/jobs";
import { refreshTunnels } from "../core/nsx/l2vpn-stats";
import type { Edge, JobModule } from "../core/world";
import { emptyReply } from "../http/respond";
import type { Ctx, Reply } from "../http/types";
import { jobsBase, viaNsx } from "./nsx-access";

export interface EdgeWrite {
  module: JobModule;
  /** Shown in busy messages and job messages, e.g. "vnic update". */
  operation: string;
  /**
   * Truststore changes are NSX Manager objects, not edge configuration: they neither wait for
   * nor cause a busy edge.
   */
  reconfiguresEdge: boolean;
  /** Validates and applies; throws a SimError without changing anything when invalid. */
  apply(): { reply: Reply; location?: string };
}

export function assertEdgeIdle(ctx: Ctx, edge: Edge): void {
  const op = ctx.core.edgeBusyWith(edge.id);
  if (!op) return;
  ctx.core.stats.busyRejections++;
  if (viaNsx(ctx))
    throw new SimError(
      409,
      "BUSY_ENTITY",
      `Edge ${edge.nsxId} is busy, another configuration is in progress (${op}).`,
      NSX_CODE.busy,
    );
  throw busyEntity(
    `The entity EdgeGateway ${edge.name} (${urn("gateway", edge.id)}) is busy completing an operation ${op}.`,
  );
}

export function runEdgeWrite(ctx: Ctx, edge: Edge, w: EdgeWrite): Reply {
  const core = ctx.core;
  const async = ctx.url.searchParams.get("async") === "true";
  if (w.reconfiguresEdge) assertEdgeIdle(ctx, edge);
  const now = Date.now();
  let result: { reply: Reply; location?: string } | undefined;
  let failure: SimError | undefined;
  try {
    result = w.apply();
  } catch (e) {
    // An async request that NSX accepts but cannot apply ends as a FAILED job, not a 400.
    if (!(async && e instanceof SimError && e.status === 400)) throw e;
    failure = e;
  }
  const jobMs = async ? core.faults.taskMs / 4 : 0;
  if (w.reconfiguresEdge) {
    core.nsxBusy.hold(edge.id, core.faults.busyMs + jobMs, w.operation);
    if (result) refreshTunnels(core.world, now);
  }
  if (!async) {
    core.persist();
    return result!.reply;
  }
  const job = startJob(
    core.world,
    {
      edgeId: edge.id,
      module: w.module,
      operation: w.operation,
      durationMs: jobMs,
      error: failure
        ? { code: failure.nsxCode ?? NSX_CODE.invalidInput, message: failure.message }
        : undefined,
      resultLocation: result?.location,
    },
    now,
  );
  core.stats.jobs++;
  core.persist();
  return emptyReply(202, { Location: `${jobsBase(ctx)}/${job.id}` });
}
