// NSX Manager's truststore for edge scopes: import (service certificate with key, or CA without),
// CSR + self-signing, delete (not while an L2VPN config uses it). Certificates need not be real
// X.509 in the simulator but must look like PEM; real ones are read for name and validity.
import { X509Certificate, randomBytes } from "node:crypto";
import type { Certificate, Csr, Edge, World } from "../world";
import { nsxEdges } from "./edges";
import { NSX_CODE, nsxBad, nsxNotFound } from "./errors";

const bad = (msg: string) => nsxBad(msg, NSX_CODE.truststore);
const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
const PEM_KEY =
  /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]*?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/;
const DAY_MS = 24 * 3600 * 1000;

export interface ImportInput {
  pem: string;
  privateKey?: string;
  description?: string;
}

export interface CsrInput {
  name?: string;
  description?: string;
  commonName: string;
  algorithm: string;
  keySize: number;
}

/** A PEM block that looks like a certificate (random payload: the sim signs nothing). */
export function fakePem(label: "CERTIFICATE" | "CERTIFICATE REQUEST", bytes = 600): string {
  const b64 = randomBytes(bytes).toString("base64");
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----`;
}

function describe(pem: string, nowMs: number): { name?: string; notBefore: string; notAfter: string } {
  try {
    const x = new X509Certificate(pem);
    const cn = /(?:^|\n)CN=([^\n]+)/.exec(x.subject)?.[1];
    return {
      name: cn,
      notBefore: new Date(x.validFrom).toISOString(),
      notAfter: new Date(x.validTo).toISOString(),
    };
  } catch {
    return {
      notBefore: new Date(nowMs).toISOString(),
      notAfter: new Date(nowMs + 365 * DAY_MS).toISOString(),
    };
  }
}

const nextCertId = (world: World): string => `certificate-${world.nsx.nextCertificate++}`;

/** Imports a PEM (possibly a chain: one certificate per block; the key goes with the first). */
export function importCertificate(
  world: World,
  scope: Edge,
  input: ImportInput,
  nowMs: number,
): Certificate[] {
  const blocks = input.pem.match(PEM_CERT) ?? [];
  if (blocks.length === 0)
    throw bad(
      "pemEncoding must contain a PEM certificate (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----).",
    );
  if (input.privateKey !== undefined && !PEM_KEY.test(input.privateKey))
    throw bad(
      "privateKey must be a PEM private key (-----BEGIN PRIVATE KEY----- … -----END PRIVATE KEY-----).",
    );
  const withKey = input.privateKey !== undefined;
  const certs = blocks.map((pem, i): Certificate => {
    const id = nextCertId(world);
    const d = describe(pem, nowMs);
    return {
      id,
      scope: scope.nsxId,
      name: d.name ?? id,
      description: input.description ?? "",
      type: withKey && i === 0 ? "certificate_signed" : "certificate_ca",
      pem,
      hasPrivateKey: withKey && i === 0,
      notBefore: d.notBefore,
      notAfter: d.notAfter,
    };
  });
  world.nsx.certificates.push(...certs);
  return certs;
}

export function createCsr(world: World, scope: Edge, input: CsrInput): Csr {
  if (!input.commonName.trim()) throw bad("The CSR subject needs a CN attribute.");
  const alg = input.algorithm.toUpperCase();
  const sizes = alg === "RSA" ? [2048, 3072, 4096] : alg === "ECDSA" ? [256, 384] : undefined;
  if (!sizes) throw bad(`Unsupported key algorithm ${input.algorithm}; use RSA or ECDSA.`);
  if (!sizes.includes(input.keySize))
    throw bad(`keySize ${input.keySize} is not valid for ${alg}; use one of ${sizes.join(", ")}.`);
  const csr: Csr = {
    id: `csr-${world.nsx.nextCsr++}`,
    scope: scope.nsxId,
    ...(input.name ? { name: input.name } : {}),
    ...(input.description ? { description: input.description } : {}),
    commonName: input.commonName,
    algorithm: alg,
    keySize: input.keySize,
    pem: fakePem("CERTIFICATE REQUEST", 400),
  };
  world.nsx.csrs.push(csr);
  return csr;
}

export function findCsr(world: World, id: string): Csr {
  const csr = world.nsx.csrs.find((c) => c.id === id);
  if (!csr) throw nsxNotFound(`CSR ${id} was not found.`);
  return csr;
}

export function selfSign(world: World, csr: Csr, days: number, nowMs: number): Certificate {
  if (!(Number.isInteger(days) && days >= 1 && days <= 10_000))
    throw bad(`noOfDays must be a whole number of days between 1 and 10000, got ${days}.`);
  const cert: Certificate = {
    id: nextCertId(world),
    scope: csr.scope,
    name: csr.name ?? csr.commonName,
    description: csr.description ?? "",
    type: "certificate_self_signed",
    pem: fakePem("CERTIFICATE"),
    hasPrivateKey: true,
    notBefore: new Date(nowMs).toISOString(),
    notAfter: new Date(nowMs + days * DAY_MS).toISOString(),
    daysValid: days,
  };
  world.nsx.certificates.push(cert);
  return cert;
}

export function deleteCsr(world: World, csr: Csr): void {
  world.nsx.csrs = world.nsx.csrs.filter((c) => c.id !== csr.id);
}

export function findCertificate(world: World, id: string): Certificate {
  const c = world.nsx.certificates.find((x) => x.id === id);
  if (!c) throw nsxNotFound(`Certificate ${id} was not found.`);
  return c;
}

/** Refuses while an L2VPN server or client references the certificate (NSX does the same). */
export function deleteCertificate(world: World, cert: Certificate): void {
  for (const e of nsxEdges(world)) {
    const v = e.l2vpn;
    if (v?.server?.serverCertificate === cert.id || v?.client?.caCertificate === cert.id)
      throw bad(`Certificate ${cert.id} is in use by the L2 VPN configuration of edge ${e.nsxId}.`);
  }
  world.nsx.certificates = world.nsx.certificates.filter((c) => c.id !== cert.id);
}
