import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

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
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, argv, {
        cwd: ROOT,
        env: this.env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("error", reject);
      child.on("exit", (code) => {
        this.transcript += stdout + stderr;
        let json: Record<string, unknown> | undefined;
        try {
          json = stdout.trim()
            ? (JSON.parse(stdout.trim().split("\n").pop()!) as Record<string, unknown>)
            : undefined;
        } catch {
          json = undefined;
        }
        resolve({ code: code ?? -1, stdout, stderr, json });
      });
    });
  }

  /** Runs a command that must succeed; on failure the error carries Pulumi's output. */
  async ok(command: string, ...args: string[]): Promise<Record<string, unknown>> {
    const r = await this.run(command, ...args);
    if (r.code !== 0)
      throw new Error(`stack ${command} ${args.join(" ")} failed (${r.code}):\n${r.stderr.slice(-4000)}`);
    return r.json ?? {};
  }
}

export function changes(summary: Record<string, unknown>): Record<string, number> {
  return (summary["changeSummary"] ?? {}) as Record<string, number>;
}
