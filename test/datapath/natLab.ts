/**
 * NAT variants of the two-site lab (lab.ts): a gateway moved behind a NAT router, and a WAN
 * with a smaller MTU.
 *
 *   gwA wan0 10.1.0.2 ── in0 [natA] out0 203.0.113.1 ── a0 [wan] b0 ── ... gwB (or natB) ...
 *
 * The NAT router takes over the gateway's public address, so the peer sees only that address;
 * the gateway itself gets a private one. `forward` adds a port-forward of one public UDP port to
 * the gateway's IKE/NAT-T port 4500 (the only way in for a responder behind a NAT).
 */
import { ChildProcess } from "node:child_process";
import { ADDR, Lab, waitFor } from "./lab";

export type Side = "A" | "B";

/** Private addresses of the gateways behind their NATs. */
export const PRIVATE = {
  A: { gw: "10.1.0.2", nat: "10.1.0.1" },
  B: { gw: "10.2.0.2", nat: "10.2.0.1" },
} as const;

/** The public (WAN-visible) address of each side: the gateway's, or its NAT router's. */
export const PUBLIC = { A: ADDR.gwA, B: ADDR.gwB } as const;
const WAN_ROUTER = { A: { ifc: "a0", addr: ADDR.wanA }, B: { ifc: "b0", addr: ADDR.wanB } } as const;

export function natNs(lab: Lab, side: Side): string {
  return `l2t${lab.id}-nat${side}`;
}

function gwNs(lab: Lab, side: Side): string {
  return side === "A" ? lab.ns.gwA : lab.ns.gwB;
}

/**
 * Moves one side's gateway behind a masquerading NAT router. Must run after `lab.build()`.
 * `forward`: public UDP port forwarded to the gateway's port 4500.
 */
export function putBehindNat(lab: Lab, side: Side, opts: { forward?: number } = {}): void {
  const gw = gwNs(lab, side);
  const nat = natNs(lab, side);
  const wan = WAN_ROUTER[side];
  lab.addNs(nat);
  // Deleting gw's end removes the whole veth pair, the WAN router's end with it.
  lab.nmust(gw, ["ip", "link", "del", "wan0"]);
  lab.veth(gw, "wan0", nat, "in0");
  lab.veth(nat, "out0", lab.ns.wan, wan.ifc);
  lab.nmust(gw, ["ip", "addr", "add", `${PRIVATE[side].gw}/24`, "dev", "wan0"]);
  lab.nmust(nat, ["ip", "addr", "add", `${PRIVATE[side].nat}/24`, "dev", "in0"]);
  lab.nmust(nat, ["ip", "addr", "add", `${PUBLIC[side]}/24`, "dev", "out0"]);
  lab.nmust(lab.ns.wan, ["ip", "addr", "add", `${wan.addr}/24`, "dev", wan.ifc]);
  for (const [n, i] of [
    [gw, "wan0"],
    [nat, "in0"],
    [nat, "out0"],
    [lab.ns.wan, wan.ifc],
  ] as const)
    lab.nmust(n, ["ip", "link", "set", i, "up"]);
  lab.nmust(gw, ["ip", "route", "add", "default", "via", PRIVATE[side].nat]);
  lab.nmust(nat, ["ip", "route", "add", "default", "via", wan.addr]);
  lab.nmust(nat, ["sysctl", "-qw", "net.ipv4.ip_forward=1"]);
  const forward = opts.forward === undefined ? undefined : { port: opts.forward, to: PRIVATE[side].gw };
  const r = lab.nsx(nat, ["nft", "-f", "-"], { input: natRules(forward) });
  if (r.code !== 0) throw new Error(`nft in ${nat}: ${r.stderr}`);
}

/** The NAT router's ruleset: masquerade out of out0, and the optional port-forward. */
export function natRules(forward: { port: number; to: string } | undefined): string {
  const pre =
    forward === undefined
      ? ""
      : `  chain pre {
    type nat hook prerouting priority dstnat; policy accept;
    iifname "out0" udp dport ${forward.port} dnat to ${forward.to}:4500
  }
`;
  return `table ip nat {
${pre}  chain post {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "out0" masquerade
  }
}
`;
}

/** Sets the MTU of every WAN-side link (gateway uplinks, NAT routers, WAN router). */
export function setWanMtu(lab: Lab, mtu: number): void {
  const links: [string, string][] = [
    [lab.ns.wan, "a0"],
    [lab.ns.wan, "b0"],
    [lab.ns.gwA, "wan0"],
    [lab.ns.gwB, "wan0"],
  ];
  for (const side of ["A", "B"] as const) {
    const nat = natNs(lab, side);
    if (lab.nsx(nat, ["true"]).code === 0) links.push([nat, "in0"], [nat, "out0"]);
  }
  for (const [n, i] of links) lab.nmust(n, ["ip", "link", "set", i, "mtu", String(mtu)]);
}

/** A line-buffered tcpdump whose printed packets are kept for counting. */
export class Capture {
  private out = "";
  private err = "";
  private readonly proc: ChildProcess;
  constructor(lab: Lab, ns: string, ifc: string, filter: string) {
    this.proc = lab.bg(["ip", "netns", "exec", ns, "tcpdump", "-ni", ifc, "-l", filter]);
    this.proc.stdout?.on("data", (b: Buffer) => (this.out += b.toString()));
    this.proc.stderr?.on("data", (b: Buffer) => (this.err += b.toString()));
  }
  async listening(): Promise<void> {
    await waitFor("tcpdump to listen", () => this.err.includes("listening on"), 10_000, 50);
  }
  /** One line per packet captured so far. */
  lines(): string[] {
    return this.out.split("\n").filter((l) => / IP /.test(l));
  }
  /** Packets whose source address is `addr`. */
  from(addr: string): string[] {
    return this.lines().filter((l) => l.includes(` IP ${addr}.`));
  }
  /** Stops tcpdump and waits until all it printed has been read ("close" follows the streams' end). */
  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const done = new Promise((r) => this.proc.once("close", r));
    this.proc.kill("SIGINT");
    await done;
  }
}
