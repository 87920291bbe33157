import { z } from "zod";
import { GatewayConfigSchema, type GatewayConfig, type GatewayConfigInput } from "../gatewayDocument";
import { normalizeFingerprint, parseEndpoint } from "../endpoint";
import { containsUnknown, formatPath, undecidable } from "../validation";

/**
 * Inputs of the GatewayConfig resource. The document itself is validated by the agent's own
 * `GatewayConfigSchema`, so `pulumi preview` rejects exactly what the appliance would.
 *
 * The document's one secret (the PSK, or the X.509 private key) travels outside it, in
 * `credentials`, which the SDK always makes a Pulumi secret: the rest of the document stays
 * readable in `pulumi preview --diff` instead of the whole thing becoming `[secret]`.
 * No Node-only imports: the SDK validates with this at preview time.
 */
export const credentialsSchema = z.union([
  z.object({ psk: z.string() }).strict(),
  z.object({ privateKey: z.string() }).strict(),
]);
export type Credentials = z.infer<typeof credentialsSchema>;

const endpoint = z
  .string({ required_error: 'endpoint is required, e.g. "https://10.0.0.5:8443"' })
  .refine((s) => parseEndpoint(s) !== undefined, {
    message: 'endpoint must be the agent API as "https://host:port" (no path), e.g. "https://10.0.0.5:8443"',
  })
  .transform((s) => parseEndpoint(s)!.url);

const fingerprint = z
  .string()
  .refine((s) => normalizeFingerprint(s) !== undefined, {
    message:
      'fingerprint must be the SHA-256 of the agent certificate, 32 hex pairs such as "AB:CD:…" (the agent prints it as fingerprint256 at start)',
  })
  .transform((s) => normalizeFingerprint(s)!);

export const gatewayConfigResourceSchema = z
  .object({
    endpoint,
    token: z
      .string({ required_error: "token is required (the agent's bearer token, kept as a secret)" })
      .min(16, "token must have at least 16 characters (the agent refuses shorter ones)"),
    fingerprint: fingerprint.optional(),
    caCertificate: z
      .string()
      .refine((s) => s.includes("-----BEGIN CERTIFICATE-----"), "caCertificate must be a PEM certificate")
      .optional(),
    /** The gateway document without its secret; see `credentials`. */
    config: z.record(z.unknown(), { required_error: "config is required (the gateway document)" }),
    credentials: credentialsSchema.optional(),
    /** How long create/update wait for the agent to converge. Default 180 s. */
    convergenceTimeoutSeconds: z.number().int().min(0).max(3600).default(180),
    /** Wait for the IPsec tunnel as part of convergence. Default true. */
    waitForTunnel: z.boolean().default(true),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.fingerprint === undefined && v.caCertificate === undefined)
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["fingerprint"],
        message:
          "set fingerprint (pin the agent's certificate; the agent prints fingerprint256 at start) or caCertificate",
      });
  });

export type GatewayConfigResourceInputs = z.input<typeof gatewayConfigResourceSchema>;
type Parsed = z.output<typeof gatewayConfigResourceSchema>;

/** Normalised inputs: the document has the agent's defaults filled in and no secret. */
export interface NormalizedGatewayConfig extends Omit<Parsed, "config" | "credentials"> {
  config: Record<string, unknown>;
  credentials: Credentials;
}

/** Where the document keeps its secret, for the auth method in use. */
function secretKey(doc: Record<string, unknown>): "psk" | "privateKey" | undefined {
  const method = (((doc["transport"] ?? {}) as Record<string, unknown>)["auth"] as Record<string, unknown>)?.[
    "method"
  ];
  return method === "psk" ? "psk" : method === "x509" ? "privateKey" : undefined;
}

/** Splits a user's document into the readable part and the secret part (the SDK does this). */
export function splitSecrets(doc: GatewayConfigInput | Record<string, unknown>): {
  config: Record<string, unknown>;
  credentials: Credentials | undefined;
} {
  const copy = JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;
  const auth = ((copy["transport"] ?? {}) as Record<string, unknown>)["auth"] as
    Record<string, unknown> | undefined;
  const key = secretKey(copy);
  if (!auth || !key || typeof auth[key] !== "string") return { config: copy, credentials: undefined };
  const value = auth[key] as string;
  delete auth[key];
  return { config: copy, credentials: key === "psk" ? { psk: value } : { privateKey: value } };
}

/** The full document the agent receives: the readable part with the secret put back. */
export function joinSecrets(config: Record<string, unknown>, credentials: Credentials | undefined): unknown {
  const copy = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
  const auth = ((copy["transport"] ?? {}) as Record<string, unknown>)["auth"] as
    Record<string, unknown> | undefined;
  if (auth && credentials) Object.assign(auth, credentials);
  return copy;
}

export interface GatewayCheckIssue {
  property: string;
  reason: string;
}

/**
 * Validates resource inputs and the embedded document; every issue names its property path
 * as the user wrote it (`config.networks[1].vni`, `config.transport.auth.psk`, `endpoint`). Values not
 * known until apply are skipped rather than reported.
 */
export function validateGatewayConfig(news: Record<string, unknown>): {
  value?: NormalizedGatewayConfig;
  issues: GatewayCheckIssue[];
} {
  const issues: GatewayCheckIssue[] = [];
  const own = Object.fromEntries(
    Object.entries(news).filter(([k, v]) => !k.startsWith("__") && v !== undefined && v !== null),
  );
  const outer = gatewayConfigResourceSchema.safeParse(own);
  if (!outer.success) {
    for (const i of outer.error.issues)
      if (!undecidable(own, i.path)) issues.push({ property: formatPath(i.path), reason: i.message });
  }
  const config = (own["config"] ?? {}) as Record<string, unknown>;
  const creds = own["credentials"] as Credentials | undefined;
  const key = secretKey(config);
  const doc = joinSecrets(config, creds);
  const inner = GatewayConfigSchema.safeParse(doc);
  if (!inner.success) {
    for (const i of inner.error.issues) {
      const isSecret = key !== undefined && i.path.join(".") === `transport.auth.${key}`;
      if (isSecret && creds === undefined) {
        issues.push({
          property: `config.transport.auth.${key}`,
          reason: `the ${key === "psk" ? "pre-shared key" : "private key"} is required (the SDK keeps it secret)`,
        });
        continue;
      }
      if (undecidable(doc, i.path) || (isSecret && containsUnknown(creds))) continue;
      // Cross-field checks (duplicates, budget) cannot be judged while part of the document is unknown.
      if (i.code === z.ZodIssueCode.custom && containsUnknown(doc)) continue;
      issues.push({
        // The secret travels in `credentials`, but the user wrote it inside the document.
        property: formatPath(["config", ...i.path]),
        reason: i.message,
      });
    }
  }
  if (issues.length > 0 || !outer.success || !inner.success) return { issues };
  const full = JSON.parse(JSON.stringify(inner.data)) as GatewayConfig;
  const { config: readable, credentials } = splitSecrets(full);
  return {
    value: { ...outer.data, config: readable, credentials: credentials! },
    issues,
  };
}
