/**
 * Proof that frames cross the demo's stretch the way a migrated VM needs: ARP resolves the
 * remote VM's own MAC (one broadcast domain), ping answers, and a TCP transfer arrives intact.
 */
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { sh, waitFor } from "../test/datapath/lab";

const inNs = (ns: string, argv: string[]) => sh(["ip", "netns", "exec", ns, ...argv]);

function macOf(ns: string, ifc: string): string {
  const links = JSON.parse(inNs(ns, ["ip", "-j", "link", "show", ifc]).stdout) as { address: string }[];
  return links[0]!.address;
}

export interface TrafficProof {
  /** The MAC that ARP resolved for the remote VM, and that VM's own MAC. */
  arp: { resolved: string; remote: string };
  pingMs: number;
  transfer: { bytes: number; intact: boolean; mbitPerSecond: number };
}

/** From VM `from` (site A) to VM `to` at `toAddress` (site B) on one stretched subnet. */
export async function proveTraffic(
  from: string,
  to: string,
  toAddress: string,
  dir: string,
): Promise<TrafficProof> {
  await waitFor(
    "ping across the stretch",
    () => inNs(from, ["ping", "-n", "-c", "1", "-W", "1", toAddress]).code === 0,
    60_000,
    250,
  );
  const ping = inNs(from, ["ping", "-n", "-c", "5", "-i", "0.2", toAddress]).stdout;
  const avg = /= [\d.]+\/([\d.]+)\//.exec(ping)?.[1];
  const neigh = JSON.parse(inNs(from, ["ip", "-j", "neigh", "show", toAddress]).stdout) as {
    lladdr?: string;
  }[];
  const arp = { resolved: neigh[0]?.lladdr ?? "(none)", remote: macOf(to, "eth0") };

  const payload = randomBytes(16 * 1024 * 1024);
  const sent = path.join(dir, "demo-sent.bin");
  const received = path.join(dir, "demo-received.bin");
  fs.writeFileSync(sent, payload);
  fs.rmSync(received, { force: true });
  const listener = spawn(
    "ip",
    ["netns", "exec", to, "socat", "-u", "TCP-LISTEN:5001,reuseaddr", `CREATE:${received}`],
    {
      stdio: "ignore",
    },
  );
  const done = new Promise<void>((resolve) => listener.once("exit", () => resolve()));
  await waitFor(
    "the receiver to listen",
    () => inNs(to, ["ss", "-ltn", "sport = :5001"]).stdout.includes("5001"),
    10_000,
    100,
  );
  const started = process.hrtime.bigint();
  const send = inNs(from, ["socat", "-u", `FILE:${sent}`, `TCP:${toAddress}:5001`]);
  await done;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const digest = (b: Buffer) => createHash("sha256").update(b).digest("hex");
  const intact =
    send.code === 0 && fs.existsSync(received) && digest(fs.readFileSync(received)) === digest(payload);
  return {
    arp,
    pingMs: avg ? Number(avg) : NaN,
    transfer: { bytes: payload.length, intact, mbitPerSecond: (payload.length * 8) / 1e6 / seconds },
  };
}
