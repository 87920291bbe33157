/**
 * Removes secrets from anything that might reach a log line or an error message:
 * authorization headers, session tokens, and password-like fields in XML or JSON bodies.
 */
const SECRET_HEADER =
  /^(authorization|x-vcloud-authorization|x-vmware-vcloud-access-token|cookie|set-cookie)$/i;

export function redactHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = SECRET_HEADER.test(k) ? "[redacted]" : v;
  return out;
}

export function redactBody(body: string): string {
  return body
    .replace(/<(password|passphrase|privateKey|sharedSecret|psk)>[\s\S]*?<\/\1>/gi, "<$1>[redacted]</$1>")
    .replace(/("(?:password|passphrase|privateKey|psk|token)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, '$1"[redacted]"');
}

/** Replaces every occurrence of the given secret values (e.g. the configured password). */
export function redactValues(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join("[redacted]");
  return out;
}
