#!/usr/bin/env node
/**
 * l2stretch-stack: runs a Pulumi program directory through the real Pulumi CLI on machines
 * without the Node language host (`pulumi-language-nodejs`):
 *
 *   l2stretch-stack <program-dir> <preview|up|refresh|destroy|outputs|export> [options]
 *
 * The program runs in the Automation API's in-process host (taken from the program's own
 * `@pulumi/pulumi`); the CLI binary does the rest: engine, diffs, state, secrets and the
 * dynamic provider. With a standard Pulumi install, `pulumi <command>` in the program
 * directory does the same. Options:
 *   --stack NAME          stack to select or create (default: the selected stack, else "dev")
 *   --config k=v          set stack config before running (repeatable); --secret k=v for secrets
 *   --settings-dir DIR    where Pulumi.<stack>.yaml lives (default: the program directory)
 *   --pulumi PATH         the pulumi binary (default: $L2STRETCH_PULUMI, else `pulumi` on PATH)
 *   --diff                print the detailed diff (preview/up)
 *   --refresh             refresh before preview/up
 *   --expect-no-changes   fail if the operation would change anything
 *   --json                print a JSON summary on stdout: change summary, planned steps with
 *                         the names of changed properties, error diagnostics, outputs
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, realpathSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import type { ConfigMap, LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { PlanRecorder } from "./plan";
import { entryFile, loadAutomation, programFrom, pulumiSdkDir, type AutomationModule } from "./program";

const COMMANDS = ["preview", "up", "refresh", "destroy", "outputs", "export", "cancel"] as const;
type Command = (typeof COMMANDS)[number];

interface Options {
  programDir: string;
  command: Command;
  /** Undefined: the stack selected in the program directory (`pulumi stack select`), else "dev". */
  stack: string | undefined;
  config: ConfigMap;
  settingsDir: string | undefined;
  pulumi: string;
  diff: boolean;
  refresh: boolean;
  expectNoChanges: boolean;
  json: boolean;
}

const USAGE = `usage: l2stretch-stack <program-dir> <${COMMANDS.join("|")}> [--stack NAME] [--config k=v] [--secret k=v] [--settings-dir DIR] [--pulumi PATH] [--diff] [--refresh] [--expect-no-changes] [--json]`;

function parse(argv: string[]): Options {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      stack: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
      config: { type: "string", multiple: true, default: [] },
      secret: { type: "string", multiple: true, default: [] },
      "settings-dir": { type: "string" },
      pulumi: { type: "string" },
      diff: { type: "boolean", default: false },
      refresh: { type: "boolean", default: false },
      "expect-no-changes": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const [dir, command] = positionals;
  if (!dir || !command || !(COMMANDS as readonly string[]).includes(command)) throw new Error(USAGE);
  const config: ConfigMap = {};
  const add = (pair: string, secret: boolean) => {
    const eq = pair.indexOf("=");
    if (eq < 1) throw new Error(`--config/--secret take key=value, got "${eq < 0 ? pair : "=…"}"`);
    config[pair.slice(0, eq)] = { value: pair.slice(eq + 1), secret };
  };
  values.config!.forEach((p) => add(p, false));
  values.secret!.forEach((p) => add(p, true));
  return {
    programDir: path.resolve(dir),
    command: command as Command,
    stack: values.stack,
    config,
    settingsDir: values["settings-dir"] ? path.resolve(values["settings-dir"]) : undefined,
    pulumi: findPulumi(values.pulumi),
    diff: values.diff!,
    refresh: values.refresh!,
    expectNoChanges: values["expect-no-changes"]!,
    json: values.json!,
  };
}

function findPulumi(given: string | undefined): string {
  const candidate = given ?? process.env["L2STRETCH_PULUMI"];
  if (candidate) return realpathSync(candidate);
  for (const dir of (process.env["PATH"] ?? "").split(path.delimiter)) {
    const p = path.join(dir, "pulumi");
    if (dir && existsSync(p)) return realpathSync(p);
  }
  throw new Error("no pulumi CLI found: put it on PATH, set L2STRETCH_PULUMI or pass --pulumi PATH");
}

/** The dynamic-provider launcher ships in this package's bin/; the CLI finds plugins on PATH. */
function withLauncherOnPath(): void {
  const launcherDir = path.resolve(__dirname, "..", "..", "bin");
  process.env["PATH"] = `${launcherDir}${path.delimiter}${process.env["PATH"] ?? ""}`;
}

/**
 * `pulumi version`, started before the Automation API is loaded: the CLI answers in ~0.3 s,
 * while loading `@pulumi/pulumi` takes ~1 s, so the two overlap instead of adding up.
 */
function queryPulumiVersion(pulumi: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      pulumi,
      ["version"],
      { env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } },
      (err, stdout) =>
        err ? reject(new Error(`${pulumi} version failed: ${err.message}`)) : resolve(stdout.trim()),
    ),
  );
}

type PulumiCommand = Awaited<ReturnType<AutomationModule["PulumiCommand"]["get"]>>;

/**
 * The CLI as the Automation API drives it, built from the version asked for at start-up.
 * `PulumiCommand.get` would ask again; its constructor takes (command, version) and is
 * private only in the typings. A version this cannot parse, or any failure here, falls back to
 * `get`.
 */
async function pulumiCommandFor(
  auto: AutomationModule,
  o: Options,
  version: Promise<string>,
): Promise<PulumiCommand> {
  const viaGet = () =>
    // The CLI expects <root>/bin/pulumi; pulumi lives in some bin/ directory.
    auto.PulumiCommand.get({ root: path.dirname(path.dirname(o.pulumi)), skipVersionCheck: true });
  try {
    // The program's own @pulumi/pulumi compares versions with its own semver.
    const semver = require(require.resolve("semver", { paths: [pulumiSdkDir(o.programDir)] })) as {
      parse(v: string): PulumiCommand["version"];
    };
    const parsed = semver.parse((await version).replace(/^v/, ""));
    const Construct = auto.PulumiCommand as unknown as new (
      command: string,
      v: PulumiCommand["version"],
    ) => PulumiCommand;
    return parsed ? new Construct(o.pulumi, parsed) : await viaGet();
  } catch {
    return viaGet();
  }
}

async function openStack(auto: AutomationModule, o: Options, version: Promise<string>): Promise<Stack> {
  const pulumiCommand = await pulumiCommandFor(auto, o, version);
  const env = { PATH: process.env["PATH"] ?? "" };
  const project = await auto.LocalWorkspace.create({ workDir: o.programDir, pulumiCommand, envVars: env });
  const settings = await project.projectSettings();
  const entry = entryFile(o.programDir, settings.main);
  const workDir = o.settingsDir ?? o.programDir;
  mkdirSync(workDir, { recursive: true });
  // Settings kept elsewhere get a copy of the project whose `main` is the program directory:
  // the dynamic provider starts there and loads l2stretch from the program's node_modules.
  // The user's own Pulumi.yaml is never rewritten.
  const elsewhere = path.resolve(workDir) !== o.programDir;
  const stackName = o.stack ?? (await project.stack())?.name ?? "dev";
  const stack = await auto.LocalWorkspace.createOrSelectStack(
    { stackName, projectName: settings.name, program: programFrom(entry, o.programDir) },
    {
      workDir,
      pulumiCommand,
      envVars: env,
      ...(elsewhere ? { projectSettings: { ...settings, main: o.programDir } } : {}),
    },
  );
  if (Object.keys(o.config).length) await stack.setAllConfig(o.config);
  return stack;
}

/**
 * After up, refresh and destroy the Automation API runs `pulumi stack output` twice and
 * `pulumi stack history` (~1.4 s in all) for outputs and a change summary the engine's event
 * stream already carried; this runner takes them from the events (PlanRecorder) instead.
 */
function withoutFollowUpReads(stack: Stack): Stack {
  return Object.assign(stack, { outputs: async () => ({}), info: async () => undefined });
}

async function run(o: Options): Promise<unknown> {
  withLauncherOnPath();
  const version = queryPulumiVersion(o.pulumi);
  // Settled here as well, so a failure before openStack awaits it is not an unhandled rejection.
  version.catch(() => undefined);
  const auto = loadAutomation(o.programDir);
  const opened = await openStack(auto, o, version);
  const stack = ["up", "refresh", "destroy"].includes(o.command) ? withoutFollowUpReads(opened) : opened;
  const recorder = new PlanRecorder();
  const common = {
    onOutput: (out: string) => process.stderr.write(out),
    onEvent: recorder.onEvent,
    color: "never" as const,
  };
  const plan = () => ({ steps: recorder.steps, diagnostics: recorder.diagnostics });
  try {
    switch (o.command) {
      case "preview": {
        const r = await stack.preview({
          ...common,
          diff: o.diff,
          refresh: o.refresh,
          expectNoChanges: o.expectNoChanges,
        });
        return { changeSummary: r.changeSummary, ...plan() };
      }
      case "up": {
        await stack.up({
          ...common,
          diff: o.diff,
          refresh: o.refresh,
          expectNoChanges: o.expectNoChanges,
        });
        return {
          changeSummary: recorder.changeSummary ?? {},
          ...plan(),
          outputs: recorder.stackOutputs ?? {},
        };
      }
      case "refresh": {
        await stack.refresh({ ...common, expectNoChanges: o.expectNoChanges });
        return { changeSummary: recorder.changeSummary ?? {}, ...plan() };
      }
      case "destroy": {
        await stack.destroy(common);
        return { changeSummary: recorder.changeSummary ?? {}, ...plan() };
      }
      case "outputs":
        return { outputs: maskSecrets(await stack.outputs()) };
      case "cancel":
        // `pulumi cancel`: removes the lock a killed run left (see README, "Interrupted up").
        await stack.cancel();
        return { cancelled: true };
      case "export":
        // Not stack.exportStack(): the Automation API adds --show-secrets to it.
        return JSON.parse(
          execFileSync(o.pulumi, ["stack", "export", "--stack", stack.name, "--non-interactive"], {
            cwd: (stack.workspace as LocalWorkspace).workDir,
            maxBuffer: 64 << 20,
            encoding: "utf8",
          }),
        ) as unknown;
    }
  } catch (e) {
    throw Object.assign(e as Error, { plan: plan() });
  }
}

/** Secret outputs stay masked: nothing this command prints carries a secret's value. */
function maskSecrets(outputs: Record<string, { value: unknown; secret: boolean }>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.secret ? "[secret]" : v.value]));
}

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2));
  try {
    const result = await run(o);
    // outputs and export exist to print; the others print a summary when asked.
    if (o.json || o.command === "outputs" || o.command === "export")
      process.stdout.write(`${JSON.stringify(result, null, o.json ? undefined : 2)}\n`);
  } catch (e) {
    // The engine already printed what failed; the JSON still says which steps were planned.
    const plan = (e as { plan?: { diagnostics: { severity: string; message: string }[] } }).plan;
    if (o.json && plan) process.stdout.write(`${JSON.stringify({ failed: true, ...plan })}\n`);
    // With --diff the CLI writes errors where the Automation API does not stream them: say
    // them here, once, so a failed preview in CI always shows why.
    const errors = (plan?.diagnostics ?? []).filter((d) => d.severity === "error");
    if (o.diff && errors.length)
      process.stderr.write(`\n${errors.map((d) => `error: ${d.message}`).join("\n")}\n`);
    throw e;
  }
}

main().catch((e: Error) => {
  process.stderr.write(`\nl2stretch-stack: ${summary(e)}\n`);
  process.exit(1);
});

/**
 * Automation API errors carry the whole CLI output, which was streamed above already; say
 * only that the command failed, or the message of an error of our own.
 */
function summary(e: Error): string {
  // The CLI says this on stderr, which the Automation API does not stream.
  if (/the stack is currently locked/.test(e.message))
    return (
      "the stack is locked by a run that did not finish (a killed `up`?). Once no other run is going, " +
      "remove the lock with `l2stretch-stack <dir> cancel` (`pulumi cancel`) and run `up` again: it takes over " +
      "what the killed run created"
    );
  if ("commandResult" in e || /^code: -?\d+\n/.test(e.message))
    return "the Pulumi operation failed (see the diagnostics above)";
  return e.message;
}
