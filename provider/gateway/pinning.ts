/**
 * TLS to a gateway agent. The agent makes its own self-signed certificate at first start and
 * prints its SHA-256 fingerprint, so the normal way to trust it is to pin that fingerprint; a
 * CA bundle is the alternative for sites that issue the agent a certificate of their own.
 *
 * The pin is checked on the TLS socket *before* the HTTP request is handed to it, so the
 * bearer token is never written to a server whose certificate did not match.
 */
import * as tls from "node:tls";
import { ApiError } from "../common/errors";
import { normalizeFingerprint } from "../../contract/endpoint";

export interface TlsTrust {
  /** SHA-256 fingerprint of the agent certificate, in any of the accepted spellings. */
  fingerprint?: string;
  /** PEM CA certificate(s) that issued the agent certificate (verified with the host name). */
  caCertificate?: string;
}

/** The server's certificate is not the pinned one (or not issued by the configured CA). */
export class CertificatePinError extends ApiError {
  constructor(
    readonly endpoint: string,
    readonly expected: string | undefined,
    readonly seen: string | undefined,
    reason: string,
  ) {
    super("FORBIDDEN", reason, {});
    this.name = "CertificatePinError";
  }
}

export function pinMismatchMessage(endpoint: string, expected: string, seen: string | undefined): string {
  return (
    `the gateway agent at ${endpoint} presented a certificate with SHA-256 fingerprint ${seen ?? "(none)"}, ` +
    `but ${expected} is pinned; nothing was sent. If the appliance was re-installed, set the new ` +
    `fingerprint (the agent prints fingerprint256 at start); otherwise something else answers at this address`
  );
}

export interface ConnectOptions extends TlsTrust {
  endpoint: string;
  host: string;
  port: number;
  timeoutMs: number;
}

const isIp = (h: string) => /^[\d.]+$/.test(h) || h.includes(":");

/** Opens a TLS connection and resolves only once the peer certificate passed the checks. */
export function connectVerified(o: ConnectOptions): Promise<tls.TLSSocket> {
  const expected = o.fingerprint === undefined ? undefined : normalizeFingerprint(o.fingerprint);
  if (o.fingerprint !== undefined && expected === undefined)
    return Promise.reject(
      new CertificatePinError(o.endpoint, o.fingerprint, undefined, `invalid fingerprint "${o.fingerprint}"`),
    );
  if (expected === undefined && o.caCertificate === undefined)
    return Promise.reject(
      new CertificatePinError(
        o.endpoint,
        undefined,
        undefined,
        `no way to trust ${o.endpoint}: set a fingerprint to pin or a CA certificate`,
      ),
    );
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: o.host,
      port: o.port,
      // With only a pin, chain validation is replaced by the fingerprint check below.
      rejectUnauthorized: false,
      ...(o.caCertificate !== undefined ? { ca: o.caCertificate } : {}),
      ...(isIp(o.host) ? {} : { servername: o.host }),
      timeout: o.timeoutMs,
    });
    const fail = (e: Error) => {
      socket.destroy();
      reject(e);
    };
    socket.once("timeout", () =>
      fail(new ApiError("TIMEOUT", `TLS handshake with ${o.endpoint} timed out after ${o.timeoutMs} ms`)),
    );
    socket.once("error", (e) => reject(e));
    socket.once("secureConnect", () => {
      const seen = socket.getPeerCertificate()?.fingerprint256 || undefined;
      if (expected !== undefined && seen !== expected) {
        fail(
          new CertificatePinError(o.endpoint, expected, seen, pinMismatchMessage(o.endpoint, expected, seen)),
        );
        return;
      }
      if (o.caCertificate !== undefined) {
        const chainError = socket.authorizationError;
        const nameError = chainError
          ? undefined
          : tls.checkServerIdentity(o.host, socket.getPeerCertificate());
        if (chainError || nameError) {
          fail(
            new CertificatePinError(
              o.endpoint,
              expected,
              seen,
              `the certificate of ${o.endpoint} is not trusted by the configured CA: ${String(chainError ?? nameError?.message)}`,
            ),
          );
          return;
        }
      }
      socket.setTimeout(0);
      socket.removeAllListeners("timeout");
      resolve(socket);
    });
  });
}
