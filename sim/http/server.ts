// The request pipeline: request id → (faults) → route → Accept version → auth → handler → reply.
// Faults come first so an injected 503 or reset never applies the request.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { notAcceptable, notFound, SimError, unauthorized } from "../core/errors";
import { authenticateNsx } from "../core/nsx/auth";
import { decideFault } from "../core/prng";
import { edgeOfRequest, type RequestLogEntry } from "../core/requestLog";
import type { SimCore } from "../core/sim-core";
import { compareVersions, parseAccept, supportedVersions } from "../core/versions";
import { errorReply } from "./respond";
import type { Router } from "./router";
import type { Area, Ctx, Reply } from "./types";

const MAX_BODY = 1024 * 1024;

export function areaOf(path: string): Area | undefined {
  if (path === "/_sim" || path.startsWith("/_sim/")) return "sim";
  if (path.startsWith("/api/4.0/") || path.startsWith("/api/2.0/")) return "nsx";
  if (path === "/api" || path.startsWith("/api/")) return "api";
  if (path.startsWith("/cloudapi/")) return "cloudapi";
  if (path.startsWith("/network/")) return "network";
  return undefined;
}

/**
 * The body, up to MAX_BODY. A larger one is read to its end without being kept and answered
 * 413: closing the socket mid-upload would reach the client as a connection reset, not an answer.
 */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on("end", () => {
      if (size > MAX_BODY)
        reject(new SimError(413, "BAD_REQUEST", `The request body is larger than ${MAX_BODY} bytes.`));
      else resolve(Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", reject);
  });
}

function tokenOf(req: IncomingMessage): string | undefined {
  const h = req.headers;
  const bearer = /^Bearer\s+(\S+)$/i.exec(h.authorization ?? "");
  const legacy = h["x-vcloud-authorization"];
  const access = h["x-vmware-vcloud-access-token"];
  return (
    (typeof legacy === "string" ? legacy : undefined) ??
    bearer?.[1] ??
    (typeof access === "string" ? access : undefined)
  );
}

function send(res: ServerResponse, reply: Reply, logged?: RequestLogEntry): void {
  if (logged) {
    logged.status = reply.status;
    logged.bytes = Buffer.byteLength(reply.body ?? "");
    logged.ms = Date.now() - logged.atMs;
  }
  if (reply.headers) for (const [k, v] of Object.entries(reply.headers)) res.setHeader(k, v);
  if (reply.contentType) res.setHeader("Content-Type", reply.contentType);
  res.statusCode = reply.status;
  res.end(reply.body ?? "");
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function createSimServer(core: SimCore, router: Router): Server {
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const clientId = req.headers["x-vmware-vcloud-client-request-id"];
    const requestId = typeof clientId === "string" && clientId ? clientId : randomUUID();
    res.setHeader("X-VMWARE-VCLOUD-REQUEST-ID", requestId);
    const url = new URL(req.url ?? "/", core.baseUrl || "http://127.0.0.1");
    const area = areaOf(url.pathname) ?? "api";
    let logged: RequestLogEntry | undefined;
    try {
      const body = await readBody(req);
      if (area !== "sim") {
        core.stats.requests++;
        const method = req.method ?? "GET";
        const path = `${url.pathname}${url.search}`;
        const edge = edgeOfRequest(core.world, method, url.pathname, body);
        logged = { atMs: Date.now(), ms: 0, method, path, status: 0, bytes: 0, ...(edge ? { edge } : {}) };
        core.requestLog.push(logged);
        if (core.faults.latencyMs > 0) await sleep(core.faults.latencyMs);
        const fault = decideFault(core.rng, core.faults);
        if (fault === "reset") {
          core.stats.faultsInjected++;
          req.socket.destroy();
          return;
        }
        if (fault === "error") {
          core.stats.faultsInjected++;
          const minor = core.rng() < 0.5 ? "INTERNAL_SERVER_ERROR" : "SERVICE_UNAVAILABLE";
          throw new SimError(503, minor, "The service is temporarily unavailable (injected fault).");
        }
      }
      // Time-based task completion happens before we look at the world.
      core.tasks.settle();

      const found = router.find(req.method ?? "GET", url.pathname);
      if (found === undefined) throw notFound(`The requested resource ${url.pathname} was not found.`);
      if (found === "method")
        throw new SimError(
          405,
          "METHOD_NOT_ALLOWED",
          `Method ${req.method} is not allowed on ${url.pathname}.`,
        );
      const { route, params } = found;

      let version = "";
      let wantsJson = false;
      if (route.versioned) {
        const accepted = parseAccept(req.headers.accept);
        const listed =
          accepted &&
          supportedVersions(core.vcdVersion).find((v) => compareVersions(v.version, accepted.version) === 0);
        if (!accepted || !listed) throw notAcceptable();
        version = listed.version;
        wantsJson = accepted.wantsJson;
      }
      let session;
      let nsxUser;
      if (route.auth === "nsx") nsxUser = authenticateNsx(core.world, req.headers.authorization);
      else if (route.auth) {
        const token = tokenOf(req);
        session = token ? core.sessions.lookup(token) : undefined;
        if (!session)
          throw unauthorized(
            token
              ? "The session has expired or the token is invalid; log in again."
              : "Authentication required.",
          );
      }
      const ctx: Ctx = {
        core,
        req,
        url,
        params,
        body,
        requestId,
        area,
        version,
        wantsJson,
        session,
        nsxUser,
      };
      send(res, await route.handler(ctx), logged);
    } catch (e) {
      const err =
        e instanceof SimError
          ? e
          : new SimError(500, "INTERNAL_SERVER_ERROR", `Internal error: ${(e as Error).message}`);
      if (!(e instanceof SimError)) console.error("l2stretch-sim: unexpected error", e);
      if (!res.headersSent && !res.destroyed) send(res, errorReply(area, err, requestId), logged);
    }
  }
  return createServer((req, res) => void handle(req, res));
}
