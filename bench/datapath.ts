/**
 * Data-path benchmark (not a test): builds the two-site lab once per scenario and measures,
 * in one run and on the same machine, a plain bridge, unencrypted VXLAN, our default encrypted
 * stretch (configured through the agents' API) and OpenVPN TAP over UDP.
 *
 * Per scenario: TCP throughput siteA→siteB with 1 and 4 streams (iperf3, 5 s, VM offloads off
 * so frames are real MTU-sized), ping p50/p99 while 4 streams run, and CPU of each gateway's
 * tunnel daemon. Prints a table and the ratios against OpenVPN.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/datapath.js
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import {
  ADDR,
  Lab,
  buildAgent,
  call,
  must,
  skipReason,
  startAgent,
  stopAgent,
  waitFor,
} from "../test/datapath/lab";
import { selfSignedCertArgv } from "../gateway/agent/tls";

interface Result {
  scenario: string;
  p1: number;
  p4: number;
  p50: number;
  p99: number;
  cpuA: number;
  cpuB: number;
  note: string;
}

const SECONDS = Number(process.env["BENCH_SECONDS"] ?? 5);

function ticks(pids: number[]): number {
  let t = 0;
  for (const p of pids) {
    try {
      const s = fs.readFileSync(`/proc/${p}/stat`, "utf8");
      const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
      t += Number(f[11]) + Number(f[12]);
    } catch {
      /* exited */
    }
  }
  return t;
}

function percentile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
}

async function iperf(lab: Lab, streams: number): Promise<number> {
  const r = lab.nsx(
    lab.ns.vmA,
    [
      "timeout",
      String(SECONDS + 15),
      "iperf3",
      "-c",
      ADDR.b,
      "-t",
      String(SECONDS),
      "-P",
      String(streams),
      "-J",
    ],
    { timeoutMs: (SECONDS + 20) * 1000 },
  );
  try {
    const j = JSON.parse(r.stdout) as { end: { sum_received: { bits_per_second: number } } };
    return j.end.sum_received.bits_per_second / 1e6;
  } catch {
    return 0;
  }
}

/** Runs the scenario's measurements; `daemonPids` are the per-gateway tunnel processes. */
async function measure(
  lab: Lab,
  scenario: string,
  daemonPids: () => { a: number[]; b: number[] },
  note: string,
): Promise<Result> {
  for (const n of [lab.ns.vmA, lab.ns.vmB]) lab.nsx(n, ["ethtool", "-K", "eth0", "tso", "off", "gso", "off"]);
  await waitFor(
    `${scenario}: ping across`,
    () => lab.nsx(lab.ns.vmA, ["ping", "-c", "1", "-W", "1", ADDR.b]).code === 0,
    60_000,
    200,
  );
  const server = lab.bg(["ip", "netns", "exec", lab.ns.vmB, "iperf3", "-s"]);
  await waitFor(
    "iperf3 server",
    () => lab.nsx(lab.ns.vmB, ["sh", "-c", "ss -ltn | grep -q :5201"]).code === 0,
    10_000,
  );
  const p1 = await iperf(lab, 1);
  // Latency under load: ping 20/s during the 4-stream run.
  const pinger = lab.bg([
    "ip",
    "netns",
    "exec",
    lab.ns.vmA,
    "ping",
    "-n",
    "-i",
    "0.05",
    "-w",
    String(SECONDS + 1),
    ADDR.b,
  ]);
  let pingOut = "";
  pinger.stdout?.on("data", (b: Buffer) => (pingOut += b.toString()));
  const { a, b } = daemonPids();
  const hz = 100;
  const t0 = Date.now();
  const [ta0, tb0] = [ticks(a), ticks(b)];
  const p4 = await iperf(lab, 4);
  const wall = (Date.now() - t0) / 1000;
  const [ta1, tb1] = [ticks(a), ticks(b)];
  await new Promise((r) => (pinger.exitCode !== null ? r(null) : pinger.once("exit", r)));
  server.kill("SIGKILL");
  const rtts = [...pingOut.matchAll(/time=([\d.]+) ms/g)].map((m) => Number(m[1]));
  return {
    scenario,
    p1,
    p4,
    p50: percentile(rtts, 0.5),
    p99: percentile(rtts, 0.99),
    cpuA: a.length ? (100 * (ta1 - ta0)) / hz / wall : NaN,
    cpuB: b.length ? (100 * (tb1 - tb0)) / hz / wall : NaN,
    note,
  };
}

function gwBridge(lab: Lab, mtu?: number): void {
  for (const g of [lab.ns.gwA, lab.ns.gwB]) {
    lab.nmust(g, ["ip", "link", "add", "br1", "type", "bridge"]);
    lab.nmust(g, ["ip", "link", "set", "eth1", "master", "br1"]);
    lab.nmust(g, ["ip", "link", "set", "br1", "up"]);
  }
  if (mtu)
    for (const n of [lab.ns.vmA, lab.ns.vmB]) lab.nmust(n, ["ip", "link", "set", "eth0", "mtu", String(mtu)]);
}

async function scenarioBridge(lab: Lab): Promise<Result> {
  gwBridge(lab);
  lab.veth(lab.ns.gwA, "l2link", lab.ns.gwB, "l2link");
  for (const g of [lab.ns.gwA, lab.ns.gwB]) {
    lab.nmust(g, ["ip", "link", "set", "l2link", "master", "br1"]);
    lab.nmust(g, ["ip", "link", "set", "l2link", "up"]);
  }
  return measure(lab, "plain bridge (veth, no tunnel)", () => ({ a: [], b: [] }), "MTU 1500");
}

async function scenarioVxlan(lab: Lab): Promise<Result> {
  gwBridge(lab, 1450);
  for (const [g, l, r] of [
    [lab.ns.gwA, ADDR.gwA, ADDR.gwB],
    [lab.ns.gwB, ADDR.gwB, ADDR.gwA],
  ] as const) {
    lab.nmust(g, [
      "ip",
      "link",
      "add",
      "vx100",
      "type",
      "vxlan",
      "id",
      "100",
      "local",
      l,
      "remote",
      r,
      "dstport",
      "4789",
      "dev",
      "wan0",
    ]);
    lab.nmust(g, ["ip", "link", "set", "vx100", "master", "br1"]);
    lab.nmust(g, ["ip", "link", "set", "vx100", "up"]);
  }
  return measure(lab, "VXLAN, unencrypted", () => ({ a: [], b: [] }), "VM MTU 1450");
}

async function scenarioStretch(lab: Lab): Promise<Result> {
  const mainJs = buildAgent(lab.dir);
  const token = randomBytes(24).toString("hex");
  const tokenFile = path.join(lab.dir, "token");
  fs.writeFileSync(tokenFile, token, { mode: 0o600 });
  const psk = randomBytes(33).toString("base64");
  const agents = await Promise.all(
    (["A", "B"] as const).map((s) =>
      startAgent(
        lab,
        mainJs,
        path.join(lab.dir, `state-${s}`),
        tokenFile,
        s === "A" ? lab.ns.gwA : lab.ns.gwB,
      ),
    ),
  );
  try {
    await Promise.all(
      (["A", "B"] as const).map(async (s, i) => {
        const me = s === "A";
        const doc = {
          apiVersion: "l2stretch.gateway/v1",
          identity: { name: `gw${s}`, site: s },
          underlay: {
            localAddress: me ? ADDR.gwA : ADDR.gwB,
            peerAddress: me ? ADDR.gwB : ADDR.gwA,
            vtepLocal: me ? ADDR.vtepA : ADDR.vtepB,
            vtepPeer: me ? ADDR.vtepB : ADDR.vtepA,
          },
          transport: {
            type: "ipsec",
            localId: `gw${s}`,
            peerId: me ? "gwB" : "gwA",
            auth: { method: "psk", psk },
          },
          networks: [
            {
              name: "blue",
              vni: 100,
              attachment: { type: "interface", interface: "eth1" },
              gatewayIp: ADDR.gw,
            },
          ],
        };
        const r = await call((agents[i] as { port: number }).port, "PUT", "/v1/config", {
          token,
          body: JSON.stringify(doc),
        });
        if (r.status !== 200) throw new Error(`PUT failed: ${r.status} ${r.body}`);
      }),
    );
    const charon = (s: string) => [
      Number(fs.readFileSync(path.join(lab.dir, `state-${s}`, "charon/charon.pid"), "utf8")),
    ];
    return await measure(
      lab,
      "encrypted stretch (IKEv2 + kernel-libipsec, default)",
      () => ({ a: charon("A"), b: charon("B") }),
      "VMs at 1500, MSS clamp 1310",
    );
  } finally {
    for (const a of agents) await stopAgent(a);
  }
}

function pki(dir: string): void {
  const o = (args: string[]) => must(["openssl", ...args]);
  must(
    selfSignedCertArgv({
      commonName: "bench CA",
      days: 2,
      keyFile: `${dir}/ca.key`,
      certFile: `${dir}/ca.crt`,
    }),
  );
  for (const [n, eku] of [
    ["gwA", "clientAuth"],
    ["gwB", "serverAuth"],
  ] as const) {
    o([
      "req",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-subj",
      `/CN=${n}`,
      "-keyout",
      `${dir}/${n}.key`,
      "-out",
      `${dir}/${n}.csr`,
    ]);
    fs.writeFileSync(
      `${dir}/${n}.ext`,
      `keyUsage=critical,digitalSignature,keyAgreement\nextendedKeyUsage=${eku}\n`,
    );
    o([
      "x509",
      "-req",
      "-in",
      `${dir}/${n}.csr`,
      "-CA",
      `${dir}/ca.crt`,
      "-CAkey",
      `${dir}/ca.key`,
      "-CAcreateserial",
      "-days",
      "2",
      "-extfile",
      `${dir}/${n}.ext`,
      "-out",
      `${dir}/${n}.crt`,
    ]);
  }
}

async function scenarioOpenvpn(lab: Lab): Promise<Result> {
  gwBridge(lab);
  const dir = path.join(lab.dir, "ovpn");
  fs.mkdirSync(dir);
  pki(dir);
  const pids: Record<string, number> = {};
  for (const [g, s] of [
    [lab.ns.gwB, "B"],
    [lab.ns.gwA, "A"],
  ] as const) {
    lab.nmust(g, ["ip", "tuntap", "add", "dev", "tap0", "mode", "tap"]);
    lab.nmust(g, ["ip", "link", "set", "tap0", "mtu", "1500", "master", "br1", "up"]);
    const common = [
      "openvpn",
      "--dev",
      "tap0",
      "--dev-type",
      "tap",
      "--persist-tun",
      "--tun-mtu",
      "1500",
      "--data-ciphers",
      "AES-128-GCM",
      "--keepalive",
      "2",
      "10",
      "--ca",
      `${dir}/ca.crt`,
      "--verb",
      "3",
      "--log",
      `${dir}/openvpn-${s}.log`,
    ];
    const role =
      s === "B"
        ? [
            "--cert",
            `${dir}/gwB.crt`,
            "--key",
            `${dir}/gwB.key`,
            "--tls-server",
            "--dh",
            "none",
            "--remote-cert-tls",
            "client",
            "--proto",
            "udp",
            "--local",
            ADDR.gwB,
            "--lport",
            "1194",
            "--float",
          ]
        : [
            "--cert",
            `${dir}/gwA.crt`,
            "--key",
            `${dir}/gwA.key`,
            "--tls-client",
            "--remote-cert-tls",
            "server",
            "--verify-x509-name",
            "gwB",
            "name",
            "--proto",
            "udp",
            "--remote",
            ADDR.gwB,
            "1194",
            "--nobind",
          ];
    const p = lab.bg(["ip", "netns", "exec", g, ...common, ...role]);
    pids[s] = p.pid as number;
  }
  return measure(
    lab,
    "OpenVPN 2.6 TAP over UDP (AES-128-GCM)",
    () => ({ a: [pids["A"] as number], b: [pids["B"] as number] }),
    "tap MTU 1500 (outer fragmentation)",
  );
}

async function main(): Promise<void> {
  const why = skipReason();
  if (why) {
    process.stdout.write(`bench:datapath cannot run here: ${why}\n`);
    return;
  }
  const have = (b: string) => must(["sh", "-c", `command -v ${b} || true`]).trim() !== "";
  const scenarios: [string, (l: Lab) => Promise<Result>][] = [
    ["bridge", scenarioBridge],
    ["vxlan", scenarioVxlan],
    ["stretch", scenarioStretch],
  ];
  if (have("openvpn")) scenarios.push(["openvpn", scenarioOpenvpn]);
  const only = process.env["BENCH_ONLY"]?.split(",");
  const results: Result[] = [];
  for (const [name, fn] of scenarios.filter(([n]) => !only || only.includes(n))) {
    const lab = new Lab();
    try {
      lab.build();
      process.stderr.write(`running ${name}...\n`);
      results.push(await fn(lab));
    } catch (e) {
      process.stderr.write(`${name} failed: ${String(e)}\n`);
    } finally {
      lab.teardown();
      if (process.env["BENCH_KEEP_DIR"]) process.stderr.write(`kept ${lab.dir}\n`);
      else lab.removeDir();
    }
  }
  const f = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : "-");
  const lines = [
    `| scenario | 1 stream Mbit/s | 4 streams Mbit/s | ping p50 ms (load) | ping p99 ms (load) | tunnel CPU gwA % | gwB % | note |`,
    `|---|---|---|---|---|---|---|---|`,
    ...results.map(
      (r) =>
        `| ${r.scenario} | ${f(r.p1)} | ${f(r.p4)} | ${f(r.p50, 2)} | ${f(r.p99, 2)} | ${f(r.cpuA)} | ${f(r.cpuB)} | ${r.note} |`,
    ),
  ];
  process.stdout.write(lines.join("\n") + "\n\n");
  const stretch = results.find((r) => r.scenario.startsWith("encrypted"));
  const ovpn = results.find((r) => r.scenario.startsWith("OpenVPN"));
  const bridge = results.find((r) => r.scenario.startsWith("plain"));
  if (stretch && ovpn) {
    process.stdout.write(
      `ratio stretch/OpenVPN: 1 stream ${(stretch.p1 / ovpn.p1).toFixed(2)}x, 4 streams ${(stretch.p4 / ovpn.p4).toFixed(2)}x (goal >= 1.5x)\n` +
        `stretch p99 under load: ${f(stretch.p99, 2)} ms (goal < 5 ms)\n`,
    );
  }
  if (stretch && bridge)
    process.stdout.write(`ratio stretch/plain bridge: ${(stretch.p1 / bridge.p1).toFixed(2)}x (1 stream)\n`);
  process.stdout.write(
    `(all four share this host's ${os.cpus().length} CPUs with both VMs and the WAN router)\n`,
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${String(e)}\n`);
  process.exit(1);
});
