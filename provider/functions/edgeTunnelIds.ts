import type { ConfigSource } from "../config";
import { vcdExecutor } from "../runtime";
import { useProgramConfig } from "./programSession";
import { findEdgeGateway, findVdc } from "../vcd/inventory";
import { edgeGatewaySubnets } from "../vcd/networks";
import { getVdcNetworks } from "../vcd/edges";
import { netmaskToPrefix } from "../../contract/netmath";

/** A subinterface network as its edge gateway lists it now. */
export interface EdgeTunnelEntry {
  tunnelId: number;
  subInterfaceIndex: number;
  /** The network's gateway with prefix ("10.10.0.1/24"), where vCD reports it. */
  gatewayCidr?: string;
}

/**
 * Every subinterface network of one vCD edge gateway with its tunnel ID, in two reads on the
 * program's session: what a preview needs to tell which tunnel IDs an update keeps (dynamic
 * resources cannot declare stable outputs, so without it every list of tunnel IDs would
 * preview as "may change" when one network is edited).
 */
export async function readEdgeTunnelIds(
  config: ConfigSource | undefined,
  q: { vdc: string; edgeGateway: string },
): Promise<Record<string, EdgeTunnelEntry>> {
  useProgramConfig(config);
  const exec = vcdExecutor();
  const vdc = await findVdc(exec, q.vdc);
  const edge = await findEdgeGateway(exec, vdc, q.edgeGateway);
  const [interfaces, subnets] = await Promise.all([
    getVdcNetworks(exec, edge.uuid),
    edgeGatewaySubnets(exec, vdc, edge.name),
  ]);
  const cidrs = new Map(subnets.map((s) => [s.name, `${s.gateway}/${netmaskToPrefix(s.netmask)}`]));
  return Object.fromEntries(
    interfaces
      .filter((i) => i.type === "subinterface" && i.tunnelId !== undefined)
      .map((i): [string, EdgeTunnelEntry] => [
        i.name,
        { tunnelId: i.tunnelId!, subInterfaceIndex: i.index, gatewayCidr: cidrs.get(i.name) },
      ]),
  );
}
