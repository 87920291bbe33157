// Asynchronous tasks. A running task's visible phase (queued → preRunning → running) is derived
// from the clock, so it needs no timers; one timer per task applies its change at the end.
// `settle()` is also called at the start of every request so a client never sees a task whose
// time is up still running just because the timer has not fired yet.
import { SimError } from "./errors";
import type { Task, TaskStatus } from "./world";

export interface TaskHost {
  tasks(): Task[];
  taskMs(): number;
  busyMs(): number;
  /** Applies the task's change to the world; a thrown SimError fails the task. */
  apply(task: Task): void;
  /** Undoes what creation did when a task is cancelled (e.g. removes a network being created). */
  rollback(task: Task): void;
  persist(): void;
  onTaskCreated(): void;
}

export interface TaskView {
  status: TaskStatus;
  progress: number;
}

const KEEP_FINISHED = 500;

export class TaskEngine {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Edges that stay busy for busyMs after a task on them finished. */
  private readonly busyAfter = new Map<string, { until: number; op: string }>();

  constructor(
    private readonly host: TaskHost,
    private readonly now: () => number = Date.now,
  ) {}

  start(task: Task): void {
    this.host.tasks().push(task);
    this.host.onTaskCreated();
    this.prune();
    this.schedule(task);
  }

  /** Re-arms timers for tasks that were running when the state was saved. */
  resume(): void {
    for (const t of this.host.tasks()) if (t.status === "running") this.schedule(t);
  }

  private schedule(task: Task): void {
    const remaining = Math.max(0, task.startMs + task.durationMs - this.now());
    const timer = setTimeout(() => this.settle(), remaining);
    timer.unref();
    this.timers.set(task.id, timer);
  }

  settle(): void {
    const now = this.now();
    let changed = false;
    for (const t of this.host.tasks()) {
      if (t.status === "running" && now >= t.startMs + t.durationMs) {
        this.finish(t, now);
        changed = true;
      }
    }
    if (changed) this.host.persist();
  }

  private finish(task: Task, now: number): void {
    clearTimeout(this.timers.get(task.id));
    this.timers.delete(task.id);
    try {
      this.host.apply(task);
      task.status = "success";
    } catch (e) {
      if (!(e instanceof SimError)) throw e;
      this.host.rollback(task);
      task.status = "error";
      task.error = { majorErrorCode: e.status, minorErrorCode: e.minorErrorCode, message: e.message };
    }
    task.endMs = now;
    const busyMs = this.host.busyMs();
    if (busyMs > 0) this.busyAfter.set(task.edgeId, { until: now + busyMs, op: task.operationName });
  }

  view(task: Task): TaskView {
    if (task.status !== "running")
      return { status: task.status, progress: task.status === "success" ? 100 : 0 };
    const elapsed = this.now() - task.startMs;
    const frac = task.durationMs === 0 ? 1 : Math.min(1, elapsed / task.durationMs);
    const status: TaskStatus = frac < 0.1 ? "queued" : frac < 0.25 ? "preRunning" : "running";
    return { status, progress: status === "running" ? Math.min(99, Math.floor(frac * 100)) : 0 };
  }

  /** Returns false when the task already finished. */
  cancel(task: Task): boolean {
    if (task.status !== "running") return false;
    clearTimeout(this.timers.get(task.id));
    this.timers.delete(task.id);
    task.cancelRequested = true;
    task.status = "aborted";
    task.endMs = this.now();
    this.host.rollback(task);
    this.host.persist();
    return true;
  }

  runningOn(edgeId: string): Task | undefined {
    return this.host.tasks().find((t) => t.status === "running" && t.edgeId === edgeId);
  }

  /** The operation keeping an edge busy, if any (running task, or within busyMs after one). */
  busyWith(edgeId: string): string | undefined {
    const running = this.runningOn(edgeId);
    if (running) return running.operationName;
    const after = this.busyAfter.get(edgeId);
    return after && after.until > this.now() ? after.op : undefined;
  }

  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  clear(): void {
    this.stop();
    this.busyAfter.clear();
  }

  private prune(): void {
    const tasks = this.host.tasks();
    const finished = tasks.filter((t) => t.status !== "running");
    if (finished.length <= KEEP_FINISHED) return;
    const drop = new Set(finished.slice(0, finished.length - KEEP_FINISHED).map((t) => t.id));
    const kept = tasks.filter((t) => !drop.has(t.id));
    tasks.splice(0, tasks.length, ...kept);
  }
}
