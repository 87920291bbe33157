/**
 * Runs and supervises one strongSwan charon for this gateway.
 *
 * charon-systemd is used because it writes no pid file (the classic daemon's fixed
 * /var/run/charon.pid stops a second instance on the same host). The daemon is started in its
 * own session and its pid kept in the state dir, so an agent restart adopts the running daemon
 * instead of restarting it: the tunnel survives agent upgrades and crashes.
 */
import * as fs from "node:fs";
import { Executor, processAlive } from "./exec";
import { CharonPaths } from "./render";
import { swanctl } from "./live";
import {
  DEFAULT_DATAPATH_SCHEDULING,
  DatapathScheduling,
  SchedulingOutcome,
  applyPlacement,
  applyScheduling,
} from "./tuning";

export const CHARON_BINARY = "/usr/sbin/charon-systemd";

export interface CharonEvents {
  onRestart?: (info: { at: Date; downMs: number }) => void;
  log?: (msg: string) => void;
}

export class Charon {
  private timer: NodeJS.Timeout | undefined;
  private restarting = false;
  restarts = 0;
  /** The scheduling charon's threads were last given (see tuning.ts), once it has started. */
  scheduling: SchedulingOutcome | undefined;

  constructor(
    private readonly ex: Executor,
    readonly paths: CharonPaths,
    private readonly events: CharonEvents = {},
    private readonly wantedScheduling: DatapathScheduling = DEFAULT_DATAPATH_SCHEDULING,
    /** CPUs for charon's threads (taskset list); undefined = wherever the kernel puts them. */
    private readonly cpus?: string,
  ) {}

  private get pidFile(): string {
    return `${this.paths.dir}/charon.pid`;
  }

  get viciUri(): string {
    return `unix://${this.paths.viciSocket}`;
  }

  pid(): number | undefined {
    try {
      const pid = Number(fs.readFileSync(this.pidFile, "utf8").trim());
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  isRunning(): boolean {
    const pid = this.pid();
    return pid !== undefined && processAlive(pid);
  }

  async start(): Promise<void> {
    const running = this.pid();
    if (running !== undefined && processAlive(running)) {
      // An adopted daemon (agent restart) gets the current tuning too; chrt is idempotent.
      await this.tune(running);
      return;
    }
    fs.mkdirSync(this.paths.dir, { recursive: true, mode: 0o700 });
    // A socket left by a killed daemon would make the readiness check pass too early.
    fs.rmSync(this.paths.viciSocket, { force: true });
    const pid = this.ex.spawnDaemon([CHARON_BINARY], {
      env: { STRONGSWAN_CONF: this.paths.strongswanConf },
      logFile: `${this.paths.dir}/charon.stdout`,
    });
    fs.writeFileSync(this.pidFile, `${pid}\n`);
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (!processAlive(pid)) throw new Error(`charon exited during start (see ${this.paths.log})`);
      if (fs.existsSync(this.paths.viciSocket)) {
        const r = await swanctl(this.ex, this.swanctlPaths(), "--stats");
        if (r.code === 0) {
          // Ready means its worker and libipsec threads exist, so all of them get the policy.
          await this.tune(pid);
          return;
        }
      }
      await sleep(50);
    }
    throw new Error("charon did not open its vici socket within 15 s");
  }

  private async tune(pid: number): Promise<void> {
    this.scheduling = await applyScheduling(this.ex, pid, this.wantedScheduling);
    if (this.scheduling.problem)
      this.events.log?.(`charon scheduling left at normal: ${this.scheduling.problem}`);
    const placement = this.cpus === undefined ? undefined : await applyPlacement(this.ex, pid, this.cpus);
    if (placement) this.events.log?.(`charon CPU placement not applied: ${placement}`);
  }

  async stop(): Promise<void> {
    const pid = this.pid();
    if (pid === undefined) return;
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      /* already gone */
    }
    const deadline = Date.now() + 5_000;
    while (processAlive(pid) && Date.now() < deadline) await sleep(50);
    if (processAlive(pid)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }
    fs.rmSync(this.pidFile, { force: true });
  }

  swanctlPaths() {
    return { swanctlDir: this.paths.swanctlDir, viciUri: this.viciUri };
  }

  async load(): Promise<void> {
    const r = await swanctl(this.ex, this.swanctlPaths(), "--load-all", "--noprompt");
    if (r.code !== 0) throw new Error(`swanctl --load-all failed: ${r.stderr.trim() || r.stdout.trim()}`);
  }

  async connLoaded(name: string): Promise<boolean> {
    if (!this.isRunning()) return false;
    const r = await swanctl(this.ex, this.swanctlPaths(), "--list-conns");
    return r.code === 0 && new RegExp(`^${name}:`, "m").test(r.stdout);
  }

  /**
   * Polls the daemon (adopted daemons are not our children, so there is no exit event) and
   * restarts it with the current configuration after a crash. Polling every 200 ms keeps the
   * restart part of the outage well below DPD's.
   */
  supervise(configured: () => boolean): void {
    this.unsupervise();
    let downSince: number | undefined;
    this.timer = setInterval(() => {
      if (this.restarting || !configured()) return;
      if (this.isRunning()) {
        downSince = undefined;
        return;
      }
      downSince ??= Date.now();
      this.restarting = true;
      const since = downSince;
      this.events.log?.("charon is not running; restarting it");
      this.start()
        .then(() => this.load())
        .then(() => {
          this.restarts++;
          downSince = undefined;
          this.events.onRestart?.({ at: new Date(), downMs: Date.now() - since });
        })
        .catch((e: unknown) => this.events.log?.(`charon restart failed: ${String(e)}`))
        .finally(() => {
          this.restarting = false;
        });
    }, 200);
    this.timer.unref();
  }

  unsupervise(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
