import https from "node:https";
import { randomUUID } from "node:crypto";
import axios, { AxiosError, type AxiosInstance, type AxiosResponse } from "axios";
import { ApiError, type ApiErrorCode } from "../common/errors";
import { redactBody, redactHeaders } from "../common/redact";
import { withRetry, type RetryOptions } from "../common/retry";
import { parseXml, text, type XmlNode } from "../vcd/xml";
import { classifyNsxMessage } from "./errors";

/**
 * The one place that talks HTTP to NSX Manager directly: HTTP Basic auth, XML in and out,
 * TLS verified unless told otherwise, typed errors from NSX `<error>` bodies (which carry
 * no request id), redacted debug logging and retries of transient faults on reads.
 */
export interface NsxManagerConnection {
  /** Base URL of NSX Manager, e.g. https://nsx.example.com (no trailing /api). */
  url: string;
  user: string;
  password: string;
  /** PEM bundle used to verify NSX Manager's TLS certificate. */
  caCert?: string;
  /** Skip TLS verification (lab use only). */
  insecure?: boolean;
  /** Per-request timeout. Default 60 000 ms. */
  timeoutMs?: number;
  retry?: RetryOptions;
  /** Debug sink; receives redacted lines only. */
  log?: (line: string) => void;
}

export interface NsxHttpRequest {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path below the base URL ("/api/4.0/…") or an absolute URL (a job Location). */
  path: string;
  /** XML body; sent as application/xml. */
  xml?: string;
  /** Retry transient faults. Default true for GET; writes decide for themselves. */
  retry?: boolean;
}

export interface NsxHttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  xml?: XmlNode;
}

export class NsxExecutor {
  private readonly http: AxiosInstance;
  private readonly auth: string;
  /**
   * Identifies this client instance to the server. NSX ignores it; the simulator uses it to
   * attribute reads and writes to one writer when several share a user.
   */
  private readonly clientId = randomUUID();
  readonly conn: NsxManagerConnection;

  constructor(conn: NsxManagerConnection) {
    this.conn = { ...conn, url: conn.url.replace(/\/+$/, "").replace(/\/api$/, "") };
    this.auth = `Basic ${Buffer.from(`${conn.user}:${conn.password}`).toString("base64")}`;
    this.http = axios.create({
      baseURL: this.conn.url,
      timeout: conn.timeoutMs ?? 60_000,
      // Status handling is ours: every non-2xx becomes a typed ApiError below.
      validateStatus: () => true,
      responseType: "text",
      transformResponse: (d: unknown) => d,
      maxRedirects: 0,
      httpsAgent: new https.Agent({ ca: conn.caCert, rejectUnauthorized: !conn.insecure, keepAlive: true }),
    });
  }

  /** A stable name of this NSX Manager for lock keys and messages. */
  get host(): string {
    return new URL(this.conn.url).host;
  }

  async request(req: NsxHttpRequest): Promise<NsxHttpResponse> {
    const once = () => this.send(req);
    return (req.retry ?? req.method === "GET") ? withRetry(once, this.retryOptions(req)) : once();
  }

  retryOptions(req: { method: string; path: string }): RetryOptions {
    return {
      ...this.conn.retry,
      onRetry: (attempt, error, delay) => {
        this.debug(
          `retry ${attempt} of ${req.method} ${req.path} in ${delay} ms: ${(error as Error).message}`,
        );
        this.conn.retry?.onRetry?.(attempt, error, delay);
      },
    };
  }

  private async send(req: NsxHttpRequest): Promise<NsxHttpResponse> {
    const headers: Record<string, string> = {
      Accept: "application/xml",
      Authorization: this.auth,
      "User-Agent": "l2stretch",
      "X-L2S-Client": this.clientId,
    };
    if (req.xml !== undefined) headers["Content-Type"] = "application/xml";
    const url = req.path;
    this.debug(
      `> ${req.method} ${url} ${JSON.stringify(redactHeaders(headers))}${req.xml ? " " + redactBody(req.xml) : ""}`,
    );
    let res: AxiosResponse<string>;
    try {
      res = await this.http.request<string>({ method: req.method, url, headers, data: req.xml });
    } catch (e) {
      throw transportError(e as AxiosError, req.method, url);
    }
    const resHeaders = Object.fromEntries(
      Object.entries(res.headers).map(([k, v]) => [k.toLowerCase(), String(v)]),
    );
    const body = typeof res.data === "string" ? res.data : "";
    this.debug(`< ${res.status} ${req.method} ${url} ${redactBody(body).slice(0, 2000)}`);
    const xml = parseMaybe(body);
    if (res.status >= 200 && res.status < 300)
      return { status: res.status, headers: resHeaders, text: body, xml };
    throw nsxHttpError(res.status, xml, body, { method: req.method, url });
  }

  private debug(line: string): void {
    this.conn.log?.(line);
  }
}

function parseMaybe(body: string): XmlNode | undefined {
  if (!body.trimStart().startsWith("<")) return undefined;
  try {
    return parseXml(body);
  } catch {
    // An unparsable body is reported through the status-based error.
    return undefined;
  }
}

function transportError(e: AxiosError, method: string, url: string): ApiError {
  const code = e.code ?? "";
  const details = { method, url };
  if (code === "ECONNABORTED" || code === "ETIMEDOUT" || /timeout/i.test(e.message))
    return new ApiError("TIMEOUT", `NSX Manager did not answer in time: ${e.message}`, details);
  if (code === "ECONNRESET" || code === "EPIPE" || /socket hang up/i.test(e.message))
    return new ApiError("CONNECTION_RESET", `NSX Manager closed the connection: ${e.message}`, details);
  if (/certificate|self.signed|CERT_/i.test(`${code} ${e.message}`)) {
    return new ApiError(
      "UNSUPPORTED",
      `TLS verification of ${url} failed (${e.message}); pass the CA bundle that signed NSX Manager's certificate`,
      details,
    );
  }
  return new ApiError("CONNECTION_RESET", `cannot reach NSX Manager: ${e.message}`, details);
}

/** Maps an NSX `<error>` body (or a vCD-style `<Error>` from a fronting proxy) to a typed error. */
export function nsxHttpError(
  status: number,
  xml: XmlNode | undefined,
  body: string,
  details: { method: string; url: string },
): ApiError {
  const nsx = xml?.["error"] as XmlNode | undefined;
  const vcd = xml?.["Error"] as XmlNode | undefined;
  const vendorCode = text(nsx?.["errorCode"]) ?? String(vcd?.["@_minorErrorCode"] ?? "");
  const message =
    text(nsx?.["details"]) ??
    (vcd?.["@_message"] as string | undefined) ??
    (body.slice(0, 300) || `HTTP ${status}`);
  return new ApiError(
    classifyStatus(status, vendorCode, message),
    `NSX ${status}${vendorCode ? ` ${vendorCode}` : ""}: ${message}`,
    { ...details, status, vendorCode },
  );
}

function classifyStatus(status: number, vendorCode: string, message: string): ApiErrorCode {
  if (vendorCode === "BUSY_ENTITY") return "BUSY_ENTITY";
  const byText = classifyNsxMessage(message);
  if (byText) return byText;
  if (status === 401) return "UNAUTHORIZED";
  if (status === 403) return "FORBIDDEN";
  if (status === 404) return "NOT_FOUND";
  if (status === 406) return "NOT_ACCEPTABLE";
  if (status === 409) return "CONFLICT";
  if (status === 408 || status === 504) return "TIMEOUT";
  if (status >= 500 || status === 429) return "SERVER_ERROR";
  return "BAD_REQUEST";
}
