/**
 * Inputs of `GatewayAppliance` and the rules on them, checked when the component is constructed
 * (so at `pulumi preview`), all at once, each problem named by its path.
 */
import { X509Certificate, createPrivateKey } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { MIN_TOKEN_LENGTH } from "../../contract/appliance";
import { GatewayConfigSchema, type GatewayConfigInput } from "../../contract/gatewayDocument";
import { isIpv4, isIPv6 } from "../../contract/netmath";
import { formatPath } from "../../contract/validation";

/** Where the appliance's OVA comes from: exactly one of the two. */
export interface GatewayApplianceOvaArgs {
  /** Absolute path of the `.ova` (or `.ovf` with its files beside it) on the machine running Pulumi. */
  localPath?: pulumi.Input<string>;
  /** URL of the `.ova`, fetched by vCenter. */
  url?: pulumi.Input<string>;
  /** Accept an unverified TLS certificate when fetching `url`. Default false. */
  allowUnverifiedSslCert?: boolean;
}

/** NIC 1 (`eth0`): agent API and the encrypted underlay to the peer gateway. */
export interface GatewayApplianceManagementArgs {
  /** Network (port group) ID of the management network, e.g. `vsphere.getNetwork(...).id`. */
  networkId: pulumi.Input<string>;
  /**
   * Static address with prefix, e.g. `192.0.2.10/24` (IPv4 or IPv6). Omitted = DHCP; the agent
   * URL is then the address VMware Tools reports, which needs `waitForGuestNetTimeout` > 0.
   */
  address?: string;
  /** Default gateway (static addressing only). */
  gateway?: string;
  dns?: string[];
}

/** A VLAN trunk range, inclusive, as `vsphere.DistributedPortGroup` takes it. */
export interface VlanRangeArgs {
  minVlan: number;
  maxVlan: number;
}

/**
 * NIC 2 (`eth1`): the site network to stretch. Either a distributed port group the component
 * creates (with promiscuous mode and forged transmits, which the appliance's bridge needs to
 * carry frames of the other site's MAC addresses), or an existing network whose security policy
 * you manage yourself.
 */
export interface GatewayApplianceSiteArgs {
  /** Create the port group on this distributed switch (`vsphere.DistributedVirtualSwitch.id`). */
  distributedVirtualSwitchUuid?: pulumi.Input<string>;
  /** Name of the created port group. Default `<name>-site`. */
  portGroupName?: string;
  /** Access VLAN of the created port group (1–4094); omitted with no `vlanRanges` = untagged. */
  vlanId?: number;
  /** Trunk the created port group carries (VLAN attachments in the gateway document). */
  vlanRanges?: VlanRangeArgs[];
  /** Ports of the created port group. Default: vSphere's (8, auto-expanding). */
  numberOfPorts?: number;
  /** Use this existing network instead of creating a port group. */
  networkId?: pulumi.Input<string>;
}

/**
 * The agent's TLS identity and how `GatewayConfig` trusts it: one of
 * - `certificate` + `privateKey`: given to the appliance in its vApp properties, so the endpoint
 *   carries its fingerprint from the start (nothing to read off the console);
 * - `fingerprint`: of the certificate the agent created itself (printed on its first boot);
 * - `caCertificate`: the CA that issued the certificate installed on the agent.
 */
export interface GatewayApplianceTlsArgs {
  /** PEM certificate for the agent's API; its SHA-256 fingerprint goes into the endpoint. */
  certificate?: pulumi.Input<string>;
  /** PEM private key of `certificate`. Always stored as a secret. */
  privateKey?: pulumi.Input<string>;
  /** SHA-256 fingerprint of the agent's certificate (printed by the agent on first boot). */
  fingerprint?: pulumi.Input<string>;
  /** PEM CA that issued the agent's certificate. */
  caCertificate?: pulumi.Input<string>;
}

export interface GatewayApplianceArgs {
  /** Datacenter of the deployment (`vsphere.getDatacenter(...).id`); OVF deploys need it. */
  datacenterId: pulumi.Input<string>;
  resourcePoolId: pulumi.Input<string>;
  datastoreId: pulumi.Input<string>;
  /** Host to deploy on; default: vSphere picks one in the resource pool. */
  hostSystemId?: pulumi.Input<string>;
  /** VM folder path relative to the datacenter's VM folder. */
  folder?: pulumi.Input<string>;
  /** VM name in vSphere. Default: the component's name. */
  vmName?: pulumi.Input<string>;
  ova: GatewayApplianceOvaArgs;
  management: GatewayApplianceManagementArgs;
  site: GatewayApplianceSiteArgs;
  /** Host name of the appliance. Default `l2stretch-gateway`. */
  hostname?: string;
  /** Bearer token of the agent API (≥ 16 printable characters). Always stored as a secret. */
  token: pulumi.Input<string>;
  /**
   * Optional first gateway document, applied once on first boot (later changes go through
   * `GatewayConfig`). Carried base64-encoded in a masked vApp property, stored as a secret.
   */
  firstConfig?: pulumi.Input<GatewayConfigInput>;
  tls?: GatewayApplianceTlsArgs;
  /** Default: the OVF's (2 vCPUs, 2048 MiB). */
  numCpus?: number;
  /** MiB. */
  memory?: number;
  /** `thin` (default), `thick`, `eagerZeroedThick` or `sameAsSource`. */
  diskProvisioning?: "thin" | "thick" | "eagerZeroedThick" | "sameAsSource";
  /**
   * Minutes to wait for the guest's network. Default 0 with a static address (nothing to wait
   * for), 5 under DHCP (the agent URL needs the address VMware Tools reports).
   */
  waitForGuestNetTimeout?: number;
  tags?: pulumi.Input<pulumi.Input<string>[]>;
}

const HOST_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;
const isIp = (s: string): boolean => isIpv4(s) || isIPv6(s);
const known = (v: unknown): boolean => v !== undefined;
/** A plain value in the program; an Output is checked where it is resolved, not here. */
const plainString = (v: unknown): v is string => typeof v === "string";

/** No Output or Promise anywhere inside: the value can be checked now. */
function fullyKnown(v: unknown): boolean {
  if (pulumi.Output.isInstance(v) || v instanceof Promise) return false;
  if (Array.isArray(v)) return v.every(fullyKnown);
  if (v && typeof v === "object") return Object.values(v).every(fullyKnown);
  return true;
}

function certificateProblem(pem: string): string | undefined {
  try {
    new X509Certificate(pem);
    return undefined;
  } catch {
    return "must be a PEM certificate";
  }
}

/** Whether `privateKey` (PEM) is the key of `certificate` (PEM). */
export function keyMatches(certificate: string, privateKey: string): boolean {
  try {
    return new X509Certificate(certificate).checkPrivateKey(createPrivateKey(privateKey));
  } catch {
    return false;
  }
}

function cidrProblem(s: string): string | undefined {
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(s);
  if (!m?.[1] || !m[2]) return "must be an address with prefix length, e.g. 192.0.2.10/24";
  const prefix = Number(m[2]);
  if (isIpv4(m[1])) return prefix >= 1 && prefix <= 32 ? undefined : "IPv4 prefix must be 1–32";
  if (isIPv6(m[1])) return prefix >= 1 && prefix <= 128 ? undefined : "IPv6 prefix must be 1–128";
  return `"${m[1]}" is not an IPv4 or IPv6 address`;
}

const vlan = z.number().int().min(1, "VLAN IDs are 1–4094").max(4094, "VLAN IDs are 1–4094");

const schema = z
  .object({
    ova: z
      .object({ localPath: z.unknown(), url: z.unknown(), allowUnverifiedSslCert: z.boolean().optional() })
      .refine((o) => known(o.localPath) !== known(o.url), {
        message: "give exactly one of localPath and url",
      }),
    management: z
      .object({
        networkId: z.unknown().refine(known, "required: the management network's ID"),
        address: z
          .string()
          .optional()
          .superRefine((s, ctx) => {
            const problem = s === undefined ? undefined : cidrProblem(s);
            if (problem) ctx.addIssue({ code: "custom", message: problem });
          }),
        gateway: z.string().refine(isIp, "must be an IP address").optional(),
        dns: z.array(z.string().refine(isIp, "must be an IP address")).optional(),
      })
      .refine((m) => m.gateway === undefined || m.address !== undefined, {
        message: "gateway needs a static address (under DHCP the route comes from DHCP)",
        path: ["gateway"],
      }),
    site: z
      .object({
        distributedVirtualSwitchUuid: z.unknown(),
        portGroupName: z.string().min(1).max(80).optional(),
        vlanId: vlan.optional(),
        vlanRanges: z
          .array(
            z
              .object({ minVlan: vlan, maxVlan: vlan })
              .refine((r) => r.minVlan <= r.maxVlan, "minVlan must not exceed maxVlan"),
          )
          .min(1, "list at least one range, or omit vlanRanges")
          .optional(),
        numberOfPorts: z.number().int().min(1).optional(),
        networkId: z.unknown(),
      })
      .superRefine((s, ctx) => {
        const create = known(s.distributedVirtualSwitchUuid);
        if (create === known(s.networkId))
          ctx.addIssue({
            code: "custom",
            message:
              "give exactly one of distributedVirtualSwitchUuid (a port group is created) and networkId (an existing network)",
          });
        if (s.vlanId !== undefined && s.vlanRanges !== undefined)
          ctx.addIssue({
            code: "custom",
            path: ["vlanRanges"],
            message: "a port group is either an access VLAN (vlanId) or a trunk (vlanRanges), not both",
          });
        if (!create)
          for (const k of ["portGroupName", "vlanId", "vlanRanges", "numberOfPorts"] as const)
            if (s[k] !== undefined)
              ctx.addIssue({
                code: "custom",
                path: [k],
                message: "applies only to a port group the component creates (distributedVirtualSwitchUuid)",
              });
      }),
    hostname: z
      .string()
      .refine((s) => s.length <= 253 && s.split(".").every((l) => HOST_LABEL.test(l)), {
        message: "must be a host name (letters, digits and hyphens, dot-separated)",
      })
      .optional(),
    token: z.unknown().superRefine((t, ctx) => {
      if (!known(t)) ctx.addIssue({ code: "custom", message: "required: the agent API's bearer token" });
      else if (plainString(t) && (t.length < MIN_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(t)))
        // The value is never echoed: it is a secret even when it is a bad one.
        ctx.addIssue({
          code: "custom",
          message: `must be at least ${MIN_TOKEN_LENGTH} printable characters without spaces`,
        });
    }),
    firstConfig: z.unknown().superRefine((doc, ctx) => {
      if (doc === undefined || !fullyKnown(doc)) return;
      const r = GatewayConfigSchema.safeParse(doc);
      if (!r.success)
        for (const i of r.error.issues) ctx.addIssue({ code: "custom", path: i.path, message: i.message });
    }),
    tls: z
      .object({
        certificate: z.unknown().superRefine((c, ctx) => {
          if (plainString(c) && certificateProblem(c))
            ctx.addIssue({ code: "custom", message: certificateProblem(c)! });
        }),
        privateKey: z.unknown(),
        fingerprint: z.unknown(),
        caCertificate: z.unknown(),
      })
      .superRefine((t, ctx) => {
        const ways = [t.certificate, t.fingerprint, t.caCertificate].filter(known).length;
        if (ways > 1)
          ctx.addIssue({
            code: "custom",
            message: "give one of certificate (with privateKey), fingerprint and caCertificate",
          });
        if (known(t.certificate) !== known(t.privateKey))
          ctx.addIssue({
            code: "custom",
            path: [known(t.certificate) ? "privateKey" : "certificate"],
            message: "certificate and privateKey go together",
          });
        else if (
          plainString(t.certificate) &&
          plainString(t.privateKey) &&
          !certificateProblem(t.certificate) &&
          !keyMatches(t.certificate, t.privateKey)
        )
          // The key is never echoed: it is a secret even when it is a bad one.
          ctx.addIssue({
            code: "custom",
            path: ["privateKey"],
            message: "is not the PEM private key of tls.certificate",
          });
      })
      .optional(),
    numCpus: z.number().int().min(1).max(128).optional(),
    memory: z.number().int().min(512, "the appliance needs at least 512 MiB").optional(),
    waitForGuestNetTimeout: z.number().int().min(0).optional(),
    datacenterId: z.unknown().refine(known, "required: OVF deploys need the datacenter"),
    resourcePoolId: z.unknown().refine(known, "required"),
    datastoreId: z.unknown().refine(known, "required"),
  })
  .passthrough()
  .superRefine((a, ctx) => {
    if (a.management?.address === undefined && a.waitForGuestNetTimeout === 0)
      ctx.addIssue({
        code: "custom",
        path: ["waitForGuestNetTimeout"],
        message:
          "must be > 0 under DHCP (no management.address): the agent URL is the address VMware Tools reports",
      });
  });

/**
 * Every problem with the plain (program-time) inputs, as `path: message`. Values that are
 * Outputs are checked by vSphere (IDs) or where they resolve (the first config).
 */
export function gatewayApplianceProblems(args: GatewayApplianceArgs): string[] {
  const r = schema.safeParse(args);
  if (r.success) return [];
  return r.error.issues.map((i) => `${formatPath(i.path) || "(args)"}: ${i.message}`);
}
