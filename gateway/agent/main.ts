/**
 * Agent entry point.
 *
 *   node dist/gateway/agent/main.js --state-dir /var/lib/l2stretch --listen 0.0.0.0:8443 \
 *        --token-file /etc/l2stretch/token [--netns NAME] [--datapath-scheduling rr|rr:N|off]
 *        [--datapath-cpus LIST] [--status-cache-ms 1000]
 *
 * With --netns, every data-path command runs via `ip netns exec NAME` while the API listens in
 * the agent's own namespace (how the tests and the benchmark drive one agent per gateway).
 * On start it prints one JSON line `{"event":"listening",...}` with the port and the TLS
 * fingerprint, so supervisors and tests can pin it.
 */
import * as fs from "node:fs";
import { Agent } from "./agent";
import { startApi } from "./api";
import { LocalExecutor } from "./exec";
import { TLS_DIR, ensureTlsIdentity } from "./tls";
import {
  DEFAULT_DATAPATH_SCHEDULING,
  DatapathScheduling,
  applyScheduling,
  controlPlaneScheduling,
  parseCpuList,
  parseDatapathScheduling,
} from "./tuning";

interface Args {
  stateDir: string;
  host: string;
  port: number;
  tokenFile: string;
  netns: string | undefined;
  datapathScheduling: DatapathScheduling;
  datapathCpus: string | undefined;
  statusCacheMs: number;
}

export function parseArgs(argv: string[]): Args {
  const get = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const listen = get("--listen") ?? "127.0.0.1:8443";
  const idx = listen.lastIndexOf(":");
  const netns = get("--netns");
  const sched = get("--datapath-scheduling");
  const cpus = get("--datapath-cpus");
  const args: Args = {
    stateDir: get("--state-dir") ?? "/var/lib/l2stretch",
    host: listen.slice(0, idx).replace(/^\[|\]$/g, ""),
    port: Number(listen.slice(idx + 1)),
    tokenFile: get("--token-file") ?? "/etc/l2stretch/token",
    netns: netns === undefined || netns === "none" ? undefined : netns,
    datapathScheduling: sched === undefined ? DEFAULT_DATAPATH_SCHEDULING : parseDatapathScheduling(sched),
    datapathCpus: cpus === undefined ? undefined : parseCpuList(cpus),
    statusCacheMs: Number(get("--status-cache-ms") ?? "1000"),
  };
  if (!Number.isInteger(args.statusCacheMs) || args.statusCacheMs < 0)
    throw new Error(`bad --status-cache-ms ${get("--status-cache-ms") ?? ""}`);
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535)
    throw new Error(`bad --listen ${listen}`);
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (m: string) => process.stderr.write(`${new Date().toISOString()} ${m}\n`);
  const token = fs.readFileSync(args.tokenFile, "utf8").trim();
  if (token.length < 16) throw new Error("the API token must have at least 16 characters");
  fs.mkdirSync(args.stateDir, { recursive: true, mode: 0o700 });
  const control = controlPlaneScheduling(args.datapathScheduling);
  if (control) {
    // On the host, not in --netns: it is this process being tuned.
    const r = await applyScheduling(new LocalExecutor(), process.pid, control);
    if (r.problem) log(`agent scheduling left at normal: ${r.problem}`);
  }
  const tls = await ensureTlsIdentity(`${args.stateDir}/${TLS_DIR}`, "l2stretch-gateway");
  const agent = new Agent({
    stateDir: args.stateDir,
    executor: new LocalExecutor(args.netns),
    log,
    datapathScheduling: args.datapathScheduling,
    datapathCpus: args.datapathCpus,
    statusCacheMs: args.statusCacheMs,
  });
  await agent.start();
  const { server, port } = await startApi({ agent, tls, token, host: args.host, port: args.port, log });
  process.stdout.write(
    JSON.stringify({ event: "listening", host: args.host, port, fingerprint256: tls.fingerprint256 }) + "\n",
  );
  // Stopping the agent leaves charon and the data path running on purpose: an agent restart
  // or upgrade must not interrupt traffic.
  const shutdown = () => {
    agent.stop();
    server.close();
    process.exit(0);
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`fatal: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
