import * as pulumi from "@pulumi/pulumi";
import type { GatewayConfigInput } from "../../contract/gatewayDocument";
import { splitSecrets } from "../../contract/schemas/gatewayConfig";
import { keyByName, mapAtPath } from "../../contract/keyed";
import { providerStub } from "../stub";

/**
 * The desired state of one reference gateway (Linux bridge + VXLAN over IPsec), pushed to the
 * gateway's agent over HTTPS. `pulumi preview` validates `config` with the agent's own schema
 * (so a bad VNI or an MTU over budget is named by path before anything is sent);
 * `pulumi up` applies it and waits until the networks exist and the IPsec tunnel is up;
 * `pulumi refresh` reads the agent's live view, so a device deleted on the appliance shows as
 * drift that the next `up` repairs; `pulumi destroy` removes the stretch from the appliance.
 *
 * The token and the PSK (or X.509 private key) are always stored as Pulumi secrets, whether or
 * not the program marked them; the rest of the document stays readable in diffs.
 *
 * @example
 * const gw = new GatewayConfig("site-a", {
 *   endpoint: "https://10.0.0.5:8443",
 *   token: cfg.requireSecret("tokenA"),
 *   fingerprint: "AB:CD:…", // printed by the agent at start (fingerprint256)
 *   config: { apiVersion: "l2stretch.gateway/v1", identity: {…}, underlay: {…}, transport: {…}, networks: [...] },
 * });
 * export const tunnelUp = gw.tunnel.up;
 */
export interface GatewayConfigArgs {
  /** Agent API as `https://host:port`. Change = replace (another appliance). */
  endpoint: pulumi.Input<string>;
  /** Bearer token of the agent (≥ 16 characters). Always stored as a secret. */
  token: pulumi.Input<string>;
  /**
   * SHA-256 fingerprint of the agent's TLS certificate, pinned on every call (`AB:CD:…`, bare
   * hex or `sha256:` prefix). The agent prints it as `fingerprint256` at start. Required
   * unless `caCertificate` is set.
   */
  fingerprint?: pulumi.Input<string>;
  /** PEM CA that issued the agent's certificate: the alternative to pinning. */
  caCertificate?: pulumi.Input<string>;
  /**
   * The gateway document (`l2stretch.gateway/v1`, see gateway/agent/README.md): identity,
   * underlay, transport (IKEv2 PSK or X.509), networks. Its PSK/private key becomes a secret.
   */
  config: pulumi.Input<GatewayConfigInput>;
  /** How long create/update wait for convergence, in seconds. Default 180. */
  convergenceTimeoutSeconds?: pulumi.Input<number>;
  /**
   * Count the IPsec tunnel as part of convergence. Default true; set false when the peer
   * gateway is configured later than this one (the tunnel needs both sides).
   */
  waitForTunnel?: pulumi.Input<boolean>;
}

export interface GatewayNetworkStatus {
  vni: number;
  present: boolean;
  innerMtu: number;
  remoteMacs: string[];
  localMacs: string[];
}

export class GatewayConfig extends pulumi.dynamic.Resource {
  declare readonly endpoint: pulumi.Output<string>;
  /** Digest of the applied document: the agent's config version. */
  declare readonly configDigest: pulumi.Output<string>;
  /** IPsec state as the agent saw it at the last up/refresh. */
  declare readonly tunnel: pulumi.Output<{ up: boolean; ike: string; child: string }>;
  /** Per network: devices present, inner MTU, MACs learned locally and across the stretch. */
  declare readonly networkStatus: pulumi.Output<Record<string, GatewayNetworkStatus>>;
  /** Inner MTU of the stretch from the shared MTU budget (1350 with kernel-libipsec on 1500). */
  declare readonly innerMtu: pulumi.Output<number>;
  /** TCP MSS clamp for IPv4 (innerMtu − 40) and IPv6 (innerMtu − 60). */
  declare readonly mss: pulumi.Output<number>;
  declare readonly mssV6: pulumi.Output<number>;
  /** Fingerprint the agent reports for itself. */
  declare readonly agentFingerprint: pulumi.Output<string>;

  constructor(name: string, args: GatewayConfigArgs, opts?: pulumi.CustomResourceOptions) {
    const parts = pulumi.output(args.config).apply((doc) => splitSecrets(doc));
    super(
      providerStub("GatewayConfig"),
      name,
      {
        ...args,
        token: pulumi.secret(args.token),
        // The readable part stays readable even if the program handed over a secret document.
        // Networks keyed by name, so a diff names the network that changed.
        config: pulumi.unsecret(parts.apply((p) => mapAtPath(p.config, "networks", keyByName))),
        credentials: pulumi.secret(parts.apply((p) => p.credentials)),
        configDigest: undefined,
        tunnel: undefined,
        networkStatus: undefined,
        innerMtu: undefined,
        mss: undefined,
        mssV6: undefined,
        agentFingerprint: undefined,
      },
      {
        ...opts,
        additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "token", "credentials"],
      },
      "l2stretch",
      "GatewayConfig",
    );
  }
}
