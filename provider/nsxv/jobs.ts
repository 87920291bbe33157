import { ApiError } from "../common/errors";
import { classifyNsxMessage } from "./errors";
import { JOB_DONE, JOB_RUNNING, readEdgeJob } from "./jobXml";
import type { NsxTransport } from "./transport";
import type { EdgeJob } from "./types";

/**
 * Waits for an NSX edge job started by a `?async=true` write. Polls quickly at first and
 * backs off: most edge reconfigurations finish in a second or two, some take minutes.
 */
export interface WaitForJobOptions {
  /** Give up after this long. Default 600 000 ms. */
  deadlineMs?: number;
  /** First poll interval. Default 100 ms (doubles up to 3 s). */
  pollMs?: number;
  onProgress?: (job: EdgeJob) => void;
}

export async function waitForJob(
  transport: NsxTransport,
  jobIdOrLocation: string,
  options: WaitForJobOptions = {},
): Promise<EdgeJob> {
  const path = transport.jobPath(jobIdOrLocation);
  const deadline = Date.now() + (options.deadlineMs ?? 600_000);
  let delay = options.pollMs ?? 100;
  for (;;) {
    const res = await transport.request({ method: "GET", path });
    const job = readEdgeJob(res.xml);
    if (!job)
      throw new ApiError("INVALID_RESPONSE", `GET ${path} did not return an <edgeJob>`, { url: path });
    options.onProgress?.(job);
    if (JOB_DONE.has(job.status)) return job;
    if (!JOB_RUNNING.has(job.status)) {
      const message = job.message ?? `job ended with status ${job.status}`;
      // A job that failed because the edge was busy is as transient as a busy answer.
      const code = classifyNsxMessage(message) === "BUSY_ENTITY" ? "BUSY_ENTITY" : "TASK_FAILED";
      throw new ApiError(code, `NSX edge job ${job.jobId} ${job.status}: ${message}`, {
        url: path,
        vendorCode: job.errorCode,
      });
    }
    if (Date.now() + delay > deadline) {
      throw new ApiError("TIMEOUT", `NSX edge job ${job.jobId} still ${job.status} after the deadline`, {
        url: path,
      });
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 3_000);
  }
}
