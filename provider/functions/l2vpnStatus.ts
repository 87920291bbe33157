import type { L2VpnStatusReading } from "../../contract/outputs";
import { edgeRefSchema, type EdgeRef } from "../../contract/schemas/common";
import type { ConfigSource } from "../config";
import { ConfigError } from "../common/errors";
import { openEdge } from "../handlers/edgeAccess";
import { tunnelStatus } from "../handlers/l2vpnCommon";
import { useProgramConfig } from "./programSession";

/**
 * A live reading of an edge's L2VPN tunnels, for programs and scripts: status changes on
 * its own (peers connect and drop), so it is read when asked rather than kept in state.
 */
export async function readL2VpnStatus(
  config: ConfigSource | undefined,
  edge: unknown,
): Promise<L2VpnStatusReading> {
  const handle = await openEdge(programEdgeRef(config, edge));
  const [cfg, stats] = await Promise.all([
    handle.client.getL2Vpn({ showSensitiveData: false }),
    handle.client.getL2VpnStatistics(),
  ]);
  const observedAt = new Date().toISOString();
  const role = cfg.server ? "server" : cfg.client ? "client" : "none";
  const tunnels =
    role === "server"
      ? Object.fromEntries(
          cfg.server!.peerSites.map((p) => [
            p.name,
            { ...tunnelStatus(stats.sites.find((s) => s.name === p.name)), observedAt },
          ]),
        )
      : role === "client"
        ? { server: { ...tunnelStatus(stats.sites[0]), observedAt } }
        : {};
  return { role, tunnels, observedAt };
}

/**
 * Logs in and looks the edge up now, so a status reading asked for later (after this run's
 * writes) costs only its two reads. Failures are left to the reading to report.
 */
export async function prepareL2VpnStatus(config: ConfigSource | undefined, edge: unknown): Promise<void> {
  try {
    await openEdge(programEdgeRef(config, edge));
  } catch {
    // A bad edge or setting, or an unreachable vendor: the reading says so when asked.
  }
}

function programEdgeRef(config: ConfigSource | undefined, edge: unknown): EdgeRef {
  const parsed = edgeRefSchema.safeParse(edge);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => i.message).join("; "));
  // The program process runs no handlers; the function's own configuration is the runtime's.
  useProgramConfig(config);
  return parsed.data as EdgeRef;
}
