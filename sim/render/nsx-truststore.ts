// Truststore documents: <certificate>, <certificates>, <csr>. `idOf` renders an object id the
// way the access path shows it (bare on NSX Manager, `{gatewayUuid}:id` on the vCD proxy).
import type { Certificate, Csr } from "../core/world";
import type { XmlTree } from "../xml/xml";

export type IdOf = (bareId: string) => string;

export function certificateTree(c: Certificate, idOf: IdOf): XmlTree {
  return {
    objectId: idOf(c.id),
    id: idOf(c.id),
    name: c.name,
    description: c.description || undefined,
    certificateType: c.type,
    pemEncoding: c.pem,
    x509Certificate: {
      subjectCn: c.name,
      issuerCn: c.type === "certificate_self_signed" ? c.name : undefined,
      notBefore: Date.parse(c.notBefore),
      notAfter: Date.parse(c.notAfter),
    },
    scopeId: c.scope,
    daysValid: c.daysValid,
  };
}

export const certificatesTree = (certs: Certificate[], idOf: IdOf): XmlTree => ({
  certificate: certs.map((c) => certificateTree(c, idOf)),
});

export function csrTree(c: Csr, idOf: IdOf): XmlTree {
  return {
    objectId: idOf(c.id),
    name: c.name,
    description: c.description,
    subject: { attribute: { key: "CN", value: c.commonName } },
    algorithm: c.algorithm,
    keySize: c.keySize,
    pemEncoding: c.pem,
    scopeId: c.scope,
  };
}
