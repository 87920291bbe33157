import { z } from "zod";
import { isIpv4, parseCidr } from "../netmath";

/**
 * Schema pieces shared by the NSX-v resources: how an edge is addressed, IPv4 fields,
 * tunnel IDs and ciphers. Messages always say what to write instead.
 */

/** NSX L2VPN ciphers (NSX 6.3/6.4); the weak ones need an explicit opt-in. */
export const L2VPN_CIPHERS = [
  "AES128-GCM-SHA256",
  "AES256-SHA",
  "AES128-SHA",
  "DES-CBC3-SHA",
  "RC4-MD5",
  "NULL-MD5",
] as const;
export const WEAK_L2VPN_CIPHERS = ["DES-CBC3-SHA", "RC4-MD5", "NULL-MD5"] as const;

export const ipv4 = (what: string) =>
  z
    .string({ required_error: `${what} is required` })
    .trim()
    .refine(isIpv4, { message: `${what} must be an IPv4 address such as 192.0.2.10` });

export const cidr = (what: string) =>
  z
    .string()
    .trim()
    .refine((v) => parseCidr(v) !== undefined, {
      message: `${what} must be an address with prefix, e.g. "10.1.1.1/24"`,
    });

export const tunnelId = z
  .number({ invalid_type_error: "tunnelId must be a number from 1 to 4093" })
  .int("tunnelId must be a whole number")
  .min(1, "tunnelId must be from 1 to 4093 (NSX L2VPN range)")
  .max(4093, "tunnelId must be from 1 to 4093 (NSX L2VPN range)");

/**
 * An edge is reached through vCD's NSX proxy (an edge gateway of a VDC) or directly through
 * NSX Manager (an on-prem or standalone edge, by edge-N id or name).
 */
const EDGE_FORMS =
  'edge must be { vdc, edgeGateway } (through vCD) or { nsxEdge: "edge-12" } (through NSX Manager)';

export const edgeRefSchema = z
  .object({
    vdc: z.string().trim().min(1, "edge.vdc must name the Org VDC that owns the edge gateway").optional(),
    edgeGateway: z
      .string()
      .trim()
      .min(1, "edge.edgeGateway must be the edge gateway's name or URN")
      .optional(),
    nsxEdge: z.string().trim().min(1, 'edge.nsxEdge must be the NSX edge id ("edge-12") or name').optional(),
  })
  .strict(EDGE_FORMS)
  .superRefine((e, ctx) => {
    const viaVcd = e.vdc !== undefined && e.edgeGateway !== undefined && e.nsxEdge === undefined;
    const direct = e.nsxEdge !== undefined && e.vdc === undefined && e.edgeGateway === undefined;
    if (!viaVcd && !direct) ctx.addIssue({ code: "custom", message: EDGE_FORMS });
  })
  .transform((e): { vdc: string; edgeGateway: string } | { nsxEdge: string } =>
    e.nsxEdge !== undefined ? { nsxEdge: e.nsxEdge } : { vdc: e.vdc!, edgeGateway: e.edgeGateway! },
  );

export type EdgeRef = z.infer<typeof edgeRefSchema>;

export function edgeKey(e: EdgeRef): string {
  return "nsxEdge" in e ? `nsx:${e.nsxEdge}` : `vcd:${e.vdc}/${e.edgeGateway}`;
}

const CIPHERS = L2VPN_CIPHERS;
const WEAK_CIPHERS: readonly string[] = WEAK_L2VPN_CIPHERS;

export const cipherSchema = z.enum(CIPHERS, {
  errorMap: () => ({ message: `encryptionAlgorithm must be one of ${CIPHERS.join(", ")}` }),
});

/** Adds an issue when a weak cipher is chosen without the explicit opt-in. */
export function checkCipher(
  v: { encryptionAlgorithm?: string; allowWeakCipher?: boolean },
  ctx: z.RefinementCtx,
): void {
  if (v.encryptionAlgorithm && WEAK_CIPHERS.includes(v.encryptionAlgorithm) && !v.allowWeakCipher) {
    ctx.addIssue({
      code: "custom",
      path: ["encryptionAlgorithm"],
      message: `encryptionAlgorithm ${v.encryptionAlgorithm} is broken cryptography; use AES128-GCM-SHA256 (or set allowWeakCipher: true for a peer that cannot do better)`,
    });
  }
}

export const passwordSchema = (what: string) =>
  z
    .string({ required_error: `${what} is required` })
    .min(1, `${what} must not be empty`)
    .max(63, `${what} must be at most 63 characters (NSX limit)`);

export const userIdSchema = (what: string) =>
  z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
      `${what} must be 1-63 letters, digits, . _ or -, starting with a letter or digit`,
    );
