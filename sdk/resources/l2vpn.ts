import * as pulumi from "@pulumi/pulumi";
import { providerStub } from "../stub";
import { keyedByName, plainNames } from "./keyedInputs";
import type { TunnelStatus } from "../../contract/outputs";
import type { EdgeArgs } from "./edgeRef";
import { ownerOf } from "./owner";

/**
 * NSX-v L2VPN (over SSL) server and client. Targets NSX-v 6.2–6.4 (passwords are read back
 * with showSensitiveData, NSX 6.3.5+; older managers keep the last known password).
 * Passwords are always stored as Pulumi secrets, whether or not the program marked them.
 */
export type { TunnelStatus };

export interface L2VpnSiteArgs {
  /** Unique site name. */
  name: pulumi.Input<string>;
  description?: pulumi.Input<string>;
  /** The user this site's client logs in with (unique per server). */
  user: pulumi.Input<string>;
  /** The client's password (≤ 63 characters); kept secret. */
  password: pulumi.Input<string>;
  /** Stretched networks by tunnel ID (e.g. a SubinterfaceOrgNetwork's tunnelId). */
  stretchedTunnelIds?: pulumi.Input<pulumi.Input<number>[]>;
  /** …or by sub-interface index (10 and up). */
  stretchedSubInterfaceIndexes?: pulumi.Input<pulumi.Input<number>[]>;
  /** Gateway IPs answered locally at this end (egress optimization). */
  egressOptimizationGatewayIps?: pulumi.Input<pulumi.Input<string>[]>;
  /** Default true. */
  enabled?: pulumi.Input<boolean>;
}

export interface L2VpnServerArgs {
  edge: pulumi.Input<EdgeArgs>;
  /** An address of one of the edge's uplinks; checked against the live edge at preview. */
  listenerIp: pulumi.Input<string>;
  /** Default 443. */
  listenerPort?: pulumi.Input<number>;
  /** Default AES128-GCM-SHA256; DES-CBC3-SHA, RC4-MD5 and NULL-MD5 need allowWeakCipher. */
  encryptionAlgorithm?: pulumi.Input<string>;
  allowWeakCipher?: pulumi.Input<boolean>;
  /** An existing certificate id, or a generated self-signed one; default: the edge's own. */
  serverCertificate?: pulumi.Input<
    { certificateId: string } | { selfSigned: { commonName?: string; validityDays?: number } }
  >;
  sites: pulumi.Input<pulumi.Input<L2VpnSiteArgs>[]>;
  /** Default true. */
  enabled?: pulumi.Input<boolean>;
  logLevel?: pulumi.Input<string>;
  /** Take over an existing L2VPN server config on the edge. */
  adopt?: pulumi.Input<boolean>;
}

export class L2VpnServer extends pulumi.dynamic.Resource {
  /**
   * Tunnel status per site name as the last `pulumi refresh` read it (see `observedAt`);
   * absent right after create/update, when no client can have connected yet. For a live
   * reading use `getL2VpnStatus`.
   */
  declare readonly siteStatus: pulumi.Output<Record<string, TunnelStatus> | undefined>;
  declare readonly serverCertificateId: pulumi.Output<string | undefined>;
  declare readonly edgeLabel: pulumi.Output<string>;

  constructor(name: string, args: L2VpnServerArgs, opts?: pulumi.CustomResourceOptions) {
    // Passwords move to one secret map so the rest of each site stays readable in diffs.
    const { sites, sitePasswords } = splitSitePasswords(args.sites);
    super(
      providerStub("L2VpnServer"),
      name,
      {
        ...args,
        owner: ownerOf(name),
        sites,
        sitePasswords,
        siteStatus: undefined,
        serverCertificateId: undefined,
        createdCertificateId: undefined,
        edgeLabel: undefined,
      },
      { ...opts, additionalSecretOutputs: ["sitePasswords"] },
      "l2stretch",
      "L2VpnServer",
    );
  }
}

export interface L2VpnClientArgs {
  edge: pulumi.Input<EdgeArgs>;
  /** The server's listener IP. */
  serverAddress: pulumi.Input<string>;
  /** Default 443. */
  serverPort?: pulumi.Input<number>;
  encryptionAlgorithm?: pulumi.Input<string>;
  allowWeakCipher?: pulumi.Input<boolean>;
  /** Truststore id of the CA that signed the server's certificate. */
  caCertificateId?: pulumi.Input<string>;
  user: pulumi.Input<string>;
  /** Kept secret. */
  password: pulumi.Input<string>;
  stretchedTunnelIds?: pulumi.Input<pulumi.Input<number>[]>;
  stretchedSubInterfaceIndexes?: pulumi.Input<pulumi.Input<number>[]>;
  egressOptimizationGatewayIps?: pulumi.Input<pulumi.Input<string>[]>;
  proxy?: pulumi.Input<{
    type: "http" | "https";
    address: string;
    port: number;
    user?: string;
    password?: string;
  }>;
  enabled?: pulumi.Input<boolean>;
  adopt?: pulumi.Input<boolean>;
}

export class L2VpnClient extends pulumi.dynamic.Resource {
  /**
   * Tunnel status to the server as the last `pulumi refresh` read it; absent right after
   * create/update. For a live reading use `getL2VpnStatus`.
   */
  declare readonly tunnel: pulumi.Output<TunnelStatus | undefined>;
  declare readonly edgeLabel: pulumi.Output<string>;

  constructor(name: string, args: L2VpnClientArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerStub("L2VpnClient"),
      name,
      {
        ...args,
        password: pulumi.secret(args.password),
        proxy: args.proxy === undefined ? undefined : pulumi.secret(args.proxy),
        tunnel: undefined,
        edgeLabel: undefined,
      },
      { ...opts, additionalSecretOutputs: ["password", "proxy"] },
      "l2stretch",
      "L2VpnClient",
    );
  }
}

/**
 * Sites without their passwords (keyed by name, readable in diffs) and the passwords as one
 * secret map by site name. A plain list splits without waiting, so an unknown tunnel ID in
 * one site does not hide the others at preview.
 */
function splitSitePasswords(list: pulumi.Input<pulumi.Input<L2VpnSiteArgs>[]>): {
  sites: unknown;
  sitePasswords: pulumi.Output<Record<string, string>>;
} {
  if (plainNames(list)) {
    const plain = list as L2VpnSiteArgs[];
    return {
      sites: keyedByName(plain.map(({ password: _p, ...rest }) => rest)),
      sitePasswords: pulumi.secret(
        pulumi.output(Object.fromEntries(plain.map((s) => [s.name as string, s.password]))),
      ),
    };
  }
  const all = pulumi.output(list);
  return {
    // The passwords are secret; the rest of the list must not inherit that.
    sites: pulumi.unsecret(all.apply((l) => l.map(({ password: _p, ...rest }) => rest))).apply(keyedByName),
    sitePasswords: pulumi.secret(all.apply((l) => Object.fromEntries(l.map((s) => [s.name, s.password])))),
  };
}
