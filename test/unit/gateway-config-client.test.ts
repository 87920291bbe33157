import * as fs from "node:fs";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import type { AddressInfo } from "node:net";
import { ensureTlsIdentity, type TlsIdentity } from "../../gateway/agent/tls";
import { isApiError } from "../../provider/common/errors";
import { GatewayAgentClient } from "../../provider/gateway/client";
import { waitForConvergence } from "../../provider/gateway/converge";
import { normalizeFingerprint } from "../../contract/endpoint";
import { CertificatePinError } from "../../provider/gateway/pinning";
import type { AgentStatus } from "../../contract/agentApi";
import { computeBudget } from "../../contract/mtu";

/** A self-signed HTTPS server standing in for an agent; records every request that reached it. */
const TOKEN = "unit-token-0123456789";
let dir: string;
let id: TlsIdentity;
let other: TlsIdentity;
let server: https.Server;
let port: number;
const seen: { method: string; url: string; auth: string | undefined }[] = [];
let reply: (method: string, url: string) => { status: number; body: unknown } = () => ({
  status: 200,
  body: {},
});

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "l2s-pin-"));
  id = await ensureTlsIdentity(path.join(dir, "a"), "agent-a");
  other = await ensureTlsIdentity(path.join(dir, "b"), "agent-b");
  server = https.createServer({ key: id.key, cert: id.cert }, (req, res) => {
    seen.push({ method: req.method ?? "", url: req.url ?? "", auth: req.headers.authorization });
    req.resume();
    req.on("end", () => {
      const r = reply(req.method ?? "", req.url ?? "");
      res.writeHead(r.status, { "content-type": "application/json" });
      res.end(JSON.stringify(r.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
}, 30_000);

afterAll(async () => {
  await new Promise((r) => server.close(r));
  fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  seen.length = 0;
  reply = () => ({ status: 200, body: {} });
});

const client = (o: Partial<ConstructorParameters<typeof GatewayAgentClient>[0]> = {}) =>
  new GatewayAgentClient({
    endpoint: `https://127.0.0.1:${port}`,
    token: TOKEN,
    fingerprint: id.fingerprint256,
    retry: { deadlineMs: 3_000, initialDelayMs: 10, maxDelayMs: 50 },
    ...o,
  });

describe("certificate pinning", () => {
  it("talks to the agent whose fingerprint is pinned, in any spelling", async () => {
    reply = () => ({ status: 200, body: { config: { a: 1 }, digest: "d" } });
    const bare = id.fingerprint256.replace(/:/g, "").toLowerCase();
    expect(await client({ fingerprint: `sha256:${bare}` }).getConfig()).toEqual({
      config: { a: 1 },
      digest: "d",
    });
    expect(seen).toEqual([{ method: "GET", url: "/v1/config", auth: `Bearer ${TOKEN}` }]);
  });

  it("refuses a server with another fingerprint before sending the token, naming both", async () => {
    const err = await client({ fingerprint: other.fingerprint256 })
      .getStatus()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CertificatePinError);
    const e = err as CertificatePinError;
    expect(e.expected).toBe(other.fingerprint256);
    expect(e.seen).toBe(id.fingerprint256);
    expect(e.message).toContain(other.fingerprint256);
    expect(e.message).toContain(id.fingerprint256);
    expect(e.message).not.toContain(TOKEN);
    expect(e.retryable).toBe(false);
    expect(seen).toEqual([]); // no HTTP request, so no token, ever reached the server
  });

  it("accepts a CA instead of a pin, and refuses a CA that did not issue the certificate", async () => {
    reply = () => ({ status: 404, body: { error: "no configuration applied yet" } });
    expect(await client({ fingerprint: undefined, caCertificate: id.cert }).getConfig()).toBeUndefined();
    const err = await client({ fingerprint: undefined, caCertificate: other.cert })
      .getConfig()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CertificatePinError);
    expect((err as Error).message).toMatch(/not trusted by the configured CA/);
    expect(seen).toHaveLength(1);
  });

  it("normalises fingerprints and rejects malformed ones", () => {
    expect(normalizeFingerprint(id.fingerprint256.toLowerCase())).toBe(id.fingerprint256);
    expect(normalizeFingerprint("AB:CD")).toBeUndefined();
  });
});

describe("agent errors and retries", () => {
  it("maps a refused token to UNAUTHORIZED without echoing it", async () => {
    reply = () => ({ status: 401, body: { error: "missing or invalid bearer token" } });
    const err = await client()
      .getStatus()
      .catch((e: unknown) => e);
    expect(isApiError(err, "UNAUTHORIZED")).toBe(true);
    expect((err as Error).message).not.toContain(TOKEN);
  });

  it("reports the agent's schema issues by path, and never the PSK", async () => {
    const psk = "s".repeat(40);
    reply = () => ({
      status: 400,
      body: { error: "invalid", issues: [{ path: "networks.0.vni", message: `bad ${psk}` }] },
    });
    const err = await client({ redact: [psk] })
      .putConfig({})
      .catch((e: unknown) => e);
    expect(isApiError(err, "BAD_REQUEST")).toBe(true);
    expect((err as Error).message).toMatch(/networks\.0\.vni/);
    expect((err as Error).message).not.toContain(psk);
  });

  it("retries transient 5xx answers, but not a failed (rolled back) apply", async () => {
    let n = 0;
    reply = () =>
      ++n < 3 ? { status: 503, body: { error: "busy" } } : { status: 200, body: { configured: true } };
    expect(await client().getStatus()).toEqual({ configured: true });
    expect(n).toBe(3);
    n = 0;
    reply = () => (n++, { status: 500, body: { error: "apply failed", apply: { ok: false } } });
    const err = await client()
      .putConfig({})
      .catch((e: unknown) => e);
    expect(isApiError(err, "TASK_FAILED")).toBe(true);
    expect(n).toBe(1);
  });

  it("turns DELETE on an agent without it (405) into 'unsupported', and 404 into absent", async () => {
    reply = () => ({ status: 405, body: { error: "method DELETE not allowed" } });
    expect(await client().deleteConfig()).toBe("unsupported");
    reply = () => ({ status: 404, body: {} });
    expect(await client().deleteConfig()).toEqual({ result: "absent", actions: [] });
  });

  it("reports a closed port as a retryable connection error", async () => {
    const err = await client({
      endpoint: "https://127.0.0.1:1",
      retry: { deadlineMs: 200, initialDelayMs: 10 },
    })
      .getStatus()
      .catch((e: unknown) => e);
    expect(isApiError(err, "CONNECTION_RESET")).toBe(true);
  });
});

describe("wait for convergence", () => {
  const tunnel = (state: Pick<AgentStatus["tunnel"], "ike" | "child" | "up">): AgentStatus["tunnel"] => ({
    ...state,
    bytesIn: 0,
    bytesOut: 0,
    charonRunning: true,
    charonRestarts: 0,
    lastCharonRestart: null,
  });
  const status = (over: Partial<AgentStatus>): AgentStatus => ({
    configured: true,
    digest: "d1",
    tunnel: tunnel({ ike: "ESTABLISHED", child: "INSTALLED", up: true }),
    budget: computeBudget({ underlayMtu: 1500, transport: { type: "ipsec" } }),
    pathMtu: null,
    leakGuardDrops: 0,
    injectGuardDrops: 0,
    underlayGuardDrops: 0,
    portGuardDrops: 0,
    networks: [],
    lastApply: { ok: true, actions: [], durationMs: 1, at: "" },
    rejectedConfigs: 0,
    ...over,
  });

  it("polls until the tunnel is up, reporting progress only when it changes", async () => {
    const answers = [status({ tunnel: tunnel({ ike: "CONNECTING", child: "DOWN", up: false }) })];
    answers.push(answers[0]!, status({}));
    reply = () => ({ status: 200, body: answers.shift() ?? status({}) });
    const progress: string[] = [];
    const r = await waitForConvergence(client(), {
      digest: "d1",
      intervalMs: 1,
      onProgress: (s) => progress.push(s),
    });
    expect(r.converged).toBe(true);
    expect(progress).toEqual(["tunnel DOWN; networks 0/0 present", "tunnel UP; networks 0/0 present"]);
  });

  it("gives up at the deadline and says what is pending", async () => {
    reply = () => ({ status: 200, body: status({ digest: "other" }) });
    const r = await waitForConvergence(client(), { digest: "d1", intervalMs: 5, deadlineMs: 50 });
    expect(r.converged).toBe(false);
    expect(r.pending.join()).toMatch(/agent runs config other, not d1/);
  });
});
