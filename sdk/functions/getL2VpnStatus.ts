import * as pulumi from "@pulumi/pulumi";
import type { L2VpnStatusReading } from "../../contract/outputs";
import type { EdgeArgs } from "../resources/edgeRef";

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

const SECRET_KEYS = ["password", "nsxPassword"] as const;

export function getL2VpnStatus(args: GetL2VpnStatusArgs): pulumi.Output<L2VpnStatusReading> {
  const config = new pulumi.Config("l2stretch");
  // Passwords are read as secrets so they are never printed; the reading itself is not secret.
  const secrets = pulumi.all(SECRET_KEYS.map((k) => config.getSecret(k) ?? pulumi.output(undefined)));
  const reading = pulumi.all([args.edge, secrets]).apply(async ([edge, values]) => {
    const { readL2VpnStatus } = await import("../../provider/functions/l2vpnStatus");
    const secret = new Map<string, string | undefined>(
      SECRET_KEYS.map((k, i) => [`l2stretch:${k}`, values[i]]),
    );
    const source = {
      get: (key: string) => (secret.has(key) ? secret.get(key) : config.get(key.replace(/^l2stretch:/, ""))),
    };
    return readL2VpnStatus(source, edge);
  });
  return pulumi.unsecret(reading);
}
