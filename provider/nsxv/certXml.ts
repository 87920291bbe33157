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

function csrOf(c: XmlNode): Csr {
  return {
    objectId: str(c, "objectId") ?? "",
    name: str(c, "name"),
    description: str(c, "description"),
    pemEncoding: str(c, "pemEncoding"),
  };
}

export function readCsr(xml: XmlNode | undefined): Csr {
  return csrOf(child(xml, "csr") ?? {});
}

/** Accepts `<csrs><csr>…` (a scope's list) or a single `<csr>` root. */
export function readCsrs(xml: XmlNode | undefined): Csr[] {
  const list = child(xml, "csrs");
  if (list) return children(list, "csr").map(csrOf);
  const one = child(xml, "csr");
  return one ? [csrOf(one)] : [];
}

export function readCertificate(c: XmlNode): TrustCertificate {
  const x509 = child(c, "x509Certificate");
  return {
    objectId: str(c, "objectId") ?? "",
    name: str(c, "name"),
    description: str(c, "description"),
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
