import * as pulumi from "@pulumi/pulumi";
import { VxlanStretch } from "l2stretch";
import { DEFAULT_TENANTS, stretchNetworks, type Tenant } from "./tenants";

/**
 * A landing zone as code: each tenant's networks stretched from its vCD edge gateway to its
 * on-prem NSX-v edge. Two stacks of this one program share the plan (tenants.ts):
 *
 *   role=cloud   (stack "cloud")  — subinterface Org VDC networks and the L2VPN servers;
 *                                   exports the tunnel IDs vCD assigned;
 *   role=onprem  (stack "onprem") — trunk sub-interfaces and L2VPN clients, taking the tunnel
 *                                   IDs from the cloud stack through a stack reference.
 *
 * Stack config: `role`, secret `sitePassword`, optionally `tenants` (JSON, see tenants.ts) and
 * `cloudStack` (default organization/l2stretch-landing-zone/cloud).
 */
export const projectName = "l2stretch-landing-zone";

export async function program(): Promise<Record<string, unknown>> {
  const cfg = new pulumi.Config();
  const role = cfg.require("role");
  if (role !== "cloud" && role !== "onprem")
    throw new Error(`role must be "cloud" or "onprem", got "${role}"`);
  const tenants = cfg.getObject<Record<string, Tenant>>("tenants") ?? DEFAULT_TENANTS;
  const password = cfg.requireSecret("sitePassword");
  const cloud =
    role === "onprem"
      ? new pulumi.StackReference(cfg.get("cloudStack") ?? `organization/${projectName}/cloud`)
      : undefined;
  const cloudTunnelIds = cloud?.requireOutput("tunnelIds") as pulumi.Output<
    Record<string, Record<string, number>>
  >;

  const stretches = Object.entries(tenants).map(([name, tenant]) => {
    const stretch = new VxlanStretch(name, {
      siteA: { vdc: "acme-vdc", edgeGateway: tenant.cloudEdge, managed: role === "cloud" },
      siteB: {
        nsxEdge: tenant.onpremEdge,
        trunk: { portgroupId: tenant.portgroupId },
        managed: role === "onprem",
      },
      l2vpn: { listenerIp: tenant.listenerIp, password },
      tunnelIds: cloudTunnelIds?.apply((ids) => ids[name] ?? {}),
      networks: stretchNetworks(tenant),
    });
    return [name, stretch] as const;
  });
  const each = <T>(pick: (s: VxlanStretch) => pulumi.Output<T>) =>
    pulumi.all(Object.fromEntries(stretches.map(([name, s]) => [name, pick(s)])));
  return {
    tunnelIds: each((s) => s.tunnelIds),
    networks: each((s) => s.networks),
    status: each((s) => s.status),
  };
}
