// Busy windows of NSX edge writes: after each write the edge reconfigures for a while and
// refuses other writes (busyMs, plus the job's duration when async). In memory only: after a
// restart SimCore re-arms windows of jobs that are still running.
export class EdgeBusy {
  private readonly until = new Map<string, { untilMs: number; op: string }>();

  constructor(private readonly now: () => number = Date.now) {}

  hold(edgeId: string, ms: number, op: string): void {
    if (ms <= 0) return;
    const untilMs = this.now() + ms;
    const cur = this.until.get(edgeId);
    if (!cur || cur.untilMs < untilMs) this.until.set(edgeId, { untilMs, op });
  }

  /** The operation keeping the edge busy, if any. */
  busyWith(edgeId: string): string | undefined {
    const cur = this.until.get(edgeId);
    return cur && cur.untilMs > this.now() ? cur.op : undefined;
  }

  clear(): void {
    this.until.clear();
  }
}
