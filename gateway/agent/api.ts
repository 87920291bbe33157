/**
 * HTTPS API of the agent. Authentication happens before the body is read, so an
 * unauthenticated client cannot make the agent buffer anything.
 */
import * as https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createHash, timingSafeEqual } from "node:crypto";
import type { AddressInfo } from "node:net";
import { Agent } from "./agent";
import { TlsIdentity } from "./tls";

export const MAX_BODY_BYTES = 1024 * 1024;

/** Constant-time token check: hashing first makes both sides the same length. */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = createHash("sha256").update(presented).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

function send(res: ServerResponse, status: number, body: unknown, contentType = "application/json"): void {
  const text = typeof body === "string" ? body : JSON.stringify(body, null, 2) + "\n";
  res.writeHead(status, {
    "content-type": contentType,
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
  });
  res.end(text);
}

class TooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? "0");
    if (declared > MAX_BODY_BYTES) return reject(new TooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners("data");
        reject(new TooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export interface ApiOptions {
  agent: Agent;
  tls: TlsIdentity;
  token: string;
  host: string;
  port: number;
  log?: (m: string) => void;
}

export async function startApi(opts: ApiOptions): Promise<{ server: https.Server; port: number }> {
  const { agent, token } = opts;
  const server = https.createServer({ key: opts.tls.key, cert: opts.tls.cert }, (req, res) => {
    void handle(req, res).catch((e: unknown) => {
      opts.log?.(`API error: ${String(e)}`);
      if (!res.headersSent) send(res, 500, { error: "internal error" });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const auth = req.headers["authorization"];
    const presented = typeof auth === "string" && auth.startsWith("Bearer ") ? auth.slice(7) : undefined;
    if (!tokenMatches(presented, token)) {
      res.setHeader("www-authenticate", 'Bearer realm="l2stretch-gateway"');
      // Drain nothing: close the connection so a large unauthenticated upload stops here.
      res.setHeader("connection", "close");
      send(res, 401, { error: "missing or invalid bearer token" });
      return;
    }
    const url = (req.url ?? "/").split("?")[0];
    if (url === "/v1/config" && req.method === "PUT") {
      let text: string;
      try {
        text = await readBody(req);
      } catch (e) {
        if (e instanceof TooLarge) {
          res.setHeader("connection", "close");
          send(res, 413, { error: `body larger than ${MAX_BODY_BYTES} bytes` });
          req.destroy();
          return;
        }
        throw e;
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        send(res, 400, {
          error: `malformed JSON: ${e instanceof Error ? e.message : String(e)}`,
          issues: [],
        });
        return;
      }
      const out = await agent.putConfig(json);
      send(res, out.status, out.body);
      return;
    }
    if (url === "/v1/config" && req.method === "GET") {
      const c = agent.getConfig();
      if (!c) send(res, 404, { error: "no configuration applied yet" });
      else send(res, 200, c);
      return;
    }
    if (url === "/v1/config" && req.method === "DELETE") {
      send(res, 200, await agent.deleteConfig());
      return;
    }
    if (url === "/v1/status" && req.method === "GET") {
      send(res, 200, { ...(await agent.status()), fingerprint256: opts.tls.fingerprint256 });
      return;
    }
    if (url === "/metrics" && req.method === "GET") {
      send(res, 200, await agent.metrics(), "text/plain; version=0.0.4");
      return;
    }
    if (["/v1/config", "/v1/status", "/metrics"].includes(url ?? "")) {
      send(res, 405, { error: `method ${req.method ?? "?"} not allowed` });
      return;
    }
    send(res, 404, { error: "not found" });
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
