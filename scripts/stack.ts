#!/usr/bin/env node
/**
 * Runs an example program with the real Pulumi CLI engine:
 *
 *   node dist/scripts/stack.js <example> <preview|up|refresh|destroy|outputs|export|config> [options]
 *
 * The machines we build on cannot fetch `pulumi-language-nodejs` (it is published on the Go
 * proxy only as an unreleased pseudo-version), so the program runs through the Automation
 * API's in-process language server while the CLI binary does everything else: engine,
 * diffs, state in the local file backend, secrets, the dynamic provider process. With a
 * regular Pulumi install, `pulumi up` inside the example folder runs the same program.
 *
 * Options: --stack NAME (default "dev"), --config key=value, --secret key=value,
 * --expect-no-changes, --diff, --json (print a JSON summary on stdout).
 */
import { execFile } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { parseArgs, promisify } from "node:util";
import {
  LocalWorkspace,
  PulumiCommand,
  type ConfigMap,
  type PulumiFn,
  type Stack,
} from "@pulumi/pulumi/automation";

const ROOT = path.resolve(__dirname, "..", "..");
const COMMANDS = ["preview", "up", "refresh", "destroy", "outputs", "export", "config"] as const;
type Command = (typeof COMMANDS)[number];

interface Options {
  example: string;
  command: Command;
  stack: string;
  config: ConfigMap;
  expectNoChanges: boolean;
  diff: boolean;
  json: boolean;
}

function parse(argv: string[]): Options {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      stack: { type: "string", default: "dev" },
      config: { type: "string", multiple: true, default: [] },
      secret: { type: "string", multiple: true, default: [] },
      "expect-no-changes": { type: "boolean", default: false },
      diff: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
  });
  const [example, command] = positionals;
  if (!example || !command || !(COMMANDS as readonly string[]).includes(command)) {
    throw new Error(
      `usage: stack <example> <${COMMANDS.join("|")}> [--stack NAME] [--config k=v] [--secret k=v]`,
    );
  }
  const config: ConfigMap = {};
  const add = (pair: string, secret: boolean) => {
    const eq = pair.indexOf("=");
    if (eq < 1) throw new Error(`--config/--secret take key=value, got "${pair}"`);
    config[pair.slice(0, eq)] = { value: pair.slice(eq + 1), secret };
  };
  values.config!.forEach((p) => add(p, false));
  values.secret!.forEach((p) => add(p, true));
  return {
    example,
    command: command as Command,
    stack: values.stack!,
    config,
    expectNoChanges: values["expect-no-changes"]!,
    diff: values.diff!,
    json: values.json!,
  };
}

function loadProgram(example: string): { projectName: string; program: PulumiFn } {
  const compiled = path.join(ROOT, "dist", "examples", example, "index.js");
  const mod = require(compiled) as { program?: PulumiFn; projectName?: string };
  if (typeof mod.program !== "function") throw new Error(`${compiled} must export a "program" function`);
  return { projectName: mod.projectName ?? `l2stretch-${example}`, program: mod.program };
}

function pulumiCli(): Promise<PulumiCommand> {
  return PulumiCommand.get({ root: path.join(ROOT, ".tools"), skipVersionCheck: true });
}

function backendEnv(): Record<string, string> {
  return {
    PULUMI_BACKEND_URL: process.env["PULUMI_BACKEND_URL"] ?? `file://${path.join(ROOT, ".state", "backend")}`,
    PULUMI_CONFIG_PASSPHRASE: process.env["PULUMI_CONFIG_PASSPHRASE"] ?? "",
  };
}

async function openStack(o: Options): Promise<Stack> {
  const { projectName, program } = loadProgram(o.example);
  const workDir = path.join(
    process.env["L2STRETCH_WORK_DIR"] ?? path.join(ROOT, ".state", "work"),
    o.example,
  );
  mkdirSync(workDir, { recursive: true });
  const pulumiCommand = await pulumiCli();
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: o.stack, projectName, program },
    {
      // Stack settings (config, encryption salt) live here; tests point it at a temp dir.
      workDir,
      pulumiCommand,
      // Plugins (the dynamic provider) start in `main`: it must resolve node_modules/l2stretch.
      projectSettings: { name: projectName, runtime: "nodejs", main: ROOT },
      envVars: backendEnv(),
    },
  );
  if (Object.keys(o.config).length) await stack.setAllConfig(o.config);
  return stack;
}

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2));
  const stack = await openStack(o);
  const onOutput = (out: string) => process.stderr.write(out);
  const common = { onOutput, color: "never" as const };
  let result: unknown;
  switch (o.command) {
    case "config":
      result = await stack.getAllConfig();
      break;
    case "preview": {
      const r = await stack.preview({ ...common, diff: o.diff, expectNoChanges: o.expectNoChanges });
      result = { changeSummary: r.changeSummary };
      break;
    }
    case "up": {
      const r = await stack.up({ ...common, diff: o.diff, expectNoChanges: o.expectNoChanges });
      result = { changeSummary: r.summary.resourceChanges, outputs: plainOutputs(r.outputs) };
      break;
    }
    case "refresh": {
      const r = await stack.refresh({ ...common, expectNoChanges: o.expectNoChanges });
      result = { changeSummary: r.summary.resourceChanges };
      break;
    }
    case "destroy": {
      const r = await stack.destroy(common);
      result = { changeSummary: r.summary.resourceChanges };
      break;
    }
    case "outputs":
      result = { outputs: plainOutputs(await stack.outputs()) };
      break;
    case "export": {
      // Not stack.exportStack(): the Automation API adds --show-secrets to it.
      const { stdout } = await promisify(execFile)(
        path.join(ROOT, ".tools", "bin", "pulumi"),
        ["stack", "export", "--stack", o.stack, "--non-interactive"],
        {
          cwd: (stack.workspace as LocalWorkspace).workDir,
          env: { ...process.env, ...backendEnv() },
          maxBuffer: 64 << 20,
        },
      );
      result = JSON.parse(stdout) as unknown;
      break;
    }
  }
  if (o.json) process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Secret outputs stay masked: the summary never prints a secret's value. */
function plainOutputs(outputs: Record<string, { value: unknown; secret: boolean }>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.secret ? "[secret]" : v.value]));
}

main().catch((e: Error) => {
  process.stderr.write(`\nstack: ${e.message}\n`);
  process.exit(1);
});
