import { ApiError } from "../common/errors";
import type { VcdExecutor } from "./executor";
import { document, taskDoc } from "./responses";
import { text, type XmlNode } from "./xml";

/**
 * Waits for a vCD task (legacy XML Task, also what cloudapi 202 responses point to).
 * Polls quickly at first and backs off, because most network tasks finish in seconds
 * while some edge reconfigurations take minutes.
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

export async function waitForTask(
  exec: VcdExecutor,
  href: string,
  options: WaitOptions = {},
): Promise<TaskInfo> {
  const deadline = Date.now() + (options.deadlineMs ?? 600_000);
  let delay = 100;
  for (;;) {
    const res = await exec.request({ method: "GET", path: href });
    const node = document(res, "Task", taskDoc);
    const task = readTask(node);
    options.onProgress?.(task);
    if (task.status === "success") return task;
    if (!RUNNING.has(task.status)) {
      const err = node["Error"] as XmlNode | undefined;
      const message = String(err?.["@_message"] ?? `task ended with status ${task.status}`);
      const busy = err?.["@_minorErrorCode"] === "BUSY_ENTITY" || /is busy/i.test(message);
      throw new ApiError(
        busy ? "BUSY_ENTITY" : "TASK_FAILED",
        `vCD task ${task.operationName ?? ""} failed: ${message}`,
        {
          url: href,
          vendorCode: err?.["@_minorErrorCode"] as string | undefined,
        },
      );
    }
    if (Date.now() + delay > deadline) {
      throw new ApiError(
        "TIMEOUT",
        `vCD task ${task.operationName ?? href} still ${task.status} after the deadline`,
        { url: href },
      );
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 3_000);
  }
}
