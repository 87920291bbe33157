/**
 * The benchmark's scenarios: each builds its data path in a lab of its own (namespaces with a
 * per-lab suffix) and stays up, so the measurements of all scenarios can be interleaved.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { ADDR, Lab, call, must, startAgent, stopAgent, waitFor, AgentProc } from "../../test/datapath/lab";
import { selfSignedCertArgv } from "../../gateway/agent/tls";
import { LocalExecutor } from "../../gateway/agent/exec";
import { DEFAULT_DATAPATH_SCHEDULING, applyScheduling } from "../../gateway/agent/tuning";
import type { ApiTarget } from "./probes";

export interface Running {
  /** Tunnel daemon pids per gateway (empty for kernel-only paths). */
  daemons: () => { a: number[]; b: number[] };
  api?: ApiTarget;
  note: string;
  stop?: () => Promise<void>;
}

export interface Scenario {
  key: string;
  label: string;
  setup: (lab: Lab, shared: Shared) => Promise<Running>;
}

/** What scenarios share: the compiled agent and a scratch directory. */
export interface Shared {
  agentJs: string;
  dir: string;
}

function bridgeOnGateways(lab: Lab): void {
  for (const g of [lab.ns.gwA, lab.ns.gwB]) {
    lab.nmust(g, ["ip", "link", "add", "br1", "type", "bridge"]);
    lab.nmust(g, ["ip", "link", "set", "eth1", "master", "br1"]);
    lab.nmust(g, ["ip", "link", "set", "br1", "up"]);
  }
}

function vmMtu(lab: Lab, mtu: number): void {
  for (const n of [lab.ns.vmA, lab.ns.vmB]) lab.nmust(n, ["ip", "link", "set", "eth0", "mtu", String(mtu)]);
}

function vxlanPort(lab: Lab, g: string, local: string, remote: string, mtu: number): void {
  lab.nmust(
    g,
    ["ip", "link", "add", "vx100", "type", "vxlan", "id", "100"].concat([
      "local",
      local,
      "remote",
      remote,
      "dstport",
      "4789",
    ]),
  );
  lab.nmust(g, ["ip", "link", "set", "vx100", "mtu", String(mtu), "master", "br1", "up"]);
}

/** The same tuning the agent gives charon, for the other daemons' "equally tuned" rows. */
async function tuneLikeCharon(lab: Lab, pids: number[]): Promise<void> {
  for (const pid of pids) {
    const r = await applyScheduling(new LocalExecutor(lab.ns.gwA), pid, DEFAULT_DATAPATH_SCHEDULING);
    if (r.problem) throw new Error(`could not tune pid ${pid}: ${r.problem}`);
  }
}

export const ceiling: Scenario = {
  key: "vxlan",
  label: "VXLAN unencrypted (ceiling)",
  setup: async (lab) => {
    bridgeOnGateways(lab);
    vmMtu(lab, 1450);
    vxlanPort(lab, lab.ns.gwA, ADDR.gwA, ADDR.gwB, 1450);
    vxlanPort(lab, lab.ns.gwB, ADDR.gwB, ADDR.gwA, 1450);
    return { daemons: () => ({ a: [], b: [] }), note: "kernel only, VM MTU 1450" };
  },
};

function gatewayDocument(side: "A" | "B", psk: string): unknown {
  const me = side === "A";
  return {
    apiVersion: "l2stretch.gateway/v1",
    identity: { name: `gw${side}`, site: side },
    underlay: {
      localAddress: me ? ADDR.gwA : ADDR.gwB,
      peerAddress: me ? ADDR.gwB : ADDR.gwA,
      vtepLocal: me ? ADDR.vtepA : ADDR.vtepB,
      vtepPeer: me ? ADDR.vtepB : ADDR.vtepA,
    },
    transport: {
      type: "ipsec",
      localId: `gw${side}`,
      peerId: me ? "gwB" : "gwA",
      auth: { method: "psk", psk },
    },
    networks: [
      { name: "blue", vni: 100, attachment: { type: "interface", interface: "eth1" }, gatewayIp: ADDR.gw },
    ],
  };
}

/** Our encrypted stretch, configured through both agents' API exactly as a user would. */
function stretch(key: string, label: string, agentArgs: string[]): Scenario {
  return {
    key,
    label,
    setup: async (lab, shared) => {
      const token = randomBytes(24).toString("hex");
      const tokenFile = path.join(lab.dir, "token");
      fs.writeFileSync(tokenFile, token, { mode: 0o600 });
      const psk = randomBytes(33).toString("base64");
      const agents: AgentProc[] = [];
      for (const [s, ns] of [
        ["A", lab.ns.gwA],
        ["B", lab.ns.gwB],
      ] as const) {
        const agent = await startAgent(
          lab,
          shared.agentJs,
          path.join(lab.dir, `state-${s}`),
          tokenFile,
          ns,
          agentArgs,
        );
        agents.push(agent);
        const r = await call(agent.port, "PUT", "/v1/config", {
          token,
          body: JSON.stringify(gatewayDocument(s, psk)),
        });
        if (r.status !== 200) throw new Error(`PUT failed: ${r.status} ${r.body}`);
      }
      // Iteration aid: try another TUN queue length on kernel-libipsec's device.
      const qlen = key === "stretch-x" ? process.env["BENCH_TXQLEN"] : undefined;
      if (qlen) {
        for (const g of [lab.ns.gwA, lab.ns.gwB]) {
          await waitFor("ipsec0", () => lab.nsx(g, ["ip", "link", "show", "ipsec0"]).code === 0, 30_000);
          lab.nmust(g, ["ip", "link", "set", "ipsec0", "txqueuelen", qlen]);
        }
      }
      const charon = (s: string) => [
        Number(fs.readFileSync(path.join(lab.dir, `state-${s}`, "charon/charon.pid"), "utf8")),
      ];
      return {
        daemons: () => ({ a: charon("A"), b: charon("B") }),
        api: { port: (agents[0] as AgentProc).port, token },
        note: "VMs at 1500, agent's MSS clamp",
        stop: async () => {
          for (const a of agents) await stopAgent(a);
        },
      };
    },
  };
}

export const stretchDefault = stretch(
  "stretch",
  "encrypted stretch (IKEv2, kernel-libipsec), agent default",
  [],
);
export const stretchUntuned = stretch("stretch-untuned", "encrypted stretch, scheduling off", [
  "--datapath-scheduling",
  "off",
]);

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
    o(
      ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", `/CN=${n}`].concat([
        "-keyout",
        `${dir}/${n}.key`,
        "-out",
        `${dir}/${n}.csr`,
      ]),
    );
    fs.writeFileSync(
      `${dir}/${n}.ext`,
      `keyUsage=critical,digitalSignature,keyAgreement\nextendedKeyUsage=${eku}\n`,
    );
    o(
      ["x509", "-req", "-in", `${dir}/${n}.csr`, "-CA", `${dir}/ca.crt`, "-CAkey", `${dir}/ca.key`].concat([
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        `${dir}/${n}.ext`,
        "-out",
        `${dir}/${n}.crt`,
      ]),
    );
  }
}

/** OpenVPN 2.6 TAP over UDP as users run it (tap MTU 1500, outer fragmentation). */
function openvpn(key: string, label: string, tuned: boolean): Scenario {
  return {
    key,
    label,
    setup: async (lab) => {
      bridgeOnGateways(lab);
      const dir = path.join(lab.dir, "ovpn");
      fs.mkdirSync(dir);
      pki(dir);
      const pids: Record<"A" | "B", number> = { A: 0, B: 0 };
      for (const [g, s] of [
        [lab.ns.gwB, "B"],
        [lab.ns.gwA, "A"],
      ] as const) {
        lab.nmust(g, ["ip", "tuntap", "add", "dev", "tap0", "mode", "tap"]);
        lab.nmust(g, ["ip", "link", "set", "tap0", "mtu", "1500", "master", "br1", "up"]);
        const common = ["openvpn", "--dev", "tap0", "--dev-type", "tap", "--persist-tun", "--tun-mtu", "1500"]
          .concat(["--data-ciphers", "AES-128-GCM", "--keepalive", "2", "10", "--ca", `${dir}/ca.crt`])
          .concat(["--verb", "3", "--log", `${dir}/openvpn-${s}.log`]);
        const role =
          s === "B"
            ? ["--cert", `${dir}/gwB.crt`, "--key", `${dir}/gwB.key`, "--tls-server", "--dh", "none"].concat([
                "--remote-cert-tls",
                "client",
                "--proto",
                "udp",
                "--local",
                ADDR.gwB,
                "--lport",
                "1194",
                "--float",
              ])
            : [
                "--cert",
                `${dir}/gwA.crt`,
                "--key",
                `${dir}/gwA.key`,
                "--tls-client",
                "--remote-cert-tls",
                "server",
              ].concat([
                "--verify-x509-name",
                "gwB",
                "name",
                "--proto",
                "udp",
                "--remote",
                ADDR.gwB,
                "1194",
                "--nobind",
              ]);
        pids[s] = lab.bg(["ip", "netns", "exec", g, ...common, ...role]).pid as number;
      }
      await waitFor(
        "OpenVPN up",
        () =>
          fs.existsSync(`${dir}/openvpn-A.log`) &&
          /Initialization Sequence Completed/.test(fs.readFileSync(`${dir}/openvpn-A.log`, "utf8")),
        30_000,
        200,
      );
      if (tuned) await tuneLikeCharon(lab, [pids.A, pids.B]);
      return {
        daemons: () => ({ a: [pids.A], b: [pids.B] }),
        note: tuned ? "tap MTU 1500, SCHED_RR 10 like ours" : "tap MTU 1500 (outer fragmentation)",
      };
    },
  };
}

export const openvpnDefault = openvpn("openvpn", "OpenVPN 2.6 TAP/UDP AES-128-GCM, default", false);
export const openvpnTuned = openvpn("openvpn-rr", "OpenVPN TAP/UDP, same scheduling as ours", true);

/**
 * VXLAN over WireGuard (userspace wireguard-go; WG_GO names another build, e.g. one made from
 * the Go module). Candidate second transport, measured before deciding whether to ship it.
 */
function wireguard(key: string, label: string, tuned: boolean): Scenario {
  return {
    key,
    label,
    setup: async (lab) => {
      const bin = process.env["WG_GO"] ?? "wireguard-go";
      bridgeOnGateways(lab);
      vmMtu(lab, 1390);
      const keys = { A: must(["wg", "genkey"]).trim(), B: must(["wg", "genkey"]).trim() };
      const pub = (k: string) => must(["wg", "pubkey"], { input: k }).trim();
      const pids: Record<"A" | "B", number> = { A: 0, B: 0 };
      for (const [s, g, me, peer, vl, vp] of [
        ["A", lab.ns.gwA, ADDR.gwA, ADDR.gwB, ADDR.vtepA, ADDR.vtepB],
        ["B", lab.ns.gwB, ADDR.gwB, ADDR.gwA, ADDR.vtepB, ADDR.vtepA],
      ] as const) {
        // The UAPI socket path is per interface name and shared by all namespaces: names must differ.
        const ifc = `wg${lab.id}${s}`;
        pids[s] = lab.bg(["ip", "netns", "exec", g, bin, "-f", ifc]).pid as number;
        await waitFor(`${ifc} exists`, () => lab.nsx(g, ["ip", "link", "show", ifc]).code === 0, 10_000);
        const keyFile = path.join(lab.dir, `wg-${s}.key`);
        fs.writeFileSync(keyFile, s === "A" ? keys.A : keys.B, { mode: 0o600 });
        const other = s === "A" ? keys.B : keys.A;
        lab.nmust(
          g,
          ["wg", "set", ifc, "private-key", keyFile, "listen-port", "51820", "peer", pub(other)].concat([
            "endpoint",
            `${peer}:51820`,
            "allowed-ips",
            `${vp}/32`,
          ]),
        );
        void me;
        lab.nmust(g, ["ip", "addr", "add", `${vl}/32`, "dev", "lo"]);
        lab.nmust(g, ["ip", "link", "set", ifc, "mtu", "1440", "up"]);
        lab.nmust(g, ["ip", "route", "add", `${vp}/32`, "dev", ifc, "src", vl]);
        vxlanPort(lab, g, vl, vp, 1390);
      }
      if (tuned) await tuneLikeCharon(lab, [pids.A, pids.B]);
      return {
        daemons: () => ({ a: [pids.A], b: [pids.B] }),
        note: `${path.basename(bin)}${tuned ? ", SCHED_RR 10" : ""}, VM MTU 1390`,
      };
    },
  };
}

export const wireguardDefault = wireguard("wg", "VXLAN over wireguard-go", false);
export const wireguardTuned = wireguard("wg-rr", "VXLAN over wireguard-go, SCHED_RR 10", true);

/** Iteration aid: the stretch with whatever agent flags BENCH_AGENT_ARGS holds (space-separated). */
export const stretchExperiment = stretch(
  "stretch-x",
  `encrypted stretch, agent ${process.env["BENCH_AGENT_ARGS"] ?? ""} txqueuelen ${process.env["BENCH_TXQLEN"] ?? "default"}`,
  (process.env["BENCH_AGENT_ARGS"] ?? "").split(" ").filter(Boolean),
);

export const ALL: Scenario[] = [
  ceiling,
  stretchDefault,
  stretchUntuned,
  openvpnDefault,
  openvpnTuned,
  wireguardDefault,
  wireguardTuned,
  stretchExperiment,
];
/** The default set (the table); the WireGuard rows run when asked for (BENCH_ONLY). */
export const DEFAULT_KEYS = ["vxlan", "stretch", "stretch-untuned", "openvpn", "openvpn-rr"];
