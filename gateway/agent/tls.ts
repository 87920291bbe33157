/**
 * TLS identity of the agent's API: a self-signed P-256 certificate created with the openssl CLI
 * on first start and kept in the state dir. Clients pin its SHA-256 fingerprint instead of
 * trusting a CA, which is what an appliance on a private management network can offer.
 */
import * as fs from "node:fs";
import { X509Certificate } from "node:crypto";
import { LocalExecutor, mustRun } from "./exec";

export interface TlsIdentity {
  key: string;
  cert: string;
  /** Colon-separated upper-case hex, as `openssl x509 -fingerprint -sha256` prints it. */
  fingerprint256: string;
}

export async function ensureTlsIdentity(dir: string, commonName: string): Promise<TlsIdentity> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keyFile = `${dir}/api-key.pem`;
  const certFile = `${dir}/api-cert.pem`;
  if (!fs.existsSync(keyFile) || !fs.existsSync(certFile)) {
    // openssl runs on the host side even when the data path is in a namespace: it needs no network.
    await mustRun(new LocalExecutor(), [
      "openssl",
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-days",
      "3650",
      "-subj",
      `/CN=${commonName}`,
      "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1",
      "-keyout",
      `${keyFile}.tmp`,
      "-out",
      `${certFile}.tmp`,
    ]);
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
