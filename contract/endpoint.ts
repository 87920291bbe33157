/**
 * Pure parsing of how users name an agent: its endpoint and its certificate fingerprint. No
 * Node-only imports, so the resource schema (and thus the SDK at preview) can use them.
 */
export interface Endpoint {
  /** Canonical `https://host:port`. */
  url: string;
  host: string;
  port: number;
}

/** Parses `https://host[:port]`; anything else (path, query, credentials, http) is refused. */
export function parseEndpoint(s: string): Endpoint | undefined {
  let u: URL;
  try {
    u = new URL(s.trim());
  } catch {
    return undefined;
  }
  if (u.protocol !== "https:" || u.username || u.password || u.search || u.hash) return undefined;
  if (u.pathname !== "/" && u.pathname !== "") return undefined;
  const host = u.hostname.replace(/^\[|\]$/g, "");
  if (!host) return undefined;
  const port = u.port ? Number(u.port) : 443;
  const shown = host.includes(":") ? `[${host}]` : host;
  return { url: `https://${shown}:${port}`, host, port };
}

const HEX64 = /^[0-9A-F]{64}$/;

/**
 * Canonical spelling: upper-case hex pairs joined by colons, as `openssl x509 -fingerprint
 * -sha256` and the agent print it. Accepts that, bare hex, and `sha256:`/`SHA256=` prefixes.
 */
export function normalizeFingerprint(s: string): string | undefined {
  const hex = s
    .trim()
    .replace(/^sha-?256\s*[:=]\s*/i, "")
    .replace(/[:\s]/g, "")
    .toUpperCase();
  if (!HEX64.test(hex)) return undefined;
  return hex.match(/../g)!.join(":");
}

export function isFingerprint(s: string): boolean {
  return normalizeFingerprint(s) !== undefined;
}
