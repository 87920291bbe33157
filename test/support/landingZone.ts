import type { Tenant } from "../../examples/landing-zone/tenants";

/** The simulator's vendor settings for a stack: vCD (org acme, user alice) and NSX Manager on it. */
export function simVendorEnv(sim: { url: string }): Record<string, string> {
  return { VCD_URL: sim.url, VCD_ORG: "acme", VCD_USER: "alice", NSX_URL: sim.url, NSX_USER: "admin" };
}

/** The command-line settings of an examples/landing-zone stack: its role, the tenants, the secrets. */
export function landingZoneArgs(
  role: "cloud" | "onprem",
  tenants: Record<string, Tenant>,
  secrets: { vcd: string; nsx: string; site: string },
): string[] {
  return [
    "--config",
    `role=${role}`,
    "--config",
    `tenants=${JSON.stringify(tenants)}`,
    "--secret",
    `sitePassword=${secrets.site}`,
    "--secret",
    `l2stretch:password=${secrets.vcd}`,
    "--secret",
    `l2stretch:nsxPassword=${secrets.nsx}`,
  ];
}
