import { randomUUID } from "node:crypto";
import { ApiError, type ApiErrorCode } from "../common/errors";
import { codeForStatus, HttpClient, loggedRetry, type Peer } from "../common/http";
import { withRetry, type RetryOptions } from "../common/retry";
import { parseXml, text, type XmlNode } from "../vcd/xml";
import { xmlProblem } from "../vcd/xmlDoc";
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

const NSX_MANAGER: Peer = { name: "NSX Manager", caConfigKey: "l2stretch:nsxCaCert" };

export class NsxExecutor {
  private readonly http: HttpClient;
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
    this.http = new HttpClient(this.conn, NSX_MANAGER);
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
    return loggedRetry(this.conn.retry, (line) => this.debug(line), req);
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
    const res = await this.http.send({ method: req.method, url, headers, data: req.xml });
    const { xml, problem } = parseMaybe(res.body, res.headers["content-type"] ?? "");
    if (res.status >= 200 && res.status < 300) {
      if (problem) {
        throw new ApiError(
          "MALFORMED_RESPONSE",
          `NSX's ${res.status} answer is not a complete XML document (${problem}); it was probably cut off in transit`,
          { method: req.method, url, status: res.status },
        );
      }
      return { status: res.status, headers: res.headers, text: res.body, xml };
    }
    throw nsxHttpError(res.status, xml, res.body, { method: req.method, url });
  }

  private debug(line: string): void {
    this.conn.log?.(line);
  }
}

/**
 * The parsed body, or why it is not a complete XML document (validated first: the lenient
 * parser would read a truncated `<vnics>` as a shorter list). `send` turns a problem in a
 * 2xx answer into a retryable MALFORMED_RESPONSE; for an error status the status decides.
 */
function parseMaybe(body: string, contentType: string): { xml?: XmlNode; problem?: string } {
  const trimmed = body.trimStart();
  if (!trimmed || !(trimmed.startsWith("<") || contentType.includes("xml"))) return {};
  const problem = xmlProblem(body);
  return problem ? { problem } : { xml: parseXml(body) };
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
  return codeForStatus(status);
}
