import { ApiError } from "../common/errors";
import type { VcdExecutor } from "./executor";
import { document, taskDoc } from "./responses";
import { text, type XmlNode } from "./xml";

/**
 * Waits for a vCD task (legacy XML Task, also what cloudapi 202 responses point to).
 *
 * The edge's lock is held while its task runs, so the time from the task's end to our
 * noticing it is time every other write to the edge waits. Polls are therefore paced by
 * what this client has seen: the first poll comes shortly before a task of the same
 * operation typically ends, then a poll starts every 100 ms (at once when the last one took
 * that long: never two at a time), and only a task that runs far beyond the typical time backs
 * off (up to 3 s), because some edge reconfigurations take minutes. Pacing by start rather
 * than by the gap after each answer matters where requests are slow: with 100 ms per request a
 * 100 ms gap looked only every 200 ms, and each task on a busy edge ended ~100 ms before it
 * was noticed. Until a client has seen a task of the operation end, it waits 100 ms after each
 * answer instead: polling back to back through a whole task would double its requests.
 */
export interface TaskInfo {
  href: string;
  status: string;
  operationName?: string;
  progress?: number;
  ownerHref?: string;
  ownerId?: string;
}

export interface WaitOptions {
  /** Give up after this long. Default 600 000 ms (pyvcloud's default). */
  deadlineMs?: number;
  onProgress?: (task: TaskInfo) => void;
}

const RUNNING = new Set(["queued", "preRunning", "running", "postRunning"]);
const TIGHT_MS = 100;
/** Polls at TIGHT_MS for this long past the typical duration before backing off. */
const TIGHT_WINDOW_MS = 10_000;
const MAX_DELAY_MS = 3_000;

/** Typical duration per operation name, per client (vCDs differ). */
const typical = new WeakMap<VcdExecutor, Map<string, number>>();

function typicalMs(exec: VcdExecutor, operation: string | undefined): number | undefined {
  return operation === undefined ? undefined : typical.get(exec)?.get(operation);
}

function learn(exec: VcdExecutor, operation: string | undefined, ms: number): void {
  if (operation === undefined) return;
  let m = typical.get(exec);
  if (!m) typical.set(exec, (m = new Map()));
  const before = m.get(operation);
  // The shortest seen: polling early costs one request, polling late costs the edge's time.
  m.set(operation, before === undefined ? ms : Math.min(before, ms));
}

export function readTask(node: XmlNode): TaskInfo {
  const owner = node["Owner"] as XmlNode | undefined;
  const progress = text(node["Progress"]);
  return {
    href: String(node["@_href"]),
    status: String(node["@_status"]),
    operationName: node["@_operationName"] as string | undefined,
    progress: progress === undefined ? undefined : Number(progress),
    ownerHref: owner?.["@_href"] as string | undefined,
    ownerId: owner?.["@_id"] as string | undefined,
  };
}

/**
 * Waits until the task is done. `task` is its href, or the task as the write answered it
 * (then a task already finished costs no request and its operation paces the polls).
 */
export async function waitForTask(
  exec: VcdExecutor,
  task: string | TaskInfo,
  options: WaitOptions = {},
): Promise<TaskInfo> {
  const started = Date.now();
  const deadline = started + (options.deadlineMs ?? 600_000);
  const href = typeof task === "string" ? task : task.href;
  let operation = typeof task === "string" ? undefined : task.operationName;
  if (typeof task !== "string" && task.status === "success") return task;
  const expected = typicalMs(exec, operation);
  // First look just before a task like this one usually ends (at once when unknown).
  let delay = expected === undefined ? 0 : Math.max(0, expected - 2 * TIGHT_MS);
  for (;;) {
    if (delay > 0) {
      if (Date.now() + delay > deadline) {
        throw new ApiError("TIMEOUT", `vCD task ${operation ?? href} still running after the deadline`, {
          url: href,
        });
      }
      await new Promise((r) => setTimeout(r, delay));
    }
    const sentAt = Date.now();
    const res = await exec.request({ method: "GET", path: href });
    const node = document(res, "Task", taskDoc);
    const current = readTask(node);
    operation ??= current.operationName;
    options.onProgress?.(current);
    if (current.status === "success") {
      learn(exec, operation, Date.now() - started);
      return current;
    }
    if (!RUNNING.has(current.status)) {
      const err = node["Error"] as XmlNode | undefined;
      const message = String(err?.["@_message"] ?? `task ended with status ${current.status}`);
      const busy = err?.["@_minorErrorCode"] === "BUSY_ENTITY" || /is busy/i.test(message);
      throw new ApiError(
        busy ? "BUSY_ENTITY" : "TASK_FAILED",
        `vCD task ${current.operationName ?? ""} failed: ${message}`,
        {
          url: href,
          vendorCode: err?.["@_minorErrorCode"] as string | undefined,
        },
      );
    }
    const typicalNow = typicalMs(exec, operation);
    const overdue = Date.now() - started - (typicalNow ?? 0);
    const tight = typicalNow === undefined ? TIGHT_MS : Math.max(0, TIGHT_MS - (Date.now() - sentAt));
    delay = overdue < TIGHT_WINDOW_MS ? tight : Math.min(Math.max(delay, TIGHT_MS) * 2, MAX_DELAY_MS);
  }
}
