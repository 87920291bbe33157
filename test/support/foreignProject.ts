import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { PlannedStep } from "../../cli/plan";
import { runJson } from "./runJson";

/**
 * A user's project outside this repository with the packed l2stretch tarball installed
 * beside its own @pulumi/pulumi, driven the way a user drives it: `npm install`, `tsc`, and
 * the shipped `l2stretch-stack` command with the real Pulumi CLI. Nothing here links back
 * into the repository: the environment carries no repo node_modules on PATH or NODE_PATH.
 */
export const ROOT = path.resolve(__dirname, "..", "..");
const run = promisify(execFile);

export interface StackResult {
  code: number;
  stdout: string;
  stderr: string;
  json: StackJson;
}

export type { PlannedStep };

export interface StackJson {
  changeSummary?: Record<string, number>;
  steps?: PlannedStep[];
  diagnostics?: { severity: string; message: string; urn?: string }[];
  outputs?: Record<string, unknown>;
  failed?: boolean;
}

/** `npm pack` of the repository as built: the file a user downloads from the registry. */
export async function packTarball(): Promise<string> {
  const dest = mkdtempSync(path.join(tmpdir(), "l2s-pack-"));
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", dest], {
    cwd: ROOT,
    maxBuffer: 64 << 20,
  });
  const [info] = JSON.parse(stdout) as { filename: string }[];
  return path.join(dest, info!.filename);
}

export class ForeignProject {
  readonly env: NodeJS.ProcessEnv;
  transcript = "";

  private constructor(readonly dir: string) {
    const home = path.join(dir, ".pulumi-test");
    mkdirSync(path.join(home, "backend"), { recursive: true });
    // Only the Pulumi CLI comes from the project's toolchain; nothing else of the repo.
    const path_ = [path.join(ROOT, ".tools", "bin"), ...(process.env["PATH"] ?? "").split(":")]
      .filter((p) => p && !p.startsWith(path.join(ROOT, "node_modules")))
      .join(":");
    const { NODE_PATH: _np, ...rest } = process.env;
    this.env = {
      ...Object.fromEntries(
        Object.entries(rest).filter(([k]) => !k.startsWith("L2STRETCH_") && !k.startsWith("PULUMI_")),
      ),
      PATH: path_,
      PULUMI_HOME: path.join(home, "home"),
      PULUMI_BACKEND_URL: `file://${path.join(home, "backend")}`,
      PULUMI_CONFIG_PASSPHRASE: "package-test-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
      PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    };
  }

  /** A new project with its own dependencies, installed from the registry and the tarball. */
  static async create(
    tarball: string,
    deps: { pulumi: string; typescript: string; typesNode: string },
  ): Promise<ForeignProject> {
    const dir = realpathSync(mkdtempSync(path.join(tmpdir(), "l2s-user-project-")));
    writeFileSync(
      path.join(dir, "package.json"),
      JSON.stringify(
        {
          name: "acme-landing-zone",
          private: true,
          dependencies: { "@pulumi/pulumi": deps.pulumi, l2stretch: `file:${tarball}` },
          devDependencies: { typescript: deps.typescript, "@types/node": deps.typesNode },
        },
        null,
        2,
      ),
    );
    const p = new ForeignProject(dir);
    await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], {
      cwd: dir,
      env: p.env,
      maxBuffer: 64 << 20,
    });
    return p;
  }

  /** Copies a program directory (sources, Pulumi.yaml) into the project. */
  addProgram(from: string, name: string): string {
    const to = path.join(this.dir, name);
    cpSync(from, to, { recursive: true });
    return to;
  }

  write(file: string, content: string): void {
    writeFileSync(path.join(this.dir, file), content);
  }

  read(file: string): string {
    return readFileSync(path.join(this.dir, file), "utf8");
  }

  /** Runs a command of the project's own toolchain (node_modules/.bin), e.g. tsc. */
  async exec(bin: string, args: string[], cwd = this.dir): Promise<{ code: number; output: string }> {
    try {
      const r = await run(path.join(this.dir, "node_modules", ".bin", bin), args, { cwd, env: this.env });
      return { code: 0, output: r.stdout + r.stderr };
    } catch (e) {
      const err = e as { code?: number; stdout?: string; stderr?: string };
      return { code: err.code ?? 1, output: `${err.stdout ?? ""}${err.stderr ?? ""}` };
    }
  }

  /** The pulumi CLI itself (stack init/import), in a program directory. */
  async pulumi(args: string[], cwd: string, env: Record<string, string> = {}): Promise<string> {
    const r = await run(path.join(ROOT, ".tools", "bin", "pulumi"), [...args, "--non-interactive"], {
      cwd,
      env: { ...this.env, ...env },
      maxBuffer: 64 << 20,
    });
    return r.stdout;
  }

  /** `l2stretch-stack <program> <command> --json …` as installed in the project. */
  stack(
    program: string,
    command: string,
    args: string[],
    env: Record<string, string> = {},
  ): Promise<StackResult> {
    const bin = path.join(this.dir, "node_modules", ".bin", "l2stretch-stack");
    return runJson<StackJson>(bin, [program, command, "--json", ...args], {
      cwd: this.dir,
      env: { ...this.env, ...env },
    }).then((r) => {
      this.transcript += r.stdout + r.stderr;
      return { ...r, json: r.json ?? {} };
    });
  }

  async ok(
    program: string,
    command: string,
    args: string[],
    env: Record<string, string> = {},
  ): Promise<StackResult> {
    const r = await this.stack(program, command, args, env);
    if (r.code !== 0)
      throw new Error(`l2stretch-stack ${command} failed (${r.code}):\n${r.stderr.slice(-6000)}`);
    return r;
  }
}
