// The simulator's mutable state in one place: world, options, sessions, tasks, statistics.
// Handlers receive this object; it owns persistence so every mutation path saves the same way.
import { validateFaults, type FaultOptions, type ResolvedOptions } from "../options";
import { applyNetworkTask, rollbackNetworkTask } from "./networks";
import { mulberry32, type Rng } from "./prng";
import { buildWorld, DEFAULT_SEED, type SeedWorld } from "./seed";
import { SessionStore } from "./sessions";
import { emptyStats, LostUpdateTracker, type SimStats } from "./stats";
import { loadWorld, saveWorld } from "./store";
import { TaskEngine } from "./tasks";
import type { VcdMode } from "./versions";
import type { World } from "./world";

export class SimCore {
  world: World;
  faults: FaultOptions;
  rng: Rng;
  stats: SimStats = emptyStats();
  readonly sessions: SessionStore;
  readonly lostUpdates: LostUpdateTracker;
  readonly tasks: TaskEngine;
  readonly vcdVersion: VcdMode;
  /** Public base URL (scheme://host:port), known once the server listens. */
  baseUrl = "";
  private readonly seed: SeedWorld;
  private readonly stateFile: string | undefined;

  constructor(opts: ResolvedOptions) {
    this.seed = opts.seed ?? DEFAULT_SEED;
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
      apply: (t) => applyNetworkTask(this, t),
      rollback: (t) => rollbackNetworkTask(this, t),
      persist: () => this.persist(),
      onTaskCreated: () => this.stats.tasks++,
    });
    const loaded = this.stateFile ? loadWorld(this.stateFile) : undefined;
    this.world = loaded ?? buildWorld(this.seed);
    if (!loaded) this.persist();
    this.tasks.resume();
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
    this.sessions.clear();
    this.lostUpdates.clear();
    this.stats = emptyStats();
    this.world = buildWorld(this.seed);
    this.persist();
  }

  close(): void {
    this.tasks.stop();
    this.persist();
  }
}
