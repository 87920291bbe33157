/**
 * TLS identity of the agent's API: a self-signed P-256 certificate created with the openssl CLI
 * on first start and kept in the state dir. Clients pin its SHA-256 fingerprint instead of
 * trusting a CA, which is what an appliance on a private management network can offer.
 */
import * as fs from "node:fs";
import { X509Certificate } from "node:crypto";
import { LocalExecutor, mustRun } from "./exec";

/**
 * Where the identity lives under the agent's state dir. The appliance's first boot writes a
 * certificate given in its vApp properties here, so its fingerprint is known before boot.
 */
export const TLS_DIR = "tls";
export const TLS_KEY_FILE = "api-key.pem";
export const TLS_CERT_FILE = "api-cert.pem";

export interface TlsIdentity {
  key: string;
  cert: string;
  /** Colon-separated upper-case hex, as `openssl x509 -fingerprint -sha256` prints it. */
  fingerprint256: string;
}

export interface SelfSignedCert {
  commonName: string;
  days: number;
  /** e.g. "DNS:localhost,IP:127.0.0.1"; none when omitted. */
  subjectAltName?: string;
  /** Where openssl writes the unencrypted private key (PEM). */
  keyFile: string;
  /** Where openssl writes the certificate (PEM). */
  certFile: string;
}

/**
 * The openssl command line that writes a self-signed P-256 key and certificate. An argv, not a
 * run, so each caller keeps its own way of running commands (executor, netns lab, test).
 */
export function selfSignedCertArgv(o: SelfSignedCert): string[] {
  return [
    "openssl",
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-days",
    String(o.days),
    "-subj",
    `/CN=${o.commonName}`,
    ...(o.subjectAltName ? ["-addext", `subjectAltName=${o.subjectAltName}`] : []),
    "-keyout",
    o.keyFile,
    "-out",
    o.certFile,
  ];
}

export async function ensureTlsIdentity(dir: string, commonName: string): Promise<TlsIdentity> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keyFile = `${dir}/${TLS_KEY_FILE}`;
  const certFile = `${dir}/${TLS_CERT_FILE}`;
  if (!fs.existsSync(keyFile) || !fs.existsSync(certFile)) {
    // openssl runs on the host side even when the data path is in a namespace: it needs no network.
    await mustRun(
      new LocalExecutor(),
      selfSignedCertArgv({
        commonName,
        days: 3650,
        subjectAltName: "DNS:localhost,IP:127.0.0.1",
        keyFile: `${keyFile}.tmp`,
        certFile: `${certFile}.tmp`,
      }),
    );
    fs.chmodSync(`${keyFile}.tmp`, 0o600);
    fs.renameSync(`${keyFile}.tmp`, keyFile);
    fs.renameSync(`${certFile}.tmp`, certFile);
  }
  const cert = fs.readFileSync(certFile, "utf8");
  return {
    key: fs.readFileSync(keyFile, "utf8"),
    cert,
    fingerprint256: new X509Certificate(cert).fingerprint256,
  };
}
