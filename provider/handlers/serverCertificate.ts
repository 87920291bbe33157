import { certificateName, ownsCertificate } from "../common/ownership";
import type { EdgeHandle } from "./edgeAccess";

/**
 * The self-signed certificate an L2VpnServer makes, and its leftovers. Creating one takes
 * three writes (CSR, self-sign, then the L2VPN config that uses it); the CSR and certificate
 * carry the server's ownership mark from their first write, so whatever a failure or a killed
 * `up` leaves between them is found by name and removed — a leftover certificate holds a
 * private key.
 */
export interface CertificateRequest {
  owner: string;
  listenerIp: string;
  commonName: string;
  validityDays: number;
}

/** NSX shows truststore ids as `certificate-N` or `{gatewayUuid}:certificate-N`. */
export const bareTrustId = (id: string | undefined): string | undefined => id?.slice(id.lastIndexOf(":") + 1);

/** Ids of the certificates on the edge that carry this server's mark. */
export async function ownedCertificateIds(edge: EdgeHandle, r: CertificateRequest): Promise<string[]> {
  const certs = await edge.client.listCertificates();
  return certs.filter((c) => ownsCertificate(c.name, r.owner, r.listenerIp)).map((c) => c.objectId);
}

export async function createServerCertificate(edge: EdgeHandle, r: CertificateRequest): Promise<string> {
  const name = certificateName(r.owner, r.listenerIp);
  const csr = await edge.client.createCsr({ commonName: r.commonName, name, description: name });
  const cert = await edge.client.selfSignCsr(csr.objectId, r.validityDays);
  // The certificate holds the key now; the request is of no further use.
  await edge.client.deleteCsr(csr.objectId).catch(() => undefined);
  return cert.objectId;
}

/**
 * Removes every certificate and CSR with this server's mark except `keep` (the one its L2VPN
 * config uses). Best effort: a leftover that cannot go now is found again next time.
 */
export async function removeLeftovers(edge: EdgeHandle, r: CertificateRequest, keep?: string): Promise<void> {
  const kept = bareTrustId(keep);
  const csrs = await edge.client.listCsrs().catch(() => []);
  for (const csr of csrs.filter((c) => ownsCertificate(c.name, r.owner, r.listenerIp)))
    await edge.client.deleteCsr(csr.objectId).catch(() => undefined);
  for (const id of await ownedCertificateIds(edge, r).catch(() => [])) {
    if (bareTrustId(id) !== kept) await edge.client.deleteCertificate(id).catch(() => undefined);
  }
}
