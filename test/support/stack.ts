import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runJson } from "./runJson";

/**
 * Drives `dist/scripts/stack.js` (the real Pulumi CLI through the Automation API) in a
 * child process, as a user's CI would, with its own file backend and PULUMI_HOME.
 */
export const ROOT = path.resolve(__dirname, "..", "..");

export interface StackRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The --json summary printed by stack.js on success. */
  json: Record<string, unknown> | undefined;
}

export class ExampleStack {
  readonly env: NodeJS.ProcessEnv;

  constructor(
    readonly example: string,
    readonly stack: string,
    env: Record<string, string>,
  ) {
    const home = mkdtempSync(path.join(tmpdir(), "l2s-e2e-"));
    mkdirSync(path.join(home, "backend"));
    this.env = {
      ...process.env,
      PATH: `${path.join(ROOT, ".tools", "bin")}:${process.env["PATH"]}`,
      PULUMI_HOME: path.join(home, "pulumi-home"),
      PULUMI_BACKEND_URL: `file://${path.join(home, "backend")}`,
      PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
      PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
      L2STRETCH_WORK_DIR: path.join(home, "work"),
      ...env,
    };
    this.backendDir = home;
  }

  readonly backendDir: string;
  /** Everything Pulumi printed over all runs, to check that no secret ever reached a log. */
  transcript = "";

  /**
   * Starts a command in a process group of its own and returns it without waiting, so a test
   * can kill the whole group (`process.kill(-child.pid, "SIGKILL")`) as `kill -9` or a CI job's
   * timeout would. Its output goes to the transcript.
   */
  start(command: string, ...args: string[]): ChildProcess {
    const argv = [
      path.join(ROOT, "dist", "scripts", "stack.js"),
      this.example,
      command,
      "--stack",
      this.stack,
      ...args,
    ];
    const child = spawn(process.execPath, argv, {
      cwd: ROOT,
      env: this.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (d: Buffer) => (this.transcript += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (this.transcript += d.toString()));
    return child;
  }

  run(command: string, ...args: string[]): Promise<StackRun> {
    const argv = [
      path.join(ROOT, "dist", "scripts", "stack.js"),
      this.example,
      command,
      "--stack",
      this.stack,
      "--json",
      ...args,
    ];
    return runJson<Record<string, unknown>>(process.execPath, argv, { cwd: ROOT, env: this.env }).then(
      (r) => {
        this.transcript += r.stdout + r.stderr;
        return r;
      },
    );
  }

  /** Runs a command that must succeed; on failure the error carries Pulumi's output. */
  async ok(command: string, ...args: string[]): Promise<Record<string, unknown>> {
    const r = await this.run(command, ...args);
    if (r.code !== 0) {
      // The JSON's diagnostics too: `--diff` output does not always show them.
      const diags = r.json?.["diagnostics"] ? `\ndiagnostics: ${JSON.stringify(r.json["diagnostics"])}` : "";
      throw new Error(
        `stack ${command} ${args.join(" ")} failed (${r.code}):\n${r.stderr.slice(-4000)}${diags}`,
      );
    }
    return r.json ?? {};
  }
}

export function changes(summary: Record<string, unknown>): Record<string, number> {
  return (summary["changeSummary"] ?? {}) as Record<string, number>;
}

export type { PlannedStep } from "../../cli/plan";
import type { PlannedStep } from "../../cli/plan";

/** Names of the program's resources by what a preview plans or an operation did, sorted. */
export interface Plan {
  create: string[];
  update: string[];
  replace: string[];
  delete: string[];
  /** Any other operation (`read`, `import`, …), as "op name"; only present when there is one. */
  other?: string[];
}

/**
 * The steps on the program's own resources: the stack, the providers and stack references
 * (a read of another stack's outputs on every run, never a change) are left out.
 */
export function stepsOf(json: Record<string, unknown>): PlannedStep[] {
  return ((json["steps"] ?? []) as PlannedStep[]).filter(
    (s) =>
      s.type !== "pulumi:pulumi:Stack" &&
      s.type !== "pulumi:pulumi:StackReference" &&
      !s.type.startsWith("pulumi:providers:"),
  );
}

/** The step planned for one resource (by name); fails if there is none. */
export function stepOf(json: Record<string, unknown>, name: string): PlannedStep {
  const step = stepsOf(json).find((s) => s.name === name);
  if (!step) throw new Error(`no step for "${name}" in ${JSON.stringify(planOf(json))}`);
  return step;
}

/**
 * `{create, update, replace, delete}` of the program's resources. A replacement (whose
 * engine steps are `create-replacement`, `replace`, `delete-replaced`) counts once.
 */
export function planOf(json: Record<string, unknown>): Plan {
  const plan: Plan = { create: [], update: [], replace: [], delete: [] };
  const other: string[] = [];
  for (const s of stepsOf(json)) {
    if (s.op.includes("replace")) plan.replace.push(s.name);
    else if (s.op === "create" || s.op === "update" || s.op === "delete") plan[s.op].push(s.name);
    else other.push(`${s.op} ${s.name}`);
  }
  for (const k of ["create", "update", "replace", "delete"] as const) plan[k] = [...new Set(plan[k])].sort();
  return other.length ? { ...plan, other: other.sort() } : plan;
}

export function diagnosticsOf(json: Record<string, unknown>): { severity: string; message: string }[] {
  return (json["diagnostics"] ?? []) as { severity: string; message: string }[];
}

export interface PreviewedUp {
  preview: Record<string, unknown>;
  up: Record<string, unknown>;
  /** The preview's plan (the same as what `up` did: checked). */
  plan: Plan;
}

/**
 * What an interactive `pulumi up` does: a real `preview --diff` on the given config, then
 * `up` with the same config (in the progress display, as after answering "yes"). Checks
 * what holds for every change: the preview succeeds with no error or warning, nothing is
 * replaced unless `replace` names it, and `up` does what the preview planned — the same
 * operations on the same resources, the same change summary, and no changed property the
 * preview did not announce. The caller asserts the plan itself.
 */
export async function previewThenUp(
  stack: ExampleStack,
  args: string[] = [],
  opts: { replace?: string[] } = {},
): Promise<PreviewedUp> {
  const preview = await stack.ok("preview", "--diff", ...args);
  expect(diagnosticsOf(preview)).toEqual([]);
  const plan = planOf(preview);
  expect(plan.replace).toEqual([...(opts.replace ?? [])].sort());
  const up = await stack.ok("up", ...args);
  expect(diagnosticsOf(up)).toEqual([]);
  expect(planOf(up)).toEqual(plan);
  expect(changes(up)).toEqual(changes(preview));
  for (const done of stepsOf(up)) {
    const planned =
      stepsOf(preview).find((s) => s.name === done.name && s.op === done.op) ?? stepOf(preview, done.name);
    expect({ name: done.name, announced: planned.detailedDiff }).toEqual({
      name: done.name,
      announced: expect.arrayContaining(done.detailedDiff),
    });
  }
  return { preview, up, plan };
}

/** The names of the program's resources in the stack's state (from `export`), sorted. */
export async function resourcesInState(stack: ExampleStack): Promise<string[]> {
  const exported = (await stack.ok("export")) as {
    deployment?: { resources?: { urn: string; type: string }[] };
  };
  return (exported.deployment?.resources ?? [])
    .filter((r) => stepsOf({ steps: [{ type: r.type }] }).length === 1)
    .map((r) => r.urn.split("::").pop()!)
    .sort();
}

/**
 * Before a destroy, a real `preview --diff` of the program on the current config must plan
 * nothing (the state is what the program says, so the destroy removes exactly what the
 * program made); then `destroy` must delete every resource in the state and nothing else.
 */
export async function previewThenDestroy(
  stack: ExampleStack,
): Promise<{ preview: Record<string, unknown>; destroy: Record<string, unknown>; deleted: string[] }> {
  const preview = await stack.ok("preview", "--diff", "--expect-no-changes");
  expect(diagnosticsOf(preview)).toEqual([]);
  expect(planOf(preview)).toEqual({ create: [], update: [], replace: [], delete: [] });
  const deleted = await resourcesInState(stack);
  const destroy = await stack.ok("destroy");
  expect(diagnosticsOf(destroy)).toEqual([]);
  expect(planOf(destroy)).toEqual({ create: [], update: [], replace: [], delete: deleted });
  return { preview, destroy, deleted };
}
