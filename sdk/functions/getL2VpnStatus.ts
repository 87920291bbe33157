import * as pulumi from "@pulumi/pulumi";
import type { L2VpnStatusReading } from "../../contract/outputs";
import type { EdgeArgs } from "../resources/edgeRef";
import { functionConfig } from "./functionConfig";

/**
 * Reads an NSX-v edge's L2VPN tunnel status now: per peer site on a server, the one tunnel
 * on a client. Status is a reading, not a setting, so resources do not keep it fresh in
 * state (their `siteStatus`/`tunnel` outputs are what the last `pulumi refresh` saw); call
 * this where you want the live value, e.g. after the client exists:
 *
 * @example
 * const status = pulumi.all([server.id, client.id]).apply(() => getL2VpnStatus({ edge: cloudEdge }));
 * export const onpremTunnel = status.apply((s) => s.tunnels["onprem"]?.status);
 */
export interface GetL2VpnStatusArgs {
  edge: pulumi.Input<EdgeArgs>;
}

export function getL2VpnStatus(args: GetL2VpnStatusArgs): pulumi.Output<L2VpnStatusReading> {
  const reading = pulumi.all([args.edge, functionConfig()]).apply(async ([edge, source]) => {
    const { readL2VpnStatus } = await import("../../provider/functions/l2vpnStatus");
    return readL2VpnStatus(source, edge);
  });
  return pulumi.unsecret(reading);
}

/**
 * Starts the session and the edge lookup a later getL2VpnStatus of `edge` needs, so a reading
 * taken after the run's writes is only its own reads. Nothing is reported: the reading does.
 */
export function prepareL2VpnStatus(args: GetL2VpnStatusArgs): void {
  pulumi.all([args.edge, functionConfig()]).apply(async ([edge, source]) => {
    try {
      const { prepareL2VpnStatus: prepare } = await import("../../provider/functions/l2vpnStatus");
      await prepare(source, edge);
    } catch {
      // Nobody waits for this output: a failure here must not fail the program.
    }
  });
}
