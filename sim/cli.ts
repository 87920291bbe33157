#!/usr/bin/env node
// l2stretch-sim: runs the vCD / NSX-v simulator. The first stdout line is the machine-readable
// URL (L2STRETCH_SIM_URL=...); everything for humans goes to stderr.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parseSeed, startSimulator, type RunningSim, type SimOptions } from "./index";
import { isVcdMode, VCD_MODES } from "./core/versions";

const USAGE = `usage: l2stretch-sim --port N --state FILE [--host 127.0.0.1] [--vcd-version 10.3|10.0|9.0.0.0]
  [--latency-ms N] [--error-rate 0..1] [--reset-rate 0..1] [--busy-ms N] [--task-ms N]
  [--session-ttl SECONDS] [--seed FILE.json] [--fault-seed N] [--admin-token TOKEN]
The /_sim/* endpoints take "Authorization: Bearer <admin token>": --admin-token, else
$L2STRETCH_SIM_ADMIN_TOKEN, else a random token printed at start.`;

export class UsageError extends Error {}

function num(
  flag: string,
  raw: string | undefined,
  check: (n: number) => boolean,
  what: string,
): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(n) || !check(n))
    throw new UsageError(`--${flag} must be ${what}, got '${raw}'`);
  return n;
}

const isInt =
  (lo: number, hi = Number.MAX_SAFE_INTEGER) =>
  (n: number) =>
    Number.isInteger(n) && n >= lo && n <= hi;
const isRate = (n: number) => n >= 0 && n <= 1;

/** Parses and validates argv (without node and script) into SimOptions. */
export function parseCliArgs(argv: string[]): SimOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        state: { type: "string" },
        "vcd-version": { type: "string" },
        "latency-ms": { type: "string" },
        "error-rate": { type: "string" },
        "reset-rate": { type: "string" },
        "busy-ms": { type: "string" },
        "task-ms": { type: "string" },
        "session-ttl": { type: "string" },
        seed: { type: "string" },
        "fault-seed": { type: "string" },
        "admin-token": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) throw new UsageError("");
  if (values.port === undefined) throw new UsageError("--port is required (use 0 for a free port)");
  if (values.state === undefined || values.state === "") throw new UsageError("--state FILE is required");
  const vcdVersion = values["vcd-version"] ?? "10.0";
  if (!isVcdMode(vcdVersion))
    throw new UsageError(`--vcd-version must be one of ${VCD_MODES.join(", ")}, got '${vcdVersion}'`);
  let seed;
  if (values.seed !== undefined) {
    let text: string;
    try {
      text = readFileSync(values.seed, "utf8");
    } catch (e) {
      throw new UsageError(`--seed: cannot read ${values.seed}: ${(e as Error).message}`);
    }
    try {
      seed = parseSeed(JSON.parse(text));
    } catch (e) {
      throw new UsageError(`--seed ${values.seed}: ${(e as Error).message}`);
    }
  }
  return {
    port: num("port", values.port, isInt(0, 65535), "an integer 0-65535"),
    host: values.host ?? "127.0.0.1",
    stateFile: values.state,
    vcdVersion,
    latencyMs: num("latency-ms", values["latency-ms"], isInt(0), "a non-negative integer"),
    errorRate: num("error-rate", values["error-rate"], isRate, "a number between 0 and 1"),
    resetRate: num("reset-rate", values["reset-rate"], isRate, "a number between 0 and 1"),
    busyMs: num("busy-ms", values["busy-ms"], isInt(0), "a non-negative integer"),
    taskMs: num("task-ms", values["task-ms"], isInt(0), "a non-negative integer"),
    sessionTtlSeconds: num("session-ttl", values["session-ttl"], isInt(1), "a positive integer"),
    faultSeed: num("fault-seed", values["fault-seed"], isInt(0), "a non-negative integer"),
    ...(values["admin-token"] !== undefined ? { adminToken: values["admin-token"] } : {}),
    seed,
  };
}

export interface CliIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

const defaultIo: CliIo = {
  stdout: (l) => process.stdout.write(`${l}\n`),
  stderr: (l) => process.stderr.write(`${l}\n`),
};

/** Starts the simulator from argv; returns the running instance (tests close it themselves). */
export async function main(argv: string[], io: CliIo = defaultIo): Promise<RunningSim> {
  const opts = parseCliArgs(argv);
  const sim = await startSimulator(opts);
  io.stdout(`L2STRETCH_SIM_URL=${sim.url}`);
  const w = sim.world();
  io.stderr(
    `l2stretch-sim: vCD ${opts.vcdVersion} simulator listening on ${sim.url} (state: ${opts.stateFile})`,
  );
  for (const org of w.orgs) {
    for (const u of org.users)
      io.stderr(`  user ${u.name}@${org.name} password ${u.password}${org.isSystem ? " (provider)" : ""}`);
  }
  for (const vdc of w.vdcs) {
    const org = w.orgs.find((o) => o.id === vdc.orgId);
    io.stderr(`  org ${org?.name} vdc ${vdc.name} (urn:vcloud:vdc:${vdc.id})`);
    for (const e of w.edges.filter((x) => x.vdcId === vdc.id))
      io.stderr(`    edge ${e.name} (urn:vcloud:gateway:${e.id}, NSX ${e.nsxId})`);
  }
  io.stderr(`  admin endpoints ${sim.url}/_sim/* with Authorization: Bearer ${sim.adminToken}`);
  // NSX Manager is served by the same process: /api/4.0/edges/... and /api/2.0/services/...
  io.stderr(
    `  NSX Manager ${sim.url}/api/4.0/edges (HTTP Basic; vCD proxy: ${sim.url}/network/edges/{gatewayUuid})`,
  );
  for (const u of w.nsx.users) io.stderr(`    nsx user ${u.name} password ${u.password}`);
  for (const e of w.nsx.edges) {
    const uplink = e.vnics.find((v) => v.type === "uplink")?.addressGroups[0];
    io.stderr(
      `    nsx edge ${e.nsxId} ${e.name} (NSX only${uplink ? `, uplink ${uplink.primaryAddress}/${uplink.prefixLength}` : ""})`,
    );
  }
  return sim;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (sim) => {
      const stop = (): void => {
        void sim.close().then(() => process.exit(0));
      };
      process.once("SIGTERM", stop);
      process.once("SIGINT", stop);
    },
    (e: unknown) => {
      if (e instanceof UsageError) {
        if (e.message) process.stderr.write(`l2stretch-sim: ${e.message}\n`);
        process.stderr.write(`${USAGE}\n`);
        process.exit(2);
      }
      process.stderr.write(`l2stretch-sim: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
