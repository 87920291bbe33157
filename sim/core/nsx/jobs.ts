// NSX edge jobs for `?async=true` writes. The change itself is validated and applied when the
// request arrives (so a failed job has changed nothing); the job then reports QUEUED → RUNNING →
// SUCCESS/FAILED by the clock over its duration, while the edge stays busy.
import type { EdgeJob, JobModule, World } from "../world";

export type JobStatus = "QUEUED" | "RUNNING" | "SUCCESS" | "FAILED";

const KEEP_JOBS = 500;

export function jobStatus(job: EdgeJob, nowMs: number): JobStatus {
  const elapsed = nowMs - job.startMs;
  if (elapsed >= job.durationMs) return job.error ? "FAILED" : "SUCCESS";
  return elapsed < job.durationMs / 4 ? "QUEUED" : "RUNNING";
}

export interface NewJob {
  edgeId: string;
  module: JobModule;
  operation: string;
  durationMs: number;
  error?: { code: number; message: string };
  resultLocation?: string;
}

export function startJob(world: World, j: NewJob, nowMs: number): EdgeJob {
  const job: EdgeJob = { id: `jobdata-${world.nsx.nextJob++}`, startMs: nowMs, ...j };
  world.nsx.jobs.push(job);
  if (world.nsx.jobs.length > KEEP_JOBS) world.nsx.jobs.splice(0, world.nsx.jobs.length - KEEP_JOBS);
  return job;
}

export function findJob(world: World, id: string): EdgeJob | undefined {
  return world.nsx.jobs.find((j) => j.id === id);
}
