/**
 * The bridge leak guard: nftables rules that hold whatever the document says. Verify refuses an
 * unsafe site port, but the data path must not depend on that check (or on nobody running
 * `ip link set wan0 master l2br100` by hand), so the kernel itself refuses to bridge a frame
 *  - into or out of an underlay or management NIC (one holding an address or a route, as seen
 *    when the rules were made), and
 *  - between any two ports other than a network's own site port and its own VXLAN device,
 *    so a port left in the wrong bridge cannot join two segments or reach the WAN.
 * Pure: the planner passes live state in and compares the rendered rules by digest.
 */
import { GatewayConfig, sitePortName, vxlanName } from "../../contract/gatewayDocument";
import { LiveState } from "./live";
import { LIBIPSEC_TUN } from "./render";

const STRETCH_DEVICE = /^l2(br|vx)\d+$/;

/**
 * Devices that carry the underlay or management: any holding an address (other than
 * link-local) or a route, the NICs under such VLAN sub-interfaces (the same wire), and every
 * VLAN sub-interface of the NIC holding the underlay address (their tags cross the WAN too).
 */
export function underlayDevices(cfg: GatewayConfig, live: LiveState): string[] {
  const out = new Set<string>();
  const routed = new Set([...live.addresses.keys(), ...live.routes.map((r) => r.dev)]);
  for (const dev of routed) {
    if (dev === "lo" || dev === LIBIPSEC_TUN || STRETCH_DEVICE.test(dev)) continue;
    out.add(dev);
    const parent = live.links.get(dev)?.vlan?.link;
    if (parent) out.add(parent);
  }
  const wan = [...live.addresses].filter(([, a]) =>
    a.some((x) => x.split("/")[0] === cfg.underlay.localAddress),
  );
  for (const [dev] of wan) {
    for (const l of live.links.values()) if (l.vlan?.link === dev) out.add(l.name);
    for (const n of cfg.networks)
      if (n.attachment.type === "vlan" && n.attachment.trunk === dev) out.add(sitePortName(n));
  }
  return [...out].sort();
}

const set = (names: string[]) => `{ ${names.map((n) => `"${n}"`).join(", ")} }`;

/** Chains for the agent's `bridge` table (one rule per line, without indentation). */
export function renderGuardChains(cfg: GatewayConfig, underlay: string[]): string[][] {
  const forward: string[] = [
    // Before every other bridge rule (-200), and independent of them.
    "type filter hook forward priority -300; policy accept;",
  ];
  const local: string[] = ["type filter hook output priority -300; policy accept;"];
  if (underlay.length > 0) {
    forward.push(`iifname ${set(underlay)} counter drop comment "underlay-guard:in"`);
    forward.push(`oifname ${set(underlay)} counter drop comment "underlay-guard:out"`);
    // Frames the host itself sends on a stretch bridge (IPv6 ND of the bridge device).
    local.push(`oifname ${set(underlay)} counter drop comment "underlay-guard:local"`);
  }
  const pairs = cfg.networks.flatMap((n) => {
    const port = sitePortName(n);
    const vx = vxlanName(n.vni);
    return [`"${port}" . "${vx}"`, `"${vx}" . "${port}"`];
  });
  const allowed = pairs.length > 0 ? ` iifname . oifname != { ${pairs.join(", ")} }` : "";
  const ports = cfg.networks.map((n) => sitePortName(n));
  for (const [dir, tag] of [
    ["iifname", "in"],
    ["oifname", "out"],
  ] as const) {
    // Any VXLAN device, declared or stale, talks to its own site port only.
    forward.push(`${dir} "l2vx*"${allowed} counter drop comment "port-guard:vx-${tag}"`);
    if (ports.length > 0)
      forward.push(`${dir} ${set(ports)}${allowed} counter drop comment "port-guard:site-${tag}"`);
  }
  return [
    ["chain stretch_guard {", ...forward.map((r) => `  ${r}`), "}"],
    ["chain stretch_guard_local {", ...local.map((r) => `  ${r}`), "}"],
  ];
}

/** Drops by the guard, summed from the table's counters. */
export function guardDrops(counters: Record<string, number>): { underlay: number; ports: number } {
  const sum = (prefix: string) =>
    Object.entries(counters)
      .filter(([k]) => k.startsWith(prefix))
      .reduce((s, [, v]) => s + v, 0);
  return { underlay: sum("underlay-guard"), ports: sum("port-guard") };
}
