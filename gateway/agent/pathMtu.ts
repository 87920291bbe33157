/**
 * The path MTU the status reports: the largest IP packet that crosses the tunnel VTEP to VTEP
 * without being fragmented on the WAN.
 *
 * A DF ping through the tunnel alone cannot tell: DF applies to the inner packet, and
 * kernel-libipsec's TUN accepts 1400 bytes whatever the WAN carries, then the ESP-in-UDP packet
 * is fragmented outside (measured: 1400 reported on a 1400-byte WAN, where 1338 was the largest
 * unfragmented tunnel packet). So the search through the tunnel is bounded by the MTU budget
 * (contract/mtu.ts) of the underlay MTU: the configured one, or the path MTU measured toward
 * the peer's WAN address when that is lower.
 */
import { ANY_PEER, GatewayConfig } from "../../contract/gatewayDocument";
import { computeBudget } from "../../contract/mtu";
import { Executor } from "./exec";

/** IPv4 + ICMP echo headers: a ping payload of N bytes is an IP packet of N + 28. */
const PING_HEADERS = 28;
/** The smallest underlay MTU the schema allows; a probe that fails even at this size proves nothing. */
const MIN_UNDERLAY_MTU = 1280;

export interface PathMtu {
  /** Largest tunnel packet (VTEP to VTEP) that crossed with DF, within the budget. */
  value: number;
  /** The underlay MTU the budget was computed from. */
  underlayMtu: number;
  /** Whether that underlay MTU was measured toward the peer or taken from the document. */
  underlaySource: "measured" | "configured";
}

type Passes = (packetSize: number) => Promise<boolean>;

/** Largest size in [lo, hi] for which `passes` holds, assuming `lo` passes (binary search). */
export async function largestPassing(lo: number, hi: number, passes: Passes): Promise<number> {
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (await passes(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function dfPing(ex: Executor, from: string, to: string): Passes {
  const once = async (packetSize: number) =>
    (
      await ex.run(
        [
          "ping",
          "-n",
          "-q",
          "-c",
          "1",
          "-W",
          "1",
          "-M",
          "do",
          "-s",
          String(packetSize - PING_HEADERS),
          "-I",
          from,
          to,
        ],
        { timeoutMs: 5000 },
      )
    ).code === 0;
  // A size fails only if two probes in a row get no answer: one reply lost under load
  // (1 s timeout) must not shrink the reported MTU.
  return async (size) => (await once(size)) || (await once(size));
}

/**
 * The underlay path MTU toward a peer with a fixed address, or undefined when the peer does
 * not answer pings even at the smallest allowed MTU (ICMP filtered: nothing learned).
 */
async function underlayPathMtu(ex: Executor, cfg: GatewayConfig): Promise<number | undefined> {
  const u = cfg.underlay;
  if (u.peerAddress === ANY_PEER) return undefined;
  const passes = dfPing(ex, u.localAddress, u.peerAddress);
  if (!(await passes(MIN_UNDERLAY_MTU))) return undefined;
  return largestPassing(MIN_UNDERLAY_MTU, u.mtu, passes);
}

/**
 * Measures the path MTU as described above; undefined when the tunnel does not carry even a
 * small packet (bounded wait of about 20 probes).
 */
export async function measurePathMtu(ex: Executor, cfg: GatewayConfig): Promise<PathMtu | undefined> {
  const u = cfg.underlay;
  const throughTunnel = dfPing(ex, u.vtepLocal, u.vtepPeer);
  let up = false;
  for (let i = 0; i < 20 && !up; i++) up = await throughTunnel(64 + PING_HEADERS);
  if (!up) return undefined;
  const measured = await underlayPathMtu(ex, cfg);
  const underlayMtu = measured === undefined ? u.mtu : Math.min(measured, u.mtu);
  const budget = computeBudget({ underlayMtu, transport: cfg.transport });
  return {
    value: await largestPassing(64 + PING_HEADERS, budget.tunnelMtu, throughTunnel),
    underlayMtu,
    underlaySource: measured !== undefined && measured < u.mtu ? "measured" : "configured",
  };
}
