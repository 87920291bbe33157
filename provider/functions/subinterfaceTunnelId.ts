import { vcdConnectionFrom, type ConfigSource } from "../config";
import { VcdExecutor } from "../vcd/executor";
import { findEdgeGateway, findVdc } from "../vcd/inventory";
import { findNetworkByName } from "../vcd/networks";
import { ApiError } from "../common/errors";
import { isVcdId, uuidOf } from "../vcd/ids";
import { lookupTunnelId, type TunnelInfo } from "../vcd/tunnelId";

/** The tunnelId lookup for any subinterface network, whoever created it. */
export interface TunnelIdQuery {
  vdc: string;
  edgeGateway: string;
  /** Network name or URN. */
  network: string;
}

export interface TunnelIdAnswer extends TunnelInfo {
  networkId: string;
  networkName: string;
  edgeGatewayId: string;
}

export async function findSubinterfaceTunnelId(
  config: ConfigSource | undefined,
  q: TunnelIdQuery,
): Promise<TunnelIdAnswer> {
  const exec = new VcdExecutor(vcdConnectionFrom(config));
  try {
    const vdc = await findVdc(exec, q.vdc);
    const edge = await findEdgeGateway(exec, vdc, q.edgeGateway);
    const record = isVcdId(q.network) ? undefined : await findNetworkByName(exec, vdc, q.network);
    if (!isVcdId(q.network) && !record) {
      throw new ApiError("NOT_FOUND", `network "${q.network}" not found in VDC "${vdc.name}"`);
    }
    const network = { uuid: record?.uuid ?? uuidOf(q.network), name: record?.name ?? q.network };
    const info = await lookupTunnelId(exec, edge, network);
    return {
      ...info,
      networkId: `urn:vcloud:network:${network.uuid}`,
      networkName: network.name,
      edgeGatewayId: `urn:vcloud:gateway:${edge.uuid}`,
    };
  } finally {
    await exec.logout();
  }
}
