// Truststore request bodies: <trustObject> (import) and <csr> (certificate signing request).
import { NSX_CODE, nsxBad } from "../core/nsx/errors";
import type { CsrInput, ImportInput } from "../core/nsx/truststore";
import { int, parseNsxBody, text } from "./nsx-values";
import { child, children } from "./xml";

export function parseTrustObjectBody(body: string): ImportInput {
  const n = parseNsxBody(body, "trustObject");
  const pem = text(n, "pemEncoding");
  if (!pem) throw nsxBad("trustObject/pemEncoding is required.", NSX_CODE.truststore);
  return {
    pem,
    privateKey: text(n, "privateKey") || undefined,
    description: text(n, "description") || undefined,
  };
}

export function parseCsrBody(body: string): CsrInput {
  const n = parseNsxBody(body, "csr");
  const attrs = children(child(n, "subject"), "attribute");
  const cn = attrs.find((a) => text(a, "key")?.toUpperCase() === "CN");
  return {
    name: text(n, "name") || undefined,
    description: text(n, "description") || undefined,
    commonName: text(cn, "value") ?? "",
    algorithm: text(n, "algorithm") || "RSA",
    keySize: int(n, "keySize") ?? 2048,
  };
}
