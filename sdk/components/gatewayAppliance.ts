/**
 * `GatewayAppliance`: the reference gateway deployed as a VM on vSphere from its OVA, with the
 * site port group its bridge needs, and the agent endpoint a `GatewayConfig` (or a
 * `VxlanStretch` gateway site) talks to.
 */
import { X509Certificate } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import {
  AGENT_PORT,
  APPLIANCE_HARDWARE,
  MANAGEMENT_OVF_NETWORK,
  SITE_OVF_NETWORK,
  VAPP_KEYS,
} from "../../contract/appliance";
import { GatewayConfigSchema, formatIssues, type GatewayConfigInput } from "../../contract/gatewayDocument";
import { DistributedPortGroup, VirtualMachine } from "../vsphere/resources";
import type { GatewayEndpointArgs } from "./stretchArgs";
import { gatewayApplianceProblems, keyMatches, type GatewayApplianceArgs } from "./gatewayApplianceArgs";

/**
 * How to reach and trust one gateway agent: what a `VxlanStretch` gateway site takes as
 * `gateway`, with the field names of `GatewayConfig`, so an appliance's endpoint is handed over
 * as it is.
 */
export type GatewayEndpoint = pulumi.Unwrap<GatewayEndpointArgs>;

/** `endpoint`, `token` and one way of trusting the agent, as Outputs, named as `GatewayConfigArgs` names them. */
export type GatewayAgentArgs = {
  [K in keyof GatewayEndpoint]: pulumi.Output<NonNullable<GatewayEndpoint[K]>>;
};

export const GATEWAY_APPLIANCE_TYPE = "l2stretch:index:GatewayAppliance";

/** `https://host:port` with IPv6 literals bracketed. */
export function agentUrl(host: string, port: number = AGENT_PORT): string {
  return `https://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

const base64 = (text: string): string => Buffer.from(text, "utf8").toString("base64");

/** The vApp property values the appliance's first boot reads (contract/appliance.ts). */
export function vappProperties(
  args: Pick<GatewayApplianceArgs, "hostname" | "management">,
  token: string,
  firstConfig: GatewayConfigInput | undefined,
  tls?: { certificate: string; privateKey: string },
): Record<string, string> {
  return {
    [VAPP_KEYS.hostname]: args.hostname ?? "",
    [VAPP_KEYS.mgmtAddress]: args.management.address ?? "",
    [VAPP_KEYS.mgmtGateway]: args.management.gateway ?? "",
    [VAPP_KEYS.mgmtDns]: (args.management.dns ?? []).join(","),
    [VAPP_KEYS.agentToken]: token,
    [VAPP_KEYS.agentConfig]: firstConfig ? base64(JSON.stringify(firstConfig)) : "",
    [VAPP_KEYS.agentTlsCertificate]: tls ? base64(tls.certificate) : "",
    [VAPP_KEYS.agentTlsKey]: tls ? base64(tls.privateKey) : "",
  };
}

/** The first config as the agent will read it; a bad one fails here, naming the field. */
function checkedFirstConfig(
  name: string,
  doc: GatewayConfigInput | undefined,
): GatewayConfigInput | undefined {
  if (doc === undefined) return undefined;
  const r = GatewayConfigSchema.safeParse(doc);
  if (!r.success)
    throw new Error(
      `GatewayAppliance "${name}": ${formatIssues(r.error)
        .map((i) => `firstConfig.${i.path}: ${i.message}`)
        .join("; ")}`,
    );
  return doc;
}

/** The agent's certificate and key; a key that does not belong to the certificate fails here. */
function checkedIdentity(
  name: string,
  certificate: string,
  privateKey: string,
): { certificate: string; privateKey: string } {
  // The key is never echoed: it is a secret.
  if (!keyMatches(certificate, privateKey))
    throw new Error(
      `GatewayAppliance "${name}": tls.privateKey: is not the PEM private key of tls.certificate`,
    );
  return { certificate, privateKey };
}

export class GatewayAppliance extends pulumi.ComponentResource {
  /** The port group of the site side (NIC 2), when the component created it. */
  readonly sitePortGroup?: DistributedPortGroup;
  readonly vm: VirtualMachine;
  /** `https://<management address>:8443`. */
  readonly agentUrl: pulumi.Output<string>;
  /** What `GatewayConfig` needs to reach this agent, as one value. A secret (it holds the token). */
  readonly endpoint: pulumi.Output<GatewayEndpoint>;
  /**
   * The same as `GatewayConfig` inputs, to spread into its args:
   * `new GatewayConfig("a", { ...appliance.agent, config })`. The token is a secret.
   */
  readonly agent: GatewayAgentArgs;

  constructor(name: string, args: GatewayApplianceArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before anything registers, so a refused appliance leaves nothing behind.
    const problems = gatewayApplianceProblems(args);
    if (problems.length > 0) throw new Error(`GatewayAppliance "${name}": ${problems.join("; ")}`);
    super(GATEWAY_APPLIANCE_TYPE, name, {}, opts);

    const site = args.site;
    if (site.distributedVirtualSwitchUuid !== undefined) {
      this.sitePortGroup = new DistributedPortGroup(
        `${name}-site`,
        {
          distributedVirtualSwitchUuid: site.distributedVirtualSwitchUuid,
          name: site.portGroupName ?? `${name}-site`,
          ...(site.vlanRanges ? { vlanRanges: site.vlanRanges } : { vlanId: site.vlanId ?? 0 }),
          ...(site.numberOfPorts !== undefined ? { numberOfPorts: site.numberOfPorts } : {}),
          // The bridge sends frames with the other site's source MACs (forged transmits) and
          // must receive frames for them (promiscuous); it never changes its own MAC.
          allowPromiscuous: true,
          allowForgedTransmits: true,
          allowMacChanges: false,
        },
        { parent: this },
      );
    }
    const siteNetworkId = this.sitePortGroup ? this.sitePortGroup.id : pulumi.output(site.networkId!);

    const token = pulumi.secret(args.token);
    const firstConfig =
      args.firstConfig === undefined
        ? pulumi.output(undefined)
        : pulumi.output(args.firstConfig).apply((d) => checkedFirstConfig(name, d as GatewayConfigInput));
    const identity =
      args.tls?.certificate !== undefined && args.tls.privateKey !== undefined
        ? pulumi
            .all([args.tls.certificate, pulumi.secret(args.tls.privateKey)])
            .apply(([certificate, privateKey]) => checkedIdentity(name, certificate, privateKey))
        : pulumi.output(undefined);
    const properties = pulumi
      .all([token, firstConfig, identity])
      .apply(([t, c, id]) => vappProperties(args, t, c as GatewayConfigInput | undefined, id));
    const dhcp = args.management.address === undefined;

    this.vm = new VirtualMachine(
      `${name}-vm`,
      {
        name: args.vmName ?? name,
        datacenterId: args.datacenterId,
        resourcePoolId: args.resourcePoolId,
        datastoreId: args.datastoreId,
        ...(args.hostSystemId !== undefined ? { hostSystemId: args.hostSystemId } : {}),
        ...(args.folder !== undefined ? { folder: args.folder } : {}),
        ...(args.tags !== undefined ? { tags: args.tags } : {}),
        // The provider applies its own hardware defaults over the OVF's (a pvscsi controller
        // the image cannot boot from), so the OVF's hardware is stated again.
        numCpus: args.numCpus ?? APPLIANCE_HARDWARE.cpus,
        memory: args.memory ?? APPLIANCE_HARDWARE.memoryMiB,
        guestId: APPLIANCE_HARDWARE.guestId,
        scsiType: APPLIANCE_HARDWARE.scsiType,
        // NIC order = OVF order: management (eth0), site (eth1).
        networkInterfaces: [
          {
            networkId: args.management.networkId,
            adapterType: APPLIANCE_HARDWARE.nicType,
            ovfMapping: MANAGEMENT_OVF_NETWORK,
          },
          { networkId: siteNetworkId, adapterType: APPLIANCE_HARDWARE.nicType, ovfMapping: SITE_OVF_NETWORK },
        ],
        ovfDeploy: {
          ...(args.ova.localPath !== undefined ? { localOvfPath: args.ova.localPath } : {}),
          ...(args.ova.url !== undefined
            ? { remoteOvfUrl: args.ova.url, allowUnverifiedSslCert: args.ova.allowUnverifiedSslCert ?? false }
            : {}),
          diskProvisioning: args.diskProvisioning ?? "thin",
          ovfNetworkMap: {
            [MANAGEMENT_OVF_NETWORK]: args.management.networkId,
            [SITE_OVF_NETWORK]: siteNetworkId,
          },
        },
        vapp: pulumi.secret({ properties }),
        waitForGuestNetTimeout: args.waitForGuestNetTimeout ?? (dhcp ? 5 : 0),
        waitForGuestIpTimeout: 0,
      },
      { parent: this, additionalSecretOutputs: ["vapp"] },
    );

    const staticHost = args.management.address?.split("/")[0];
    this.agentUrl =
      staticHost !== undefined
        ? pulumi.output(agentUrl(staticHost))
        : this.vm.defaultIpAddress.apply((ip) => agentUrl(ip));
    // What GatewayConfig pins: the fingerprint of the certificate the appliance was given.
    const fingerprint =
      args.tls?.certificate !== undefined
        ? pulumi.output(args.tls.certificate).apply((pem) => new X509Certificate(pem).fingerprint256)
        : args.tls?.fingerprint !== undefined
          ? pulumi.output(args.tls.fingerprint)
          : undefined;
    const caCertificate =
      args.tls?.caCertificate !== undefined ? pulumi.output(args.tls.caCertificate) : undefined;
    this.agent = {
      endpoint: this.agentUrl,
      token,
      ...(fingerprint ? { fingerprint } : {}),
      ...(caCertificate ? { caCertificate } : {}),
    };
    this.endpoint = pulumi
      .all([this.agentUrl, token, fingerprint, caCertificate])
      .apply(([endpoint, t, f, ca]) => ({
        endpoint,
        token: t,
        ...(f !== undefined ? { fingerprint: f } : {}),
        ...(ca !== undefined ? { caCertificate: ca } : {}),
      }));
    this.registerOutputs({ agentUrl: this.agentUrl, endpoint: this.endpoint });
  }
}
