// Counters exposed on /_sim/stats, plus lost-update detection (which needs per-session memory of
// the revision each session last read).

export interface LostUpdateEvent {
  object: string;
  session: string;
  user: string;
  /** Revision this session last read; null when it never read the object. */
  seen: number | null;
  current: number;
  at: string;
}

export interface SimStats {
  requests: number;
  faultsInjected: number;
  lostUpdates: number;
  lostUpdateEvents: LostUpdateEvent[];
  tasks: number;
  /** NSX edge jobs started by `?async=true` writes. */
  jobs: number;
  busyRejections: number;
}

export function emptyStats(): SimStats {
  return {
    requests: 0,
    faultsInjected: 0,
    lostUpdates: 0,
    lostUpdateEvents: [],
    tasks: 0,
    jobs: 0,
    busyRejections: 0,
  };
}

/** Remembers, per session, the revision of each object it last read or wrote. */
export class LostUpdateTracker {
  private readonly seen = new Map<string, Map<string, number>>();

  constructor(private readonly stats: () => SimStats) {}

  noteSeen(sessionId: string, object: string, revision: number): void {
    let m = this.seen.get(sessionId);
    if (!m) this.seen.set(sessionId, (m = new Map()));
    m.set(object, revision);
  }

  /** Called on a write; records a lost update when the writer's view is stale or missing. */
  checkWrite(sessionId: string, user: string, object: string, current: number): LostUpdateEvent | undefined {
    const seen = this.seen.get(sessionId)?.get(object);
    if (seen !== undefined && seen >= current) return undefined;
    const ev: LostUpdateEvent = {
      object,
      session: sessionId,
      user,
      seen: seen ?? null,
      current,
      at: new Date().toISOString(),
    };
    const st = this.stats();
    st.lostUpdates++;
    st.lostUpdateEvents.push(ev);
    return ev;
  }

  clear(): void {
    this.seen.clear();
  }
}
