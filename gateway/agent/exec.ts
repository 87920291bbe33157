/**
 * The one place where the agent runs programs. Everything else receives an `Executor`, so the
 * whole pipeline can run on an appliance (no prefix), inside `ip netns exec NS` (tests, bench),
 * or against a fake in unit tests.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  input?: string;
  timeoutMs?: number;
  env?: Record<string, string>;
}

export interface Executor {
  /** Runs argv to completion; never throws for a non-zero exit (callers decide). */
  run(argv: string[], opts?: ExecOptions): Promise<ExecResult>;
  /**
   * Starts a long-lived daemon in its own session so it outlives the agent (an agent restart
   * must not take the IKE daemon, and thus the tunnel, down). Returns the daemon's pid.
   */
  spawnDaemon(argv: string[], opts: { env?: Record<string, string>; logFile: string }): number;
  /** Human-readable description, e.g. "netns gwA". */
  readonly where: string;
}

export class ExecError extends Error {
  constructor(
    readonly argv: string[],
    readonly result: ExecResult,
  ) {
    super(`${argv.join(" ")} exited ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`);
  }
}

/** Runs and throws ExecError on a non-zero exit. */
export async function mustRun(ex: Executor, argv: string[], opts?: ExecOptions): Promise<ExecResult> {
  const r = await ex.run(argv, opts);
  if (r.code !== 0) throw new ExecError(argv, r);
  return r;
}

/**
 * Local executor. With `netns` set, every command is prefixed by `ip netns exec NS`, which
 * execs the program (so a spawned daemon's pid is the daemon's own pid).
 */
export class LocalExecutor implements Executor {
  readonly where: string;
  constructor(private readonly netns?: string) {
    this.where = netns ? `netns ${netns}` : "host";
  }

  private wrap(argv: string[], env?: Record<string, string>): string[] {
    // `env` is used instead of the spawn env so the variables also cross `ip netns exec`.
    const withEnv =
      env && Object.keys(env).length > 0
        ? ["env", ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...argv]
        : argv;
    return this.netns ? ["ip", "netns", "exec", this.netns, ...withEnv] : withEnv;
  }

  run(argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const full = this.wrap(argv, opts.env);
    return new Promise((resolve) => {
      const child = spawn(full[0] as string, full.slice(1), { stdio: ["pipe", "pipe", "pipe"] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill("SIGKILL");
      }, opts.timeoutMs ?? 30_000);
      child.stdout.on("data", (b: Buffer) => out.push(b));
      child.stderr.on("data", (b: Buffer) => err.push(b));
      child.on("error", (e) => {
        clearTimeout(timer);
        resolve({ code: 127, stdout: "", stderr: String(e) });
      });
      child.on("close", (code) => {
        clearTimeout(timer);
        const stderr =
          Buffer.concat(err).toString() +
          (timedOut ? `\n(timed out after ${opts.timeoutMs ?? 30_000} ms)` : "");
        resolve({ code: code ?? 128, stdout: Buffer.concat(out).toString(), stderr });
      });
      child.stdin.on("error", () => undefined);
      child.stdin.end(opts.input ?? "");
    });
  }

  spawnDaemon(argv: string[], opts: { env?: Record<string, string>; logFile: string }): number {
    const full = this.wrap(argv, opts.env);
    const fd = fs.openSync(opts.logFile, "a");
    try {
      const child = spawn(full[0] as string, full.slice(1), { detached: true, stdio: ["ignore", fd, fd] });
      child.unref();
      if (child.pid === undefined) throw new Error(`could not start ${argv[0]}`);
      return child.pid;
    } finally {
      fs.closeSync(fd);
    }
  }
}

/** True if a process with this pid exists and is not a zombie. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 3 (after the parenthesised comm) is the state; Z = zombie, X = dead.
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}
