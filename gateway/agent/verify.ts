/**
 * The "verify" step: checks a schema-valid document against this machine, for what the schema
 * cannot know. Every rule here guards the "never clear text, never a stray bridge port" promise:
 * a site port is bridged to the remote site, so it must be a plain L2 port of this network only.
 * Pure (no I/O); each issue names the document field and says why in the user's terms.
 */
import { GatewayConfig, NetworkConfig, bridgeName, sitePortName } from "../../contract/gatewayDocument";
import { LiveState } from "./live";
import { LIBIPSEC_TUN } from "./render";

export interface VerifyIssue {
  path: string;
  message: string;
}

const MANAGED_DEVICE = /^l2(br|vx)(\d+)$/;

/** The document field that names a network's site-facing device. */
function portField(n: NetworkConfig, i: number): string {
  return `networks.${i}.attachment.${n.attachment.type === "interface" ? "interface" : "trunk"}`;
}

/** The device the user named: the interface, or the trunk under the VLAN sub-interface. */
function namedDevice(n: NetworkConfig): string {
  return n.attachment.type === "interface" ? n.attachment.interface : n.attachment.trunk;
}

/**
 * Why `dev` must not carry site frames, or undefined when it may. A device holding an address
 * or a route is the underlay or a management NIC: bridging it would put the site's frames on
 * that wire in clear text. Addresses on VLAN sub-interfaces count for their parent NIC, which
 * carries the same wire.
 */
export function underlayRole(cfg: GatewayConfig, live: LiveState, dev: string): string | undefined {
  const carriers = [dev, ...[...live.links.values()].filter((l) => l.vlan?.link === dev).map((l) => l.name)];
  for (const c of carriers) {
    const via = c === dev ? "" : ` (through its VLAN sub-interface ${c})`;
    const addrs = live.addresses.get(c) ?? [];
    const underlay = addrs.find((a) => a.split("/")[0] === cfg.underlay.localAddress);
    if (underlay)
      return `carries the underlay address ${cfg.underlay.localAddress} (underlay.localAddress)${via}`;
    if (addrs.length > 0) return `carries the management address ${addrs[0] as string}${via}`;
    const route = live.routes.find((r) => r.dev === c);
    if (route)
      return `carries the route ${route.dst}${route.table === "main" ? "" : ` (table ${route.table})`}${via}`;
  }
  return undefined;
}

export function verify(cfg: GatewayConfig, live: LiveState): VerifyIssue[] {
  const issues: VerifyIssue[] = [];
  const ours = new Set(cfg.networks.map((n) => bridgeName(n.vni)));
  const seen = new Map<string, string>();
  const trunks = new Map<string, string>();
  cfg.networks.forEach((n) => {
    if (n.attachment.type === "vlan") trunks.set(n.attachment.trunk, n.name);
  });

  cfg.networks.forEach((n, i) => {
    const path = portField(n, i);
    const dev = namedDevice(n);
    const port = sitePortName(n);
    const fail = (message: string) => issues.push({ path, message: `network "${n.name}": ${message}` });

    // Same port twice in the document: two site segments would be bridged into one.
    const twice = seen.get(port);
    if (twice !== undefined) {
      fail(
        `site port ${port} is already the site port of network "${twice}"; each network needs its own port`,
      );
      return;
    }
    seen.set(port, n.name);
    const trunkOf = trunks.get(port);
    if (n.attachment.type === "interface" && trunkOf !== undefined) {
      fail(`${port} is the VLAN trunk of network "${trunkOf}"; it cannot also be a site port`);
      return;
    }

    const link = live.links.get(dev);
    if (dev === "lo" || link?.linkType === "loopback") {
      fail(`${dev} is the loopback interface; a site port must be a NIC or VLAN facing the site`);
      return;
    }
    if (MANAGED_DEVICE.test(dev) || dev === LIBIPSEC_TUN) {
      fail(`${dev} is a device of the stretch itself; a site port must be a NIC or VLAN facing the site`);
      return;
    }
    if (!link) {
      fail(`interface ${dev} does not exist on this gateway`);
      return;
    }
    if (n.attachment.type === "vlan") {
      const other = cfg.networks.find(
        (o) => o.attachment.type === "interface" && o.attachment.interface === dev,
      );
      if (other) {
        fail(`trunk ${dev} is the site port of network "${other.name}"; it cannot also be a VLAN trunk`);
        return;
      }
      const own = live.links.has(port) ? underlayRole(cfg, live, port) : undefined;
      if (own) {
        fail(`${port} ${own}; bridging it would send the site's frames there unencrypted`);
        return;
      }
    }
    const role = underlayRole(cfg, live, dev);
    if (role && (n.attachment.type === "interface" || role.includes("underlay.localAddress"))) {
      // A VLAN trunk may share a NIC with management (tagged site traffic stays off the
      // management VLAN) but never with the underlay: the tags would cross the WAN unencrypted.
      fail(`${dev} ${role}; bridging it would send the site's frames there unencrypted`);
      return;
    }
    for (const name of n.attachment.type === "vlan" ? [dev, port] : [port]) {
      const master = live.links.get(name)?.master;
      if (!master || master === bridgeName(n.vni)) continue;
      const managed = MANAGED_DEVICE.test(master);
      if (name === dev && n.attachment.type === "vlan") {
        fail(`trunk ${dev} is a port of ${master}; a VLAN trunk must not be bridged itself`);
      } else if (!managed) {
        fail(`${name} is already a port of ${master}, which l2stretch does not manage`);
      } else if (ours.has(master)) {
        // Owned by a network that stays: only that network's own document entry may take it.
        const owner = cfg.networks.find((o) => bridgeName(o.vni) === master);
        if (owner && sitePortName(owner) !== name) continue; // the owner moves elsewhere in this same document: the port is freed first
        fail(`${name} is already the site port of network "${owner?.name ?? master}"`);
      }
      // A port of a managed bridge that this document removes or renumbers is freed first.
    }
  });
  return issues;
}
