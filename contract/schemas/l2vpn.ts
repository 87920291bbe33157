import { z } from "zod";
import {
  checkCipher,
  cipherSchema,
  edgeRefSchema,
  ipv4,
  passwordSchema,
  tunnelId,
  userIdSchema,
  type EdgeRef,
} from "./common";

/**
 * L2VpnServer and L2VpnClient inputs (NSX-v L2VPN over SSL). Passwords travel in separate
 * maps (`sitePasswords`, `password`) that the SDK always marks secret, so the rest of a
 * site stays readable in `pulumi preview --diff`.
 */
const port = z.number().int().min(1, "port must be 1-65535").max(65535, "port must be 1-65535");

/** Which sub-interfaces a site stretches: by tunnel ID (preferred, matches the peer) or by index. */
const stretched = {
  stretchedTunnelIds: z.array(tunnelId).max(200).optional(),
  stretchedSubInterfaceIndexes: z
    .array(z.number().int().min(10, "sub-interface indexes start at 10").max(4103))
    .max(200)
    .optional(),
};

function checkStretched(
  v: { stretchedTunnelIds?: number[]; stretchedSubInterfaceIndexes?: number[] },
  path: (string | number)[],
  ctx: z.RefinementCtx,
): void {
  const n = (v.stretchedTunnelIds?.length ?? 0) + (v.stretchedSubInterfaceIndexes?.length ?? 0);
  if (n === 0) {
    ctx.addIssue({
      code: "custom",
      path: [...path, "stretchedTunnelIds"],
      message:
        "list at least one stretched network: stretchedTunnelIds (e.g. the SubinterfaceOrgNetwork's tunnelId) or stretchedSubInterfaceIndexes",
    });
  }
  const dup = v.stretchedTunnelIds?.find((t, i, all) => all.indexOf(t) !== i);
  if (dup !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: [...path, "stretchedTunnelIds"],
      message: `tunnel ID ${dup} is listed twice`,
    });
  }
}

const certificateSchema = z.union(
  [
    z.object({ certificateId: z.string().min(1) }).strict(),
    z
      .object({
        selfSigned: z
          .object({
            commonName: z.string().min(1).max(64).optional(),
            validityDays: z.number().int().min(1).max(3650, "validityDays must be 1-3650").optional(),
          })
          .strict(),
      })
      .strict(),
  ],
  {
    errorMap: () => ({
      message:
        'serverCertificate must be { certificateId: "certificate-3" } or { selfSigned: { validityDays: 365 } }',
    }),
  },
);

export const l2vpnSiteSchema = z
  .object({
    name: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}$/, "site name must be 1-63 letters, digits, space, . _ or -"),
    description: z.string().max(255).optional(),
    user: userIdSchema("user"),
    ...stretched,
    egressOptimizationGatewayIps: z.array(ipv4("each egress optimization gateway IP")).max(16).optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

export const l2vpnServerSchema = z
  .object({
    edge: edgeRefSchema,
    listenerIp: ipv4("listenerIp"),
    listenerPort: port.optional(),
    encryptionAlgorithm: cipherSchema.optional(),
    allowWeakCipher: z.boolean().optional(),
    serverCertificate: certificateSchema.optional(),
    sites: z
      .array(l2vpnSiteSchema)
      .min(1, "an L2VPN server needs at least one site (NSX refuses to enable it without one)"),
    sitePasswords: z.record(passwordSchema("site password")),
    enabled: z.boolean().optional(),
    adopt: z.boolean().optional(),
    /** Set by the SDK: `<project>/<stack>/<resource name>`, the ownership mark (provider/common/ownership). */
    owner: z.string().max(200, "owner must be at most 200 characters").optional(),
    logLevel: z
      .enum(["emergency", "alert", "critical", "error", "warning", "notice", "info", "debug"])
      .optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    checkCipher(v, ctx);
    const names = new Set<string>();
    const users = new Set<string>();
    v.sites.forEach((s, i) => {
      if (names.has(s.name))
        ctx.addIssue({
          code: "custom",
          path: ["sites", i, "name"],
          message: `site name ${s.name} is used twice; site names must be unique`,
        });
      if (users.has(s.user))
        ctx.addIssue({
          code: "custom",
          path: ["sites", i, "user"],
          message: `user ${s.user} is used by two sites; give each site its own user`,
        });
      names.add(s.name);
      users.add(s.user);
      checkStretched(s, ["sites", i], ctx);
      if (!v.sitePasswords[s.name]) {
        ctx.addIssue({
          code: "custom",
          path: ["sites", i, "password"],
          message: `site ${s.name} has no password; set its password (kept as a secret)`,
        });
      }
    });
  });

export const l2vpnClientSchema = z
  .object({
    edge: edgeRefSchema,
    serverAddress: ipv4("serverAddress"),
    serverPort: port.optional(),
    encryptionAlgorithm: cipherSchema.optional(),
    allowWeakCipher: z.boolean().optional(),
    caCertificateId: z.string().min(1).optional(),
    user: userIdSchema("user"),
    password: passwordSchema("password"),
    ...stretched,
    egressOptimizationGatewayIps: z.array(ipv4("each egress optimization gateway IP")).max(16).optional(),
    proxy: z
      .object({
        type: z.enum(["http", "https"]),
        address: ipv4("proxy.address"),
        port,
        user: z.string().min(1).optional(),
        password: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    enabled: z.boolean().optional(),
    adopt: z.boolean().optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    checkCipher(v, ctx);
    checkStretched(v, [], ctx);
  });

export type L2VpnServerInputs = z.infer<typeof l2vpnServerSchema>;
export type L2VpnClientInputs = z.infer<typeof l2vpnClientSchema>;

export interface NormalizedSite {
  name: string;
  description: string;
  user: string;
  stretchedTunnelIds: number[];
  stretchedSubInterfaceIndexes: number[];
  egressOptimizationGatewayIps: string[];
  enabled: boolean;
}

export interface NormalizedL2VpnServer {
  edge: EdgeRef;
  listenerIp: string;
  listenerPort: number;
  encryptionAlgorithm: string;
  allowWeakCipher: boolean;
  serverCertificate?:
    { certificateId: string } | { selfSigned: { commonName?: string; validityDays?: number } };
  sites: NormalizedSite[];
  sitePasswords: Record<string, string>;
  enabled: boolean;
  logLevel: string;
  adopt: boolean;
  owner: string;
}

export interface NormalizedL2VpnClient {
  edge: EdgeRef;
  serverAddress: string;
  serverPort: number;
  encryptionAlgorithm: string;
  allowWeakCipher: boolean;
  caCertificateId?: string;
  user: string;
  password: string;
  stretchedTunnelIds: number[];
  stretchedSubInterfaceIndexes: number[];
  egressOptimizationGatewayIps: string[];
  proxy?: { type: "http" | "https"; address: string; port: number; user?: string; password?: string };
  enabled: boolean;
  adopt: boolean;
}

const sorted = (xs: number[] | undefined) => [...(xs ?? [])].sort((a, b) => a - b);

export function normalizeL2VpnServer(v: L2VpnServerInputs): NormalizedL2VpnServer {
  return {
    edge: v.edge,
    listenerIp: v.listenerIp,
    listenerPort: v.listenerPort ?? 443,
    encryptionAlgorithm: v.encryptionAlgorithm ?? "AES128-GCM-SHA256",
    allowWeakCipher: v.allowWeakCipher ?? false,
    ...(v.serverCertificate ? { serverCertificate: v.serverCertificate } : {}),
    sites: v.sites
      .map((s) => ({
        name: s.name,
        description: s.description ?? "",
        user: s.user,
        stretchedTunnelIds: sorted(s.stretchedTunnelIds),
        stretchedSubInterfaceIndexes: sorted(s.stretchedSubInterfaceIndexes),
        egressOptimizationGatewayIps: [...(s.egressOptimizationGatewayIps ?? [])].sort(),
        enabled: s.enabled ?? true,
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    sitePasswords: v.sitePasswords,
    enabled: v.enabled ?? true,
    logLevel: v.logLevel ?? "info",
    adopt: v.adopt ?? false,
    owner: v.owner ?? "",
  };
}

export function normalizeL2VpnClient(v: L2VpnClientInputs): NormalizedL2VpnClient {
  return {
    edge: v.edge,
    serverAddress: v.serverAddress,
    serverPort: v.serverPort ?? 443,
    encryptionAlgorithm: v.encryptionAlgorithm ?? "AES128-GCM-SHA256",
    allowWeakCipher: v.allowWeakCipher ?? false,
    ...(v.caCertificateId ? { caCertificateId: v.caCertificateId } : {}),
    user: v.user,
    password: v.password,
    stretchedTunnelIds: sorted(v.stretchedTunnelIds),
    stretchedSubInterfaceIndexes: sorted(v.stretchedSubInterfaceIndexes),
    egressOptimizationGatewayIps: [...(v.egressOptimizationGatewayIps ?? [])].sort(),
    ...(v.proxy ? { proxy: v.proxy } : {}),
    enabled: v.enabled ?? true,
    adopt: v.adopt ?? false,
  };
}
