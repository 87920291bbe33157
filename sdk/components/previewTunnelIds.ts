import * as pulumi from "@pulumi/pulumi";
import type { EdgeTunnelEntry } from "../../provider/functions/edgeTunnelIds";
import { functionConfig } from "../functions/functionConfig";

/**
 * At preview, the tunnel IDs a vCD edge gateway already gave the stretch's networks.
 *
 * An updated dynamic resource previews every output as unknown (it cannot declare stable
 * outputs), so a DNS change on one network would make every list of tunnel IDs — L2VPN
 * server, trunk, client — preview as "may change" although vCD never renumbers an existing
 * network. The edge's live view says which IDs stay: a network found there with the same
 * gateway CIDR keeps its ID. Anything else (a new network, a replaced one, an unreadable
 * edge) falls back to the resource's output, so the preview never claims more than it knows.
 * `up` always uses the resources' outputs.
 */
export function previewTunnelId(
  live: pulumi.Output<Record<string, EdgeTunnelEntry>> | undefined,
  network: { name: string; gatewayCidr: string },
  fromResource: pulumi.Output<number>,
): pulumi.Output<number> {
  if (!live) return fromResource;
  return live.apply((edge) => {
    const entry = edge[network.name];
    return entry && entry.gatewayCidr === network.gatewayCidr ? pulumi.output(entry.tunnelId) : fromResource;
  });
}

/** The edge's subinterface networks, read once per stretch at preview; undefined during `up`. */
export function readAtPreview(site: {
  vdc: string;
  edgeGateway: string;
}): pulumi.Output<Record<string, EdgeTunnelEntry>> | undefined {
  if (!pulumi.runtime.isDryRun()) return undefined;
  const entries = functionConfig().apply(async (source) => {
    try {
      const { readEdgeTunnelIds } = await import("../../provider/functions/edgeTunnelIds");
      return await readEdgeTunnelIds(source, site);
    } catch {
      // The resources' own checks report an unreachable or misspelt edge, in the user's words.
      return {};
    }
  });
  return pulumi.unsecret(entries);
}
