/**
 * Client of one gateway agent's HTTPS API. No Pulumi imports: the handler, tests and tools
 * all use it. Every call is pinned (pinning.ts), retried on transient faults with the shared
 * policy (common/retry.ts), and fails with a typed `ApiError` whose message names what the
 * agent said but never the token or the PSK/private key.
 */
import { ApiError, ConfigError, type ApiErrorCode } from "../common/errors";
import { redactValues } from "../common/redact";
import { withRetry, type RetryOptions } from "../common/retry";
import { parseEndpoint, type Endpoint } from "../../contract/endpoint";
import { request } from "./http";
import type { TlsTrust } from "./pinning";
import type {
  AgentConfigView,
  AgentDeleteResult,
  AgentIssue,
  AgentPutResult,
  AgentStatus,
} from "../../contract/agentApi";

export interface GatewayClientOptions extends TlsTrust {
  /** `https://host:port` of the agent API. */
  endpoint: string;
  /** Bearer token of the agent. */
  token: string;
  /** Per-request timeout for reads. Default 30 000 ms. */
  requestTimeoutMs?: number;
  /** Per-request timeout for `PUT`/`DELETE`, which run the whole apply. Default 120 000 ms. */
  applyTimeoutMs?: number;
  retry?: RetryOptions;
  /** Further values that must never appear in an error message (PSK, private key). */
  redact?: readonly string[];
}

type Method = "GET" | "PUT" | "DELETE";

function codeFor(status: number, body: Record<string, unknown>): ApiErrorCode {
  if (status === 401) return "UNAUTHORIZED";
  if (status === 403) return "FORBIDDEN";
  if (status === 404) return "NOT_FOUND";
  if (status === 405) return "UNSUPPORTED";
  if (status === 409) return "CONFLICT";
  // The agent answers 500 with `apply` when the apply failed and was rolled back: the same
  // document would fail the same way, so it is not worth a retry.
  if (status === 500 && body["apply"] !== undefined) return "TASK_FAILED";
  if (status >= 500) return "SERVER_ERROR";
  if (status >= 400) return "BAD_REQUEST";
  return "INVALID_RESPONSE";
}

function explain(status: number, body: Record<string, unknown>): string {
  const said = typeof body["error"] === "string" ? body["error"] : undefined;
  if (status === 401) return "the gateway agent refused the token (401): check the token for this endpoint";
  if (status === 405) return `the gateway agent does not support this call (405)${said ? `: ${said}` : ""}`;
  if (status === 422) return `the gateway refused the config as not fitting the machine: ${said ?? "422"}`;
  if (status === 400) {
    const issues = Array.isArray(body["issues"]) ? (body["issues"] as AgentIssue[]) : [];
    return issues.length > 0
      ? `the gateway agent rejected the config: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`
      : `the gateway agent rejected the request: ${said ?? "400"}`;
  }
  return `gateway agent answered ${status}${said ? `: ${said}` : ""}`;
}

export class GatewayAgentClient {
  readonly endpoint: Endpoint;
  private readonly secrets: string[];

  constructor(private readonly o: GatewayClientOptions) {
    const ep = parseEndpoint(o.endpoint);
    if (!ep) throw new ConfigError(`endpoint "${o.endpoint}" must be https://host:port`);
    this.endpoint = ep;
    this.secrets = [o.token, ...(o.redact ?? [])];
  }

  private async once(method: Method, path: string, body: unknown, ok: number[]): Promise<unknown> {
    const res = await request({
      endpoint: this.endpoint,
      token: this.o.token,
      method,
      path,
      body,
      timeoutMs: method === "GET" ? (this.o.requestTimeoutMs ?? 30_000) : (this.o.applyTimeoutMs ?? 120_000),
      ...(this.o.fingerprint !== undefined ? { fingerprint: this.o.fingerprint } : {}),
      ...(this.o.caCertificate !== undefined ? { caCertificate: this.o.caCertificate } : {}),
    });
    let json: Record<string, unknown> = {};
    try {
      json = res.text ? (JSON.parse(res.text) as Record<string, unknown>) : {};
    } catch {
      if (res.status < 400)
        throw new ApiError("INVALID_RESPONSE", "the gateway agent answered with something other than JSON", {
          status: res.status,
          method,
          url: `${this.endpoint.url}${path}`,
        });
    }
    if (ok.includes(res.status)) return res.status === 404 || res.status === 405 ? res.status : json;
    throw new ApiError(codeFor(res.status, json), redactValues(explain(res.status, json), this.secrets), {
      status: res.status,
      method,
      url: `${this.endpoint.url}${path}`,
    });
  }

  private call(method: Method, path: string, body?: unknown, ok = [200]): Promise<unknown> {
    return withRetry(() => this.once(method, path, body, ok), this.o.retry).catch((e: unknown) => {
      // Last line of defence: whatever failed, its message carries no secret.
      if (e instanceof Error) e.message = redactValues(e.message, this.secrets);
      throw e;
    });
  }

  /** `PUT /v1/config`: validate → apply → report. Resolves once the agent applied it. */
  async putConfig(doc: unknown): Promise<AgentPutResult> {
    return (await this.call("PUT", "/v1/config", doc)) as AgentPutResult;
  }

  /** `GET /v1/config`; undefined when the agent has no configuration. */
  async getConfig(): Promise<AgentConfigView | undefined> {
    const r = await this.call("GET", "/v1/config", undefined, [200, 404]);
    return r === 404 ? undefined : (r as AgentConfigView);
  }

  async getStatus(): Promise<AgentStatus> {
    return (await this.call("GET", "/v1/status")) as AgentStatus;
  }

  /**
   * `DELETE /v1/config`; `unsupported` from an agent that predates it (405), so the caller can
   * fall back to pushing an empty network list.
   */
  async deleteConfig(): Promise<AgentDeleteResult | "unsupported"> {
    const r = await this.call("DELETE", "/v1/config", undefined, [200, 404, 405]);
    if (r === 405) return "unsupported";
    if (r === 404) return { result: "absent", actions: [] };
    return r as AgentDeleteResult;
  }
}
