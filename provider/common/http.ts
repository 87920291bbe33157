import https from "node:https";
import axios, { type AxiosError, type AxiosInstance, type AxiosResponse } from "axios";
import { ApiError, type ApiErrorCode } from "./errors";
import { redactBody, redactHeaders } from "./redact";
import type { RetryOptions } from "./retry";

/**
 * The HTTP plumbing shared by the vendor executors (vCD, NSX Manager): one axios instance
 * per connection, redacted debug logging, and transport faults mapped to typed errors. Auth,
 * headers, retries and the vendors' error bodies stay with each executor.
 */
/** The transport part of a vendor connection (VcdConnection, NsxManagerConnection). */
export interface HttpTarget {
  /** Base URL without a trailing slash. */
  url: string;
  /** PEM bundle used to verify the server's TLS certificate. */
  caCert?: string;
  /** Skip TLS verification (lab use only). */
  insecure?: boolean;
  /** Per-request timeout. Default 60 000 ms. */
  timeoutMs?: number;
  /** Debug sink; receives redacted lines only. */
  log?: (line: string) => void;
}

export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  data?: string;
}

/** Any HTTP answer, whatever its status. */
export interface HttpAnswer {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

export class HttpClient {
  private readonly http: AxiosInstance;

  constructor(
    private readonly target: HttpTarget,
    private readonly peer: Peer,
  ) {
    this.http = axios.create({
      baseURL: target.url,
      timeout: target.timeoutMs ?? 60_000,
      // Status handling is the executor's: every non-2xx becomes a typed ApiError there.
      validateStatus: () => true,
      responseType: "text",
      transformResponse: (d: unknown) => d,
      maxRedirects: 0,
      httpsAgent: new https.Agent({
        ca: target.caCert,
        rejectUnauthorized: !target.insecure,
        keepAlive: true,
      }),
    });
  }

  /** Sends one request; rejects only when no HTTP answer came (see transportError). */
  async send(req: HttpRequest): Promise<HttpAnswer> {
    const { method, url, headers, data } = req;
    this.debug(
      `> ${method} ${url} ${JSON.stringify(redactHeaders(headers))}${data ? " " + redactBody(data) : ""}`,
    );
    let res: AxiosResponse<string>;
    try {
      res = await this.http.request<string>({ method, url, headers, data });
    } catch (e) {
      throw transportError(e as AxiosError, this.peer, method, url);
    }
    const body = typeof res.data === "string" ? res.data : "";
    this.debug(`< ${res.status} ${method} ${url} ${redactBody(body).slice(0, 2000)}`);
    return { status: res.status, headers: lowerCaseHeaders(res.headers), body };
  }

  private debug(line: string): void {
    this.target.log?.(line);
  }
}

/** Who is on the other end, for error messages. */
export interface Peer {
  /** Product name as users know it, e.g. "vCD". */
  name: string;
  /** Stack config key holding the CA bundle for it, e.g. "l2stretch:caCert". */
  caConfigKey: string;
}

/** Maps a request that got no HTTP answer (timeout, reset, TLS failure) to a typed error. */
export function transportError(e: AxiosError, peer: Peer, method: string, url: string): ApiError {
  const code = e.code ?? "";
  const details = { method, url };
  if (code === "ECONNABORTED" || code === "ETIMEDOUT" || /timeout/i.test(e.message))
    return new ApiError("TIMEOUT", `${peer.name} did not answer in time: ${e.message}`, details);
  if (code === "ECONNRESET" || code === "EPIPE" || /socket hang up/i.test(e.message))
    return new ApiError("CONNECTION_RESET", `${peer.name} closed the connection: ${e.message}`, details);
  if (/certificate|self.signed|CERT_/i.test(`${code} ${e.message}`)) {
    return new ApiError(
      "UNSUPPORTED",
      `TLS verification of ${url} failed (${e.message}); set ${peer.caConfigKey} to the CA bundle that signed ${peer.name}'s certificate`,
      details,
    );
  }
  return new ApiError("CONNECTION_RESET", `cannot reach ${peer.name}: ${e.message}`, details);
}

/** The error code for an HTTP status, once the vendor's own error codes have had their say. */
export function codeForStatus(status: number): ApiErrorCode {
  if (status === 401) return "UNAUTHORIZED";
  if (status === 403) return "FORBIDDEN";
  if (status === 404) return "NOT_FOUND";
  if (status === 406) return "NOT_ACCEPTABLE";
  if (status === 409) return "CONFLICT";
  if (status === 408 || status === 504) return "TIMEOUT";
  if (status >= 500 || status === 429) return "SERVER_ERROR";
  return "BAD_REQUEST";
}

/** Response headers with lower-case names and string values. */
function lowerCaseHeaders(headers: object): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
}

/** The connection's retry options, with every retry also written to the debug log. */
export function loggedRetry(
  retry: RetryOptions | undefined,
  debug: (line: string) => void,
  req: { method: string; path: string },
): RetryOptions {
  return {
    ...retry,
    onRetry: (attempt, error, delay) => {
      debug(`retry ${attempt} of ${req.method} ${req.path} in ${delay} ms: ${(error as Error).message}`);
      retry?.onRetry?.(attempt, error, delay);
    },
  };
}
