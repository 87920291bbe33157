/**
 * Removing the stretch from the appliance (`DELETE /v1/config`): the inverse of `plan()`.
 * Pure, like the planner, so the order is unit-tested without a kernel.
 *
 * Order, and why:
 *  1. VXLAN devices, then bridges: once no VXLAN device exists nothing can emit VXLAN, so the
 *     fail-closed guards below can go without a clear-text window; deleting the bridge frees
 *     the site port for whoever uses it next.
 *  2. VLAN sub-interfaces the agent created on trunks (never the trunk itself).
 *  3. our nftables tables (the reader only returns tables named l2stretch), the peer VTEP's blackhole route and the local VTEP address.
 * The IKE daemon is stopped by the caller after these steps (it is not a command), and the
 * generated files holding the PSK or private key are removed with the last good config.
 */
import type { Action, Step } from "./plan";
import type { LiveState } from "./live";
import { GatewayConfig, sitePortName } from "../../contract/gatewayDocument";

const MANAGED = /^l2(br|vx)\d+$/;

export function teardownPlan(live: LiveState, previous: GatewayConfig | undefined): Action[] {
  const actions: Action[] = [];
  const managed = [...live.links.values()].filter((l) => MANAGED.test(l.name));
  // VXLAN first (see above), then bridges; names sort for a stable, testable order.
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  const vxlans = managed.filter((l) => l.kind === "vxlan").sort(byName);
  const others = managed.filter((l) => l.kind !== "vxlan").sort(byName);
  const vlans = (previous?.networks ?? [])
    .filter((n) => n.attachment.type === "vlan" && live.links.has(sitePortName(n)))
    .map((n) => sitePortName(n));
  const del = (name: string): Step => ({ op: "exec", argv: ["ip", "link", "del", name], allowFail: true });
  if (managed.length + vlans.length > 0) {
    actions.push({
      id: "remove-networks",
      description: `remove ${[...vxlans, ...others].map((l) => l.name).join(", ")}${vlans.length ? `, ${vlans.join(", ")}` : ""}`,
      steps: [...vxlans.map((l) => del(l.name)), ...others.map((l) => del(l.name)), ...vlans.map(del)],
    });
  }
  if (live.nft.length > 0) {
    actions.push({
      id: "nft",
      description: `delete nftables tables ${live.nft.map((t) => `${t.family} ${t.name}`).join(", ")}`,
      steps: live.nft.map((t): Step => ({
        op: "exec",
        argv: ["nft", "delete", "table", t.family, t.name],
        allowFail: true,
      })),
    });
  }
  if (previous) {
    const u = previous.underlay;
    const steps: Step[] = [];
    if (live.blackholes.includes(`${u.vtepPeer}/32`))
      steps.push({
        op: "exec",
        argv: ["ip", "route", "del", "blackhole", `${u.vtepPeer}/32`],
        allowFail: true,
      });
    if (live.loAddresses.includes(`${u.vtepLocal}/32`))
      steps.push({
        op: "exec",
        argv: ["ip", "addr", "del", `${u.vtepLocal}/32`, "dev", "lo"],
        allowFail: true,
      });
    if (steps.length > 0)
      actions.push({ id: "vtep", description: `remove VTEP ${u.vtepLocal} and guard route`, steps });
  }
  return actions;
}
