import { spawn } from "node:child_process";

/**
 * Runs a command that ends its stdout with one JSON line (l2stretch-stack --json) and
 * collects everything it printed.
 */
export interface JsonRun<T> {
  code: number;
  stdout: string;
  stderr: string;
  /** The last stdout line parsed, or undefined when there is none or it is not JSON. */
  json: T | undefined;
}

export function runJson<T>(
  file: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<JsonRun<T>> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      const last = stdout.trim().split("\n").pop() ?? "";
      let json: T | undefined;
      try {
        json = last ? (JSON.parse(last) as T) : undefined;
      } catch {
        json = undefined;
      }
      resolve({ code: code ?? -1, stdout, stderr, json });
    });
  });
}
