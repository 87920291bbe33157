/**
 * One HTTPS request to an agent over a verified socket (see pinning.ts), with network faults
 * turned into typed, retryable errors. The token only ever goes into the Authorization header
 * and never into an error message or a log line.
 */
import * as http from "node:http";
import type { Duplex } from "node:stream";
import { ApiError } from "../common/errors";
import type { Endpoint } from "../../contract/endpoint";
import { connectVerified, type TlsTrust } from "./pinning";

export interface RequestOptions extends TlsTrust {
  endpoint: Endpoint;
  token: string;
  method: "GET" | "PUT" | "DELETE";
  path: string;
  body?: unknown;
  timeoutMs: number;
}

export interface Response {
  status: number;
  text: string;
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

function networkError(e: unknown, o: RequestOptions): unknown {
  if (e instanceof ApiError) return e;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const details = { method: o.method, url: `${o.endpoint.url}${o.path}` };
  if (code && NETWORK_CODES.has(code))
    return new ApiError(
      "CONNECTION_RESET",
      `cannot reach the gateway agent: ${code} (${(e as Error).message})`,
      details,
    );
  if (code === "ETIMEDOUT")
    return new ApiError("TIMEOUT", `gateway agent timed out: ${(e as Error).message}`, details);
  return e;
}

export async function request(o: RequestOptions): Promise<Response> {
  const body = o.body === undefined ? undefined : JSON.stringify(o.body);
  return new Promise<Response>((resolve, reject) => {
    const req = http.request({
      method: o.method,
      host: o.endpoint.host,
      port: o.endpoint.port,
      path: o.path,
      headers: {
        authorization: `Bearer ${o.token}`,
        accept: "application/json",
        ...(body !== undefined
          ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) }
          : {}),
      },
      timeout: o.timeoutMs,
      // The request waits for a socket whose certificate already passed the pin/CA check.
      createConnection: (_opts, oncreate: (err: Error | null, socket: Duplex) => void) => {
        connectVerified({ ...o, endpoint: o.endpoint.url, host: o.endpoint.host, port: o.endpoint.port })
          .then((s) => oncreate(null, s))
          .catch((e: Error) => oncreate(e, undefined as unknown as Duplex));
        return undefined;
      },
    });
    req.once("timeout", () => {
      req.destroy(
        new ApiError("TIMEOUT", `no answer within ${o.timeoutMs} ms`, {
          method: o.method,
          url: `${o.endpoint.url}${o.path}`,
        }),
      );
    });
    req.once("error", (e) => reject(networkError(e, o)));
    req.once("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.once("error", (e) => reject(networkError(e, o)));
      res.once("end", () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
      );
    });
    req.end(body);
  });
}
