import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runJson } from "../../test/support/runJson";

/**
 * Runs the benchmark program through the shipped runner (`dist/cli/stack.js`, the real Pulumi
 * CLI via the Automation API), as a user's CI would: its own file backend and PULUMI_HOME,
 * stack settings kept outside the source tree.
 */
export const ROOT = path.resolve(__dirname, "..", "..", "..");
/** `stretch` (VxlanStretch, the default) or `handWired` (the same landing zone, resource by resource). */
const PROGRAM = path.join(ROOT, "bench", "control", process.env["BENCH_PROGRAM"] ?? "stretch");

export interface CommandResult {
  ms: number;
  json: Record<string, unknown>;
}

export class BenchStack {
  private readonly env: NodeJS.ProcessEnv;
  private readonly settingsDir: string;

  constructor(vendorEnv: Record<string, string>) {
    const home = mkdtempSync(path.join(tmpdir(), "l2s-bench-"));
    mkdirSync(path.join(home, "backend"));
    this.settingsDir = path.join(home, "settings");
    this.env = {
      ...process.env,
      PULUMI_HOME: path.join(home, "pulumi-home"),
      PULUMI_BACKEND_URL: `file://${path.join(home, "backend")}`,
      PULUMI_CONFIG_PASSPHRASE: "bench-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
      PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
      ...vendorEnv,
    };
  }

  /** Runs one command; it must succeed. Returns its wall time and --json summary. */
  async run(command: string, ...args: string[]): Promise<CommandResult> {
    const argv = [
      path.join(ROOT, "dist", "cli", "stack.js"),
      PROGRAM,
      command,
      "--stack",
      "bench",
      "--json",
      "--settings-dir",
      this.settingsDir,
      "--pulumi",
      path.join(process.env["L2S_TOOLS"] ?? path.join(ROOT, ".tools"), "bin", "pulumi"),
      ...args,
    ];
    const t0 = Date.now();
    const r = await runJson<Record<string, unknown>>(process.execPath, argv, { cwd: ROOT, env: this.env });
    const ms = Date.now() - t0;
    if (r.code !== 0)
      throw new Error(`${command} ${args.join(" ")} failed (${r.code}):\n${r.stderr.slice(-3000)}`);
    return { ms, json: r.json ?? {} };
  }
}
