import { buildXml, type XmlNode } from "../vcd/xml";
import type { Csr, CsrRequest, TrustCertificate } from "./types";
import { child, children, compact, num, str } from "./xmlNodes";

/** Truststore documents: trustObject (import), csr (request), certificate(s) (read). */

export function trustObjectXml(
  pem: string,
  privateKey?: string,
  passphrase?: string,
  description?: string,
): string {
  return buildXml("trustObject", compact({ description, pemEncoding: pem, privateKey, passphrase }));
}

/** Subject attributes first (CN, then the caller's), then algorithm and key size. */
export function csrXml(req: CsrRequest): string {
  const attrs = [{ key: "CN", value: req.commonName }, ...(req.attributes ?? [])];
  return buildXml(
    "csr",
    compact({
      subject: { attribute: attrs.map((a) => ({ key: a.key, value: a.value })) },
      algorithm: req.algorithm ?? "RSA",
      keySize: req.keySize ?? 2048,
      name: req.name,
      description: req.description,
    }),
  );
}

export function readCsr(xml: XmlNode | undefined): Csr {
  const c = child(xml, "csr") ?? {};
  return { objectId: str(c, "objectId") ?? "", pemEncoding: str(c, "pemEncoding") };
}

export function readCertificate(c: XmlNode): TrustCertificate {
  const x509 = child(c, "x509Certificate");
  return {
    objectId: str(c, "objectId") ?? "",
    name: str(c, "name"),
    certificateType: str(c, "certificateType"),
    pemEncoding: str(c, "pemEncoding"),
    daysValid: num(c, "daysValid") ?? num(x509, "daysValid"),
  };
}

/** Accepts `<certificates><certificate>…` or a single `<certificate>` root. */
export function readCertificates(xml: XmlNode | undefined): TrustCertificate[] {
  const list = child(xml, "certificates");
  if (list) return children(list, "certificate").map(readCertificate);
  const one = child(xml, "certificate");
  return one ? [readCertificate(one)] : [];
}
