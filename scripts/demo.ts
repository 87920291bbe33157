/**
 * The demo behind `npm run demo`: the landing zone (two tenants stretched from vCD to on-prem
 * NSX-v edges, a cloud and an on-prem stack) on the embedded simulator, and a pair of
 * reference gateways in network namespaces carrying real traffic, all through the real Pulumi
 * CLI. Prints a status table and writes a topology picture; `npm run demo -- destroy`
 * removes everything again.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import path from "node:path";
import { startSimulator } from "../sim";
import { skipReason } from "../test/datapath/lab";
import { DEFAULT_TENANTS } from "../examples/landing-zone/tenants";
import { DEFAULT_NETWORKS } from "../examples/gateway-pair/index";
import { statusTable, topologySvg, type ReportStretch } from "./demoReport";
import { loadDemoLab, removeDemoLab, startDemoLab, type DemoLab } from "./demoLab";
import { proveTraffic } from "./demoTraffic";

const ROOT = path.resolve(__dirname, "..", "..");
const STATE = path.join(ROOT, ".state");
const SIM_STATE = path.join(STATE, "demo-sim.json");
const LAB_FILE = path.join(STATE, "demo-lab.json");
const SVG_FILE = path.join(STATE, "demo-topology.svg");
const SITE_PASSWORD = "Demo-Site-Passw0rd";
const PSK = "demo-pre-shared-key-of-forty-characters!";

const say = (msg: string) => console.log(`demo: ${msg}`);

/** Runs a long step, telling the user every few seconds that it is still going. */
async function withProgress<T>(what: string, work: Promise<T>): Promise<T> {
  const started = Date.now();
  say(`${what} …`);
  const ticker = setInterval(
    () => say(`  … ${what} (${Math.round((Date.now() - started) / 1000)} s)`),
    10_000,
  );
  try {
    const result = await work;
    say(`${what}: done in ${Math.round((Date.now() - started) / 1000)} s`);
    return result;
  } finally {
    clearInterval(ticker);
  }
}

function runStack(args: string[], env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(ROOT, "dist", "scripts", "stack.js"), ...args, "--json"],
      {
        cwd: ROOT,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("exit", (code) =>
      code === 0
        ? resolve(JSON.parse(out) as Record<string, unknown>)
        : reject(new Error(`stack ${args.slice(0, 4).join(" ")} exited with ${code}:\n${err.slice(-3000)}`)),
    );
  });
}

const outputsOf = (r: Record<string, unknown>) => (r["outputs"] ?? {}) as Record<string, unknown>;

const landingZone = (role: "cloud" | "onprem") => [
  "landing-zone",
  "--stack",
  `demo-${role}`,
  "--config",
  `role=${role}`,
  "--config",
  "cloudStack=organization/l2stretch-landing-zone/demo-cloud",
  "--secret",
  `sitePassword=${SITE_PASSWORD}`,
];

function gatewayPair(lab: DemoLab): string[] {
  const args = ["gateway-pair", "--stack", "demo", "--secret", `psk=${PSK}`];
  args.push("--config", `networks=${JSON.stringify(DEFAULT_NETWORKS)}`);
  args.push("--config", "underlayA=203.0.113.1", "--config", "underlayB=198.51.100.2");
  for (const s of ["A", "B"] as const) {
    const a = lab.agents[s];
    args.push(
      "--config",
      `endpoint${s}=https://127.0.0.1:${a.port}`,
      "--config",
      `fingerprint${s}=${a.fingerprint256}`,
    );
    args.push("--secret", `token${s}=${a.token}`);
  }
  return args;
}

const withCommand = (args: string[], command: string) => [args[0]!, command, ...args.slice(1)];

async function up(env: NodeJS.ProcessEnv): Promise<void> {
  const cloud = await withProgress(
    "landing zone, cloud stack (vCD networks + L2VPN servers)",
    runStack(withCommand(landingZone("cloud"), "up"), env),
  );
  const onprem = await withProgress(
    "landing zone, on-prem stack (trunks + L2VPN clients)",
    runStack(withCommand(landingZone("onprem"), "up"), env),
  );
  const stretches: ReportStretch[] = landingZoneReport(outputsOf(cloud), outputsOf(onprem));

  const reason = skipReason();
  if (reason) say(`gateway pair skipped: ${reason}`);
  else {
    const lab = await startDemoLab(LAB_FILE, say);
    const pair = await withProgress(
      "gateway pair (VXLAN over IPsec between two namespaced gateways)",
      runStack(withCommand(gatewayPair(lab), "up"), env),
    );
    const proof = await withProgress(
      "traffic across the gateway pair",
      proveTraffic(lab.ns.vmA, lab.ns.vmB, "192.168.10.100", lab.dir),
    );
    say(`  ARP: 192.168.10.100 resolved to ${proof.arp.resolved} (site B's VM has ${proof.arp.remote})`);
    say(`  ping: ${proof.pingMs} ms average`);
    const t = proof.transfer;
    say(
      `  TCP: ${t.bytes / 2 ** 20} MiB ${t.intact ? "arrived intact" : "ARRIVED DAMAGED"} at ${t.mbitPerSecond.toFixed(0)} Mbit/s`,
    );
    if (proof.arp.resolved !== proof.arp.remote || !t.intact)
      throw new Error("traffic did not cross the stretch as it should");
    stretches.push(gatewayReport(outputsOf(pair)));
  }

  console.log(`\n${statusTable(stretches)}\n`);
  fs.writeFileSync(SVG_FILE, topologySvg(stretches));
  say(`topology picture: ${SVG_FILE}`);
  say("to remove everything again: npm run demo -- destroy");
}

function landingZoneReport(cloud: Record<string, unknown>, onprem: Record<string, unknown>): ReportStretch[] {
  const networks = cloud["networks"] as Record<
    string,
    Record<string, { tunnelId: number; innerMtu: number }>
  >;
  const status = onprem["status"] as Record<string, string>;
  return Object.entries(DEFAULT_TENANTS).map(([name, tenant]) => ({
    name,
    transport: "NSX-v L2VPN",
    siteA: `vCD ${tenant.cloudEdge}`,
    siteB: `NSX-v ${tenant.onpremEdge}`,
    networks: Object.entries(tenant.networks).map(([net, n]) => ({
      name: net,
      cidr: `10.${n.octet}.0.0/24`,
      id: `tunnel ${networks[name]?.[net]?.tunnelId}`,
      innerMtu: networks[name]?.[net]?.innerMtu ?? 0,
      state: status[name] ?? "unknown",
    })),
  }));
}

function gatewayReport(out: Record<string, unknown>): ReportStretch {
  const networks = out["networks"] as Record<string, { vni: number; innerMtu: number }>;
  return {
    name: "pair",
    transport: "VXLAN over IPsec",
    siteA: "gateway A 203.0.113.1",
    siteB: "gateway B 198.51.100.2",
    networks: DEFAULT_NETWORKS.map((n) => ({
      name: n.name,
      cidr: n.cidr,
      id: `VNI ${networks[n.name]?.vni}`,
      innerMtu: networks[n.name]?.innerMtu ?? 0,
      state: String(out["status"] ?? "unknown"),
    })),
  };
}

async function destroy(env: NodeJS.ProcessEnv): Promise<void> {
  const lab = loadDemoLab(LAB_FILE);
  if (lab) {
    if (lab.agents.A && lab.agents.B) {
      await withProgress(
        "destroying the gateway pair",
        runStack(withCommand(gatewayPair(lab), "destroy"), env),
      );
    }
    removeDemoLab(LAB_FILE, lab);
    say("namespaces and agents removed");
  }
  await withProgress(
    "destroying the on-prem stack",
    runStack(withCommand(landingZone("onprem"), "destroy"), env),
  );
  await withProgress(
    "destroying the cloud stack",
    runStack(withCommand(landingZone("cloud"), "destroy"), env),
  );
  fs.rmSync(SVG_FILE, { force: true });
  say("destroyed; the simulated edges are back to how they started");
}

async function main(): Promise<void> {
  fs.mkdirSync(STATE, { recursive: true });
  const sim = await startSimulator({ port: 0, stateFile: SIM_STATE });
  const env = {
    ...process.env,
    VCD_URL: sim.url,
    VCD_ORG: "acme",
    VCD_USER: "alice",
    VCD_PASSWORD: "Alice-Secret-1",
    NSX_URL: sim.url,
    NSX_USER: "admin",
    NSX_PASSWORD: "Nsx-Admin-Secret-1",
  };
  try {
    say(`vCD/NSX-v simulator at ${sim.url} (state ${SIM_STATE})`);
    await (process.argv.includes("destroy") ? destroy(env) : up(env));
  } finally {
    await sim.close();
  }
}

main().catch((e: Error) => {
  console.error(`demo: ${e.message}`);
  console.error("demo: `npm run demo -- destroy` removes whatever was made");
  process.exit(1);
});
