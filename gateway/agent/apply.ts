/**
 * The "apply" step: runs a plan's steps in order, and on the first failure rolls the machine
 * back to the last good configuration (re-planned against the now-changed live state, so the
 * rollback is itself minimal). The last good configuration is persisted atomically, so a
 * reboot or an agent restart converges to it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Executor, mustRun } from "./exec";
import { Charon } from "./charon";
import { Action, PlannerInput, Step, plan, plannedFiles } from "./plan";
import { GatewayConfig, GatewayConfigSchema } from "../../contract/gatewayDocument";
import { CharonPaths, IKE_CONN, NFT_TABLE } from "./render";
import { readLiveState } from "./live";
import type { AgentApplyResult, AgentStep } from "../../contract/agentApi";

/** What the agent reports of each step and of an apply: the shapes of its API (contract). */
export type StepLog = AgentStep;
export type ApplyResult = AgentApplyResult;

/** Atomic file write: a crash leaves either the old or the new file, never half of one. */
export function writeFileAtomic(file: string, content: string, mode = 0o600): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, content, { mode });
  fs.renameSync(tmp, file);
}

export class ConfigStore {
  constructor(private readonly stateDir: string) {}
  get file(): string {
    return `${this.stateDir}/last-good.json`;
  }
  load(): GatewayConfig | undefined {
    try {
      const raw = JSON.parse(fs.readFileSync(this.file, "utf8")) as unknown;
      const parsed = GatewayConfigSchema.safeParse(raw);
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
  save(cfg: GatewayConfig): void {
    writeFileAtomic(this.file, JSON.stringify(cfg, null, 2) + "\n");
  }
  /** Forgets the config, so a reboot after `DELETE /v1/config` does not bring the stretch back. */
  clear(): void {
    fs.rmSync(this.file, { force: true });
  }
}

export class Applier {
  constructor(
    private readonly ex: Executor,
    private readonly charon: Charon,
    private readonly paths: CharonPaths,
  ) {}

  /** Reads everything the planner needs (the "get" step). */
  async gather(cfg: GatewayConfig): Promise<PlannerInput> {
    const live = await readLiveState(this.ex, this.charon.swanctlPaths(), NFT_TABLE);
    const files: Record<string, string | undefined> = {};
    for (const f of plannedFiles(cfg, this.paths)) {
      try {
        files[f] = fs.readFileSync(f, "utf8");
      } catch {
        files[f] = undefined;
      }
    }
    const charonRunning = this.charon.isRunning();
    return {
      live,
      files,
      charonRunning,
      connLoaded: charonRunning && (await this.charon.connLoaded(IKE_CONN)),
    };
  }

  async planFor(
    cfg: GatewayConfig,
    previous?: GatewayConfig,
  ): Promise<{ input: PlannerInput; actions: Action[] }> {
    const input = await this.gather(cfg);
    return { input, actions: plan(cfg, input, this.paths, previous) };
  }

  private async runStep(step: Step): Promise<void> {
    switch (step.op) {
      case "exec":
        if (step.allowFail)
          await this.ex.run(step.argv, step.input === undefined ? {} : { input: step.input });
        else await mustRun(this.ex, step.argv, step.input === undefined ? {} : { input: step.input });
        return;
      case "write":
        writeFileAtomic(step.path, step.content, step.mode);
        return;
      case "charon-start":
        await this.charon.start();
        return;
      case "charon-restart":
        await this.charon.stop();
        await this.charon.start();
        return;
      case "swanctl-load":
        await this.charon.load();
        return;
    }
  }

  async execute(actions: Action[]): Promise<StepLog[]> {
    const done: StepLog[] = [];
    for (const a of actions) {
      for (const s of a.steps) {
        try {
          await this.runStep(s);
        } catch (e) {
          throw new ApplyError(`${a.id}: ${e instanceof Error ? e.message : String(e)}`, done);
        }
      }
      done.push({ action: a.id, description: a.description });
    }
    return done;
  }

  /**
   * Converges to `cfg`. On failure, converges back to `lastGood` (when given) and reports both
   * the error and the rollback's outcome.
   */
  async apply(cfg: GatewayConfig, lastGood: GatewayConfig | undefined): Promise<ApplyResult> {
    const t0 = Date.now();
    try {
      const { actions } = await this.planFor(cfg, lastGood);
      const done = await this.execute(actions);
      return { ok: true, actions: done, durationMs: Date.now() - t0, at: new Date().toISOString() };
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      const done = e instanceof ApplyError ? e.done : [];
      if (!lastGood)
        return { ok: false, actions: done, error, durationMs: Date.now() - t0, at: new Date().toISOString() };
      try {
        const { actions } = await this.planFor(lastGood, cfg);
        await this.execute(actions);
        return {
          ok: false,
          actions: done,
          error,
          rolledBack: true,
          durationMs: Date.now() - t0,
          at: new Date().toISOString(),
        };
      } catch (re) {
        return {
          ok: false,
          actions: done,
          error,
          rolledBack: false,
          rollbackError: re instanceof Error ? re.message : String(re),
          durationMs: Date.now() - t0,
          at: new Date().toISOString(),
        };
      }
    }
  }
}

export class ApplyError extends Error {
  constructor(
    message: string,
    readonly done: StepLog[],
  ) {
    super(message);
  }
}
