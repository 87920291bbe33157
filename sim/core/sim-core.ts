// The simulator's mutable state in one place: world, options, sessions, tasks, statistics.
// Handlers receive this object; it owns persistence so every mutation path saves the same way.
import { validateFaults, type FaultOptions, type ResolvedOptions } from "../options";
import { applyNetworkTask, rollbackNetworkTask } from "./networks";
import { mulberry32, type Rng } from "./prng";
import { buildWorld, DEFAULT_SEED, type SeedWorld } from "./seed";
import { SessionStore } from "./sessions";
import type { RequestLogEntry } from "./requestLog";
import { emptyStats, LostUpdateTracker, type SimStats } from "./stats";
import { upgradeWorld } from "./migrate";
import { EdgeBusy } from "./nsx/busy";
import { refreshTunnels } from "./nsx/l2vpn-stats";
import { jobStatus } from "./nsx/jobs";
import { loadState, saveWorld } from "./store";
import { validateWorld } from "./world-schema";
import { TaskEngine } from "./tasks";
import type { VcdMode } from "./versions";
import type { World } from "./world";

export class SimCore {
  world: World;
  faults: FaultOptions;
  rng: Rng;
  stats: SimStats = emptyStats();
  /** Vendor requests served since start or the last reset (requestLog.ts). */
  requestLog: RequestLogEntry[] = [];
  readonly sessions: SessionStore;
  readonly lostUpdates: LostUpdateTracker;
  readonly tasks: TaskEngine;
  /** Busy windows left by NSX edge writes (vCD tasks keep their own, see TaskEngine). */
  readonly nsxBusy = new EdgeBusy();
  readonly vcdVersion: VcdMode;
  /** Public base URL (scheme://host:port), known once the server listens. */
  baseUrl = "";
  /** What /_sim/* requires as its bearer token. */
  readonly adminToken: string;
  private readonly seed: SeedWorld;
  private readonly stateFile: string | undefined;

  constructor(opts: ResolvedOptions) {
    this.seed = opts.seed ?? DEFAULT_SEED;
    this.adminToken = opts.adminToken;
    this.stateFile = opts.stateFile;
    this.vcdVersion = opts.vcdVersion;
    this.faults = opts.faults;
    this.rng = mulberry32(opts.faults.faultSeed);
    this.sessions = new SessionStore(() => opts.sessionTtlSeconds * 1000);
    this.lostUpdates = new LostUpdateTracker(() => this.stats);
    this.tasks = new TaskEngine({
      tasks: () => this.world.tasks,
      taskMs: () => this.faults.taskMs,
      busyMs: () => this.faults.busyMs,
      apply: (t) => {
        applyNetworkTask(this, t);
        // A network change can add or remove a stretched sub-interface.
        refreshTunnels(this.world, Date.now());
      },
      rollback: (t) => rollbackNetworkTask(this, t),
      persist: () => this.persist(),
      onTaskCreated: () => this.stats.tasks++,
    });
    const file = this.stateFile ? loadState(this.stateFile) : undefined;
    this.world = file
      ? validateWorld(this.stateFile!, upgradeWorld(this.stateFile!, file, this.seed))
      : buildWorld(this.seed);
    if (!file || file.formatVersion !== this.world.formatVersion) this.persist();
    this.tasks.resume();
    this.resumeJobBusy();
  }

  /** Jobs still running when the state was saved keep their edge busy until they end. */
  private resumeJobBusy(): void {
    const now = Date.now();
    for (const j of this.world.nsx.jobs) {
      const s = jobStatus(j, now);
      if (s === "QUEUED" || s === "RUNNING")
        this.nsxBusy.hold(j.edgeId, j.startMs + j.durationMs + this.faults.busyMs - now, j.operation);
    }
  }

  /** What keeps an edge busy: a running vCD network task or the window after an NSX write. */
  edgeBusyWith(edgeId: string): string | undefined {
    return this.tasks.busyWith(edgeId) ?? this.nsxBusy.busyWith(edgeId);
  }

  persist(): void {
    if (this.stateFile) saveWorld(this.stateFile, this.world);
  }

  setFaults(f: Partial<FaultOptions>): void {
    this.faults = validateFaults(f, this.faults);
    if (f.faultSeed !== undefined) this.rng = mulberry32(this.faults.faultSeed);
  }

  /** Back to the seed world: new ids, no sessions, zeroed statistics. */
  reset(): void {
    this.tasks.clear();
    this.nsxBusy.clear();
    this.sessions.clear();
    this.lostUpdates.clear();
    this.stats = emptyStats();
    this.requestLog = [];
    this.world = buildWorld(this.seed);
    this.persist();
  }

  close(): void {
    this.tasks.stop();
    this.persist();
  }
}
