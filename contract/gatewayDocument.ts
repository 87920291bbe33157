/**
 * The gateway configuration document (version 1).
 *
 * This module is shared with the SDK, which validates the very same document at
 * `pulumi preview`, so it must stay free of Node-only imports (no fs, net, child_process):
 * address checks are done with small pure functions instead of `node:net`.
 */
import { z } from "zod";
import { isIpv4, isIPv6 } from "./netmath";
import { computeBudget } from "./mtu";

export const CONFIG_API_VERSION = "l2stretch.gateway/v1" as const;

/** Linux interface names: at most 15 bytes, no slash, colon or whitespace. */
const ifName = z
  .string()
  .min(1)
  .max(15)
  .regex(/^[A-Za-z0-9_.-]+$/, "interface names are 1-15 characters of [A-Za-z0-9_.-]");

/** IKE identities end up in swanctl.conf and on the wire: a NUL would silently truncate them. */
const ikeIdentity = z
  .string()
  .min(1)
  .max(255)
  .refine((s) => ![...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f), {
    message: "must not contain control characters (such as NUL or a newline)",
  });

const ipv4 = z.string().refine(isIpv4, { message: "must be a dotted-quad IPv4 address" });
const ipv6 = z.string().refine(isIPv6, { message: "must be an IPv6 address" });

/**
 * Only AEAD ciphers with a modern key exchange are offered: the issue restricts
 * proposals to strong AEADs, and a short allow-list makes both sides agree on the first try.
 */
export const IKE_PROPOSALS = [
  "aes128gcm16-prfsha256-x25519",
  "aes256gcm16-prfsha384-x25519",
  "chacha20poly1305-prfsha256-x25519",
  "aes256gcm16-prfsha384-ecp384",
] as const;
export const ESP_PROPOSALS = [
  "aes128gcm16-x25519",
  "aes256gcm16-x25519",
  "chacha20poly1305-x25519",
  "aes256gcm16-ecp384",
  "aes128gcm16",
  "aes256gcm16",
] as const;

const pem = (label: string) =>
  z.string().refine((s) => s.includes(`-----BEGIN ${label}`) || s.includes("-----BEGIN "), {
    message: `must be a PEM block (${label})`,
  });

export const PskAuthSchema = z
  .object({
    method: z.literal("psk"),
    /** At least 32 characters: a PSK is the whole security of the tunnel. */
    psk: z.string().min(32, "a pre-shared key needs at least 32 characters"),
  })
  .strict();

export const X509AuthSchema = z
  .object({
    method: z.literal("x509"),
    certificate: pem("CERTIFICATE"),
    privateKey: pem("PRIVATE KEY"),
    caCertificate: pem("CERTIFICATE"),
  })
  .strict();

/** IKE roles: `initiator` and `both` start and restart the tunnel, `responder` never sends first. */
export const IKE_ROLES = ["both", "initiator", "responder"] as const;
export type IkeRole = (typeof IKE_ROLES)[number];

/** `underlay.peerAddress` for a peer with a dynamic address (behind a NAT, on DHCP). */
export const ANY_PEER = "any" as const;

export const IpsecTransportSchema = z
  .object({
    type: z.literal("ipsec"),
    /**
     * `kernel` = kernel XFRM/ESP; `kernel-libipsec` = strongSwan's userspace ESP via a TUN
     * device, for kernels without ESP (such as the reference machines).
     */
    backend: z.enum(["kernel", "kernel-libipsec"]).default("kernel-libipsec"),
    localId: ikeIdentity,
    peerId: ikeIdentity,
    auth: z.discriminatedUnion("method", [PskAuthSchema, X509AuthSchema]),
    ikeProposals: z.array(z.enum(IKE_PROPOSALS)).min(1).default(["aes128gcm16-prfsha256-x25519"]),
    espProposals: z.array(z.enum(ESP_PROPOSALS)).min(1).default(["aes128gcm16-x25519"]),
    /** Dead-peer detection interval; short so a lost peer is noticed within seconds. */
    dpdDelaySeconds: z.number().int().min(1).max(300).default(2),
    /**
     * Who starts the tunnel. `both` (the default) and `initiator` start it, and restart it after
     * DPD or a close; `responder` only answers. A side whose peer sits behind a NAT it cannot
     * reach must be `responder`: measured, a responder that also initiates keeps sending to the
     * NAT's public address, and its stale conntrack entry there moves the NATed side off port 4500.
     */
    role: z.enum(IKE_ROLES).default("both"),
    /**
     * NAT-T keep-alive interval (strongswan.conf `keep_alive`): how often the side behind a NAT
     * refreshes its mapping. 0 turns it off. NATs commonly expire UDP mappings after 30 s.
     */
    natKeepaliveSeconds: z.number().int().min(0).max(3600).default(20),
  })
  .strict();

export const TransportSchema = IpsecTransportSchema;

export const AttachmentSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("interface"), interface: ifName }).strict(),
  z
    .object({
      type: z.literal("vlan"),
      trunk: ifName,
      vlanId: z.number().int().min(1).max(4094),
    })
    .strict(),
]);

export const NetworkSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(63)
      .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, "lower-case letters, digits and dashes"),
    vni: z.number().int().min(1).max(16777215),
    attachment: AttachmentSchema,
    /** Optional; defaults to (and may not exceed) the budget's inner MTU. */
    innerMtu: z.number().int().min(576).max(9000).optional(),
    /** The site's default gateway: ARP for it is answered locally, never carried across. */
    gatewayIp: ipv4.optional(),
    gatewayIpv6: ipv6.optional(),
  })
  .strict();

export const UnderlaySchema = z
  .object({
    localAddress: ipv4,
    /**
     * The peer's WAN address as this side sees it (the NAT's public address when the peer is
     * behind one), or `"any"`: a peer with a dynamic address, accepted from wherever it comes
     * and authenticated only by its identity (`transport.peerId`). Needs `transport.role: "responder"`.
     */
    peerAddress: z.string().refine((s) => s === ANY_PEER || isIpv4(s), {
      message: 'must be a dotted-quad IPv4 address or "any"',
    }),
    /**
     * The peer's IKE port (swanctl `remote_port`). 500 by default, and then IKE floats to 4500
     * by itself when a NAT is detected; any other port (a port-forward on the peer's NAT) is
     * spoken to from local port 4500 from the first message on, for IKE and ESP-in-UDP alike.
     */
    peerIkePort: z.number().int().min(1).max(65535).default(500),
    mtu: z.number().int().min(1280).max(9216).default(1500),
    /**
     * VTEP /32s carried inside the tunnel. kernel-libipsec cannot protect traffic whose
     * selector equals the IKE peer address, so VXLAN runs between dedicated addresses.
     */
    vtepLocal: ipv4,
    vtepPeer: ipv4,
  })
  .strict();

export const GatewayConfigSchema = z
  .object({
    apiVersion: z.literal(CONFIG_API_VERSION),
    identity: z
      .object({
        name: z.string().min(1).max(63),
        site: z.string().min(1).max(63),
      })
      .strict(),
    underlay: UnderlaySchema,
    transport: TransportSchema,
    networks: z.array(NetworkSchema).max(64),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const u = cfg.underlay;
    const anyPeer = u.peerAddress === ANY_PEER;
    const addresses = anyPeer
      ? [u.localAddress, u.vtepLocal, u.vtepPeer]
      : [u.localAddress, u.peerAddress, u.vtepLocal, u.vtepPeer];
    if (new Set(addresses).size !== addresses.length) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["underlay", "vtepPeer"],
        message: anyPeer
          ? "localAddress, vtepLocal and vtepPeer must be three different addresses"
          : "localAddress, peerAddress, vtepLocal and vtepPeer must be four different addresses",
      });
    }
    for (const issue of peerRoleIssues(cfg.underlay, cfg.transport)) ctx.addIssue(issue);
    const budget = computeBudget({ underlayMtu: u.mtu, transport: cfg.transport });
    const seenName = new Map<string, number>();
    const seenVni = new Map<number, number>();
    const seenPort = new Map<string, number>();
    cfg.networks.forEach((n, i) => {
      const dup = (m: Map<string | number, number>, key: string | number, field: string) => {
        const prev = m.get(key);
        if (prev !== undefined) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: ["networks", i, field],
            message: `duplicates networks[${prev}].${field}`,
          });
        } else m.set(key, i);
      };
      dup(seenName as Map<string | number, number>, n.name, "name");
      dup(seenVni as Map<string | number, number>, n.vni, "vni");
      dup(seenPort as Map<string | number, number>, sitePortName(n), "attachment");
      if (n.innerMtu !== undefined && n.innerMtu > budget.innerMtu) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ["networks", i, "innerMtu"],
          message: `exceeds the budget: at most ${budget.innerMtu} over an underlay MTU of ${u.mtu} with ${cfg.transport.backend}`,
        });
      }
    });
  });

/**
 * A peer whose address is unknown can only be answered: this side has nowhere to send an
 * IKE_SA_INIT, and a wildcard identity would then accept anyone holding the key.
 */
function peerRoleIssues(
  u: z.output<typeof UnderlaySchema>,
  t: z.output<typeof TransportSchema>,
): z.IssueData[] {
  if (u.peerAddress !== ANY_PEER) return [];
  const issues: z.IssueData[] = [];
  if (t.role !== "responder") {
    issues.push({
      code: z.ZodIssueCode.custom,
      path: ["underlay", "peerAddress"],
      message: `"any" (a peer with a dynamic address) needs transport.role "responder": this side cannot initiate toward an unknown address, and transport.role is "${t.role}"`,
    });
  }
  if (isWildcardId(t.peerId)) {
    issues.push({
      code: z.ZodIssueCode.custom,
      path: ["transport", "peerId"],
      message: `a peer accepted from any address is authenticated by its identity alone: name it instead of "${t.peerId}"`,
    });
  }
  return issues;
}

/** strongSwan identities that match more than one peer (`%any`, DN/FQDN patterns with `*`). */
function isWildcardId(id: string): boolean {
  return id.trim().startsWith("%") || id.includes("*");
}

/** The document as written by users (defaults optional). */
export type GatewayConfigInput = z.input<typeof GatewayConfigSchema>;
/** The document after validation (defaults filled in). */
export type GatewayConfig = z.output<typeof GatewayConfigSchema>;
export type NetworkConfig = z.output<typeof NetworkSchema>;
export type TransportConfig = z.output<typeof TransportSchema>;

/** One-line issue strings of the form `networks.1.vni: Number must be ...`. */
export function formatIssues(err: z.ZodError): { path: string; message: string }[] {
  return err.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
}

// ---------------------------------------------------------------------------------------------
// Names the data path uses (pure, so the SDK can show them in previews)
// ---------------------------------------------------------------------------------------------

/** Bridge of a network; derived from the VNI so names are stable and ≤ 15 bytes. */
export function bridgeName(vni: number): string {
  return `l2br${vni}`;
}
export function vxlanName(vni: number): string {
  return `l2vx${vni}`;
}
/** The site-facing port: the interface itself, or `<trunk>.<vlan>` truncated to 15 bytes. */
export function sitePortName(n: { attachment: NetworkConfig["attachment"] }): string {
  const a = n.attachment;
  if (a.type === "interface") return a.interface;
  const suffix = `.${a.vlanId}`;
  return a.trunk.slice(0, 15 - suffix.length) + suffix;
}
/** The inner MTU a network actually uses. */
export function effectiveInnerMtu(cfg: GatewayConfig, n: NetworkConfig): number {
  return n.innerMtu ?? computeBudget({ underlayMtu: cfg.underlay.mtu, transport: cfg.transport }).innerMtu;
}
