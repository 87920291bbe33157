import * as pulumi from "@pulumi/pulumi";
import { functionConfig } from "./functionConfig";
import type { TunnelIdAnswer } from "../../provider/functions/subinterfaceTunnelId";

/**
 * Looks up the L2VPN tunnel ID vCD assigned to a subinterface Org VDC network, including
 * networks Pulumi did not create (e.g. made in the vCD UI or by vCD Extender). It reads
 * the edge's vdcNetworks view, falls back to the trunk vNIC's sub-interfaces, and fails
 * with the reason and the fix where vCD hides the ID (vCD 9.0.0.0) — never a silent
 * undefined. Runs at preview too, so `pulumi preview` already shows the ID.
 */
export interface GetSubinterfaceTunnelIdArgs {
  /** Name or URN of the Org VDC. */
  vdc: pulumi.Input<string>;
  /** Name or URN of the NSX-v edge gateway. */
  edgeGateway: pulumi.Input<string>;
  /** Name or URN of the subinterface Org VDC network. */
  network: pulumi.Input<string>;
}

export type GetSubinterfaceTunnelIdResult = TunnelIdAnswer;

export function getSubinterfaceTunnelId(
  args: GetSubinterfaceTunnelIdArgs,
): pulumi.Output<GetSubinterfaceTunnelIdResult> {
  const answer = pulumi
    .all([args.vdc, args.edgeGateway, args.network, functionConfig()])
    .apply(async ([vdc, edgeGateway, network, source]) => {
      const { findSubinterfaceTunnelId } = await import("../../provider/functions/subinterfaceTunnelId");
      return findSubinterfaceTunnelId(source, { vdc, edgeGateway, network });
    });
  return pulumi.unsecret(answer);
}
