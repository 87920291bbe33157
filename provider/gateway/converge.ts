/**
 * Waiting for an agent to converge after a `PUT /v1/config`. The PUT returns once the devices
 * exist; the tunnel needs the peer gateway configured too (both sides initiate), which in a
 * `pulumi up` happens in parallel, so convergence is polled from `GET /v1/status`.
 */
import type { GatewayAgentClient } from "./client";
import type { AgentStatus } from "../../contract/agentApi";

export interface ConvergenceOptions {
  /** Digest returned by the PUT: the agent must be running exactly that document. */
  digest: string;
  /** Also wait for the IPsec CHILD_SA to be installed. Default true. */
  waitForTunnel?: boolean;
  /** Give up after this long. Default 180 000 ms. */
  deadlineMs?: number;
  /** Poll interval. Default 1 000 ms. */
  intervalMs?: number;
  /** Called when the summary changes (not on every poll), e.g. "tunnel DOWN; networks 2/2 present". */
  onProgress?: (summary: string, status: AgentStatus) => void;
  sleep?: (ms: number) => Promise<void>;
}

export interface ConvergenceResult {
  converged: boolean;
  status: AgentStatus;
  /** What is still missing when `converged` is false. */
  pending: string[];
  elapsedMs: number;
}

/** What still keeps `status` from being converged; empty when it is. */
export function pendingConditions(status: AgentStatus, digest: string, waitForTunnel: boolean): string[] {
  const pending: string[] = [];
  if (status.digest !== digest) pending.push(`agent runs config ${status.digest ?? "(none)"}, not ${digest}`);
  if (status.lastApply && !status.lastApply.ok)
    pending.push(`last apply failed: ${status.lastApply.error ?? "unknown error"}`);
  const missing = status.networks.filter((n) => !n.present).map((n) => n.name);
  if (missing.length > 0) pending.push(`networks not present: ${missing.join(", ")}`);
  if (waitForTunnel && !status.tunnel.up)
    pending.push(`IPsec tunnel ${status.tunnel.ike}/${status.tunnel.child} (waiting for the peer gateway)`);
  return pending;
}

export function summarize(status: AgentStatus): string {
  const present = status.networks.filter((n) => n.present).length;
  return `tunnel ${status.tunnel.up ? "UP" : "DOWN"}; networks ${present}/${status.networks.length} present`;
}

export async function waitForConvergence(
  client: GatewayAgentClient,
  o: ConvergenceOptions,
): Promise<ConvergenceResult> {
  const t0 = Date.now();
  const deadline = t0 + (o.deadlineMs ?? 180_000);
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let last = "";
  for (;;) {
    const status = await client.getStatus();
    const pending = pendingConditions(status, o.digest, o.waitForTunnel ?? true);
    const summary = summarize(status);
    if (summary !== last) {
      o.onProgress?.(summary, status);
      last = summary;
    }
    if (pending.length === 0 || Date.now() >= deadline)
      return { converged: pending.length === 0, status, pending, elapsedMs: Date.now() - t0 };
    await sleep(Math.min(o.intervalMs ?? 1_000, Math.max(0, deadline - Date.now())));
  }
}
