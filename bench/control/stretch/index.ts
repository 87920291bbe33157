import * as pulumi from "@pulumi/pulumi";
import { VxlanStretch } from "l2stretch";

/**
 * The control-plane benchmark's landing zone as a user writes it: one VxlanStretch per edge
 * pair (cloud edge through vCD → on-prem edge through NSX Manager), `networks` stretched
 * networks spread over the two. Knobs for the benchmark's changes: `changedNetwork` (index
 * whose DNS server differs) and `extraNetworks`. The same landing zone wired by hand is in
 * ../handWired (BENCH_PROGRAM=handWired).
 */
const PAIRS = [
  { cloud: "edge-cloud-1", onprem: "edge-onprem-1", listenerIp: "192.0.2.10", portgroup: "dvportgroup-300" },
  { cloud: "edge-cloud-2", onprem: "edge-onprem-2", listenerIp: "192.0.2.11", portgroup: "dvportgroup-301" },
];

export async function program(): Promise<Record<string, unknown>> {
  const cfg = new pulumi.Config();
  const count = (cfg.getNumber("networks") ?? 10) + (cfg.getNumber("extraNetworks") ?? 0);
  const changed = cfg.getNumber("changedNetwork") ?? -1;
  const password = cfg.requireSecret("sitePassword");

  const stretches = PAIRS.map((p, pair) => {
    const networks = [];
    for (let i = pair; i < count; i += PAIRS.length) {
      const k = Math.floor(i / PAIRS.length);
      const subnet = `10.${40 + pair}.${k}`;
      networks.push({
        name: `net-${i}`,
        cidr: `${subnet}.0/24`,
        gatewayIp: `${subnet}.1`,
        dnsServers: [i === changed ? `${subnet}.54` : `${subnet}.53`],
        staticIpPools: [{ start: `${subnet}.100`, end: `${subnet}.199` }],
        siteB: { vlanId: 100 + k, address: `${subnet}.2/24` },
      });
    }
    return new VxlanStretch(`zone-${pair + 1}`, {
      siteA: { vdc: "acme-vdc", edgeGateway: p.cloud },
      siteB: { nsxEdge: p.onprem, trunk: { portgroupId: p.portgroup } },
      networks,
      l2vpn: { listenerIp: p.listenerIp, serverCertificate: { selfSigned: { validityDays: 365 } }, password },
    });
  });
  return { networks: stretches.map((s) => s.networks) };
}
