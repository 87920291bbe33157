import { randomUUID } from "node:crypto";
import { ApiError, type ApiErrorCode } from "../common/errors";
import { codeForStatus, HttpClient, loggedRetry, type Peer } from "../common/http";
import { withRetry, type RetryOptions } from "../common/retry";
import { document, supportedVersionsDoc } from "./responses";
import { parseXml, text, type XmlNode } from "./xml";
import { xmlProblem } from "./xmlDoc";

/**
 * The one place that talks HTTP to vCD: API version negotiation, login and re-login on
 * 401, Accept/Content-Type headers, request ids, error bodies mapped to typed errors,
 * redacted debug logging and retries on transient faults. Entity modules build on
 * `request`, never on axios directly.
 */
export interface VcdConnection {
  /** Base URL, e.g. https://vcd.example.com (no trailing /api). */
  url: string;
  org: string;
  user: string;
  password: string;
  /** Pin an API version (e.g. "31.0"); by default the highest one both sides support. */
  apiVersion?: string;
  /** PEM bundle used to verify the server's TLS certificate. */
  caCert?: string;
  /** Skip TLS verification (lab use only). */
  insecure?: boolean;
  /** Per-request timeout. Default 60 000 ms. */
  timeoutMs?: number;
  retry?: RetryOptions;
  /** Debug sink; receives redacted lines only. */
  log?: (line: string) => void;
}

/** API versions this client knows how to speak (vCD 8.20 … 10.5). */
export const CLIENT_API_VERSIONS = [
  "27.0",
  "28.0",
  "29.0",
  "30.0",
  "31.0",
  "32.0",
  "33.0",
  "34.0",
  "35.0",
  "36.0",
  "37.0",
  "38.0",
];

export type Body = { xml: string; contentType: string } | { json: unknown };

export interface VcdRequest {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path below the base URL ("/api/…", "/cloudapi/…", "/network/…") or an absolute href. */
  path: string;
  body?: Body;
  /** Response format to ask for. Default: xml for /api and /network, json for /cloudapi. */
  accept?: "xml" | "json";
  /** Retry transient faults. Default true for GET; writes decide for themselves. */
  retry?: boolean;
}

export interface VcdResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** Parsed XML when the response is XML. */
  xml?: XmlNode;
  /** Parsed JSON when the response is JSON. */
  json?: unknown;
}

interface Session {
  version: string;
  headers: Record<string, string>;
}

const VCD: Peer = { name: "vCD", caConfigKey: "l2stretch:caCert" };

const BUSY_TEXT = /is busy completing an operation|is busy, cannot proceed/i;

export class VcdExecutor {
  private readonly http: HttpClient;
  private session: Promise<Session> | undefined;
  readonly conn: VcdConnection;

  constructor(conn: VcdConnection) {
    this.conn = { ...conn, url: conn.url.replace(/\/+$/, "").replace(/\/api$/, "") };
    this.http = new HttpClient(this.conn, VCD);
  }

  /** The negotiated API version (logs in if needed). */
  async apiVersion(): Promise<string> {
    return (await this.ensureSession()).version;
  }

  async request(req: VcdRequest): Promise<VcdResponse> {
    const shouldRetry = req.retry ?? req.method === "GET";
    const once = () => this.requestWithRelogin(req);
    return shouldRetry ? withRetry(once, this.retryOptions(req)) : once();
  }

  retryOptions(req: { method: string; path: string }): RetryOptions {
    return loggedRetry(this.conn.retry, (line) => this.debug(line), req);
  }

  async logout(): Promise<void> {
    if (!this.session) return;
    const s = await this.session.catch(() => undefined);
    this.session = undefined;
    if (!s) return;
    const path = Number(s.version) >= 33 ? "/cloudapi/1.0.0/sessions/current" : "/api/session";
    await this.send({ method: "DELETE", path }, s).catch(() => undefined);
  }

  private async requestWithRelogin(req: VcdRequest): Promise<VcdResponse> {
    const session = await this.ensureSession();
    try {
      return await this.send(req, session);
    } catch (e) {
      // Sessions expire while a long `pulumi up` runs; log in again once and replay.
      if (e instanceof ApiError && e.code === "UNAUTHORIZED") {
        this.session = undefined;
        return this.send(req, await this.ensureSession());
      }
      throw e;
    }
  }

  private ensureSession(): Promise<Session> {
    if (!this.session) {
      this.session = withRetry(
        () => this.login(),
        this.retryOptions({ method: "POST", path: "login" }),
      ).catch((e: unknown) => {
        if (e instanceof ApiError && e.code === "UNAUTHORIZED") {
          throw new ApiError(
            "UNAUTHORIZED",
            `vCD refused the login of ${this.conn.user}@${this.conn.org}; check l2stretch:user, l2stretch:org and l2stretch:password (${e.message})`,
            e.details,
          );
        }
        throw e;
      });
      this.session.catch(() => (this.session = undefined));
    }
    return this.session;
  }

  private async login(): Promise<Session> {
    const version = await this.negotiateVersion();
    const basic = Buffer.from(`${this.conn.user}@${this.conn.org}:${this.conn.password}`).toString("base64");
    const auth = { Authorization: `Basic ${basic}` };
    const bare: Session = { version, headers: {} };
    if (Number(version) >= 33) {
      const path =
        this.conn.org.toLowerCase() === "system"
          ? "/cloudapi/1.0.0/sessions/provider"
          : "/cloudapi/1.0.0/sessions";
      const res = await this.send({ method: "POST", path, accept: "json" }, bare, auth);
      const token = res.headers["x-vmware-vcloud-access-token"];
      if (!token)
        throw new ApiError("INVALID_RESPONSE", "vCD login returned no X-VMWARE-VCLOUD-ACCESS-TOKEN header");
      return { version, headers: { Authorization: `Bearer ${token}` } };
    }
    const res = await this.send({ method: "POST", path: "/api/sessions" }, bare, auth);
    const jwt = res.headers["x-vmware-vcloud-access-token"];
    const legacy = res.headers["x-vcloud-authorization"];
    if (jwt) return { version, headers: { Authorization: `Bearer ${jwt}` } };
    if (legacy) return { version, headers: { "x-vcloud-authorization": legacy } };
    throw new ApiError("INVALID_RESPONSE", "vCD login returned no session token header");
  }

  /** Highest version offered by the server and known to us, or the pinned one. */
  private async negotiateVersion(): Promise<string> {
    const res = await this.send({ method: "GET", path: "/api/versions" }, undefined);
    const infos = document(res, "SupportedVersions", supportedVersionsDoc)["VersionInfo"] as XmlNode[];
    const offered = infos.map((v) => ({
      version: text(v["Version"]) ?? "",
      deprecated: v["@_deprecated"] === "true",
    }));
    if (this.conn.apiVersion) {
      if (!offered.some((o) => o.version === this.conn.apiVersion)) {
        throw new ApiError(
          "UNSUPPORTED",
          `vCD does not offer API version ${this.conn.apiVersion} (offers ${offered.map((o) => o.version).join(", ")}); ` +
            "set l2stretch:apiVersion to one of those or unset it to negotiate",
        );
      }
      return this.conn.apiVersion;
    }
    const usable = offered
      .filter((o) => CLIENT_API_VERSIONS.includes(o.version))
      .sort((a, b) => Number(a.deprecated) - Number(b.deprecated) || Number(b.version) - Number(a.version));
    if (usable.length === 0) {
      throw new ApiError(
        "UNSUPPORTED",
        `no common vCD API version: server offers ${offered.map((o) => o.version).join(", ") || "none"}, ` +
          `client speaks ${CLIENT_API_VERSIONS[0]}–${CLIENT_API_VERSIONS.at(-1)}`,
      );
    }
    return usable[0]!.version;
  }

  private async send(
    req: VcdRequest,
    session: Session | undefined,
    extra: Record<string, string> = {},
  ): Promise<VcdResponse> {
    const accept = req.accept ?? (req.path.includes("/cloudapi/") ? "json" : "xml");
    const version = session?.version;
    const headers: Record<string, string> = {
      Accept: version
        ? accept === "json"
          ? `application/json;version=${version}`
          : `application/*+xml;version=${version}`
        : "application/*+xml",
      "X-VMWARE-VCLOUD-CLIENT-REQUEST-ID": randomUUID(),
      "User-Agent": "l2stretch",
      ...(session?.headers ?? {}),
      ...extra,
    };
    let data: string | undefined;
    if (req.body && "xml" in req.body) {
      headers["Content-Type"] = req.body.contentType;
      data = req.body.xml;
    } else if (req.body) {
      headers["Content-Type"] = "application/json";
      data = JSON.stringify(req.body.json);
    }
    const url = req.path;
    const res = await this.http.send({ method: req.method, url, headers, data });
    const { problem, ...parsed } = parseBody(res.body, res.headers["content-type"] ?? "");
    if (res.status >= 200 && res.status < 300) {
      if (problem) {
        throw new ApiError(
          "MALFORMED_RESPONSE",
          `vCD's ${res.status} answer is not a complete document (${problem}); it was probably cut off in transit`,
          {
            method: req.method,
            url,
            status: res.status,
            requestId: res.headers["x-vmware-vcloud-request-id"],
          },
        );
      }
      return { status: res.status, headers: res.headers, text: res.body, ...parsed };
    }
    throw httpError(res.status, parsed, res.body, {
      method: req.method,
      url,
      requestId: res.headers["x-vmware-vcloud-request-id"],
    });
  }

  private debug(line: string): void {
    this.conn.log?.(line);
  }
}

/**
 * The parsed body, or the reason it is not a complete document. fast-xml-parser's parser is
 * lenient (a body cut off after `</vnic>` reads as a shorter list), so XML is validated
 * first; an incomplete 2xx body becomes a retryable MALFORMED_RESPONSE in `send`, while for
 * an error status the status alone decides.
 */
function parseBody(body: string, contentType: string): { xml?: XmlNode; json?: unknown; problem?: string } {
  const trimmed = body.trimStart();
  if (!trimmed) return {};
  if (contentType.includes("json") || trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return { json: JSON.parse(body) };
    } catch (e) {
      return { problem: (e as Error).message };
    }
  }
  if (trimmed.startsWith("<") || contentType.includes("xml")) {
    const problem = xmlProblem(body);
    return problem ? { problem } : { xml: parseXml(body) };
  }
  return {};
}

function httpError(
  status: number,
  parsed: { xml?: XmlNode; json?: unknown },
  body: string,
  details: { method: string; url: string; requestId?: string },
): ApiError {
  const vcdError = parsed.xml?.["Error"] as XmlNode | undefined;
  const nsxError = parsed.xml?.["error"] as XmlNode | undefined;
  const json = parsed.json as
    { minorErrorCode?: string; message?: string; errorCode?: string | number; details?: string } | undefined;
  const vendorCode = String(
    vcdError?.["@_minorErrorCode"] ??
      text(nsxError?.["errorCode"]) ??
      json?.minorErrorCode ??
      json?.errorCode ??
      "",
  );
  const message =
    String(vcdError?.["@_message"] ?? text(nsxError?.["details"]) ?? json?.message ?? json?.details ?? "") ||
    body.slice(0, 300) ||
    `HTTP ${status}`;
  const full = { ...details, status, vendorCode };
  return new ApiError(classify(status, vendorCode, message), `vCD ${status} ${vendorCode}: ${message}`, full);
}

function classify(status: number, vendorCode: string, message: string): ApiErrorCode {
  if (vendorCode === "BUSY_ENTITY" || BUSY_TEXT.test(message)) return "BUSY_ENTITY";
  if (vendorCode === "DUPLICATE_NAME") return "DUPLICATE_NAME";
  return codeForStatus(status);
}
