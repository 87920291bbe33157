import http from "node:http";
import type { AddressInfo } from "node:net";
import { ApiError } from "../../provider/common/errors";
import { reclassify } from "../../provider/nsxv/errors";
import { NsxExecutor, nsxHttpError } from "../../provider/nsxv/executor";
import { parseXml } from "../../provider/vcd/xml";

const nsxError = (code: number, details: string) =>
  `<error><details>${details}</details><errorCode>${code}</errorCode><moduleName>vShield Edge</moduleName></error>`;
const where = { method: "PUT", url: "/api/4.0/edges/edge-1/vnics/2" };

describe("NSX error bodies → ApiError codes", () => {
  it.each([
    [409, nsxError(10013, "Edge edge-1 is busy, another configuration is in progress"), "BUSY_ENTITY", true],
    [400, nsxError(10013, "Edge edge-1 is busy, another configuration is in progress"), "BUSY_ENTITY", true],
    [409, nsxError(1, "Conflict"), "CONFLICT", true],
    [
      400,
      nsxError(
        202,
        "The object used in this operation has an older version 3 than the current system version 4. Refresh UI or fetch the latest copy of the object and retry",
      ),
      "CONFLICT",
      true,
    ],
    [400, nsxError(15004, "tunnelId 5000 is out of range 1-4093"), "BAD_REQUEST", false],
    [401, "", "UNAUTHORIZED", false],
    [403, nsxError(210, "forbidden"), "FORBIDDEN", false],
    [404, nsxError(202, "edge-9 not found"), "NOT_FOUND", false],
    [500, nsxError(1, "Internal"), "SERVER_ERROR", true],
    [503, "", "SERVER_ERROR", true],
    [504, "", "TIMEOUT", true],
  ])("HTTP %i %s → %s", (status, body, code, retryable) => {
    const e = nsxHttpError(status, body ? parseXml(body) : undefined, body, where);
    expect(e.code).toBe(code);
    expect(e.retryable).toBe(retryable);
    expect(e.details.status).toBe(status);
    expect(e.message).toContain("PUT /api/4.0/edges/edge-1/vnics/2");
  });

  it("keeps NSX's message and error code in the error", () => {
    const body = nsxError(15004, "tunnelId 5000 is out of range 1-4093");
    const e = nsxHttpError(400, parseXml(body), body, where);
    expect(e.message).toMatch(/^NSX 400 15004: tunnelId 5000 is out of range/);
    expect(e.details.vendorCode).toBe("15004");
  });

  it("reclassifies a busy text passed through the vCD proxy as a plain 400", () => {
    const e = new ApiError(
      "BAD_REQUEST",
      "vCD 400 10013: Edge edge-1 is busy, another configuration is in progress",
      {
        status: 400,
      },
    );
    const r = reclassify(e) as ApiError;
    expect(r.code).toBe("BUSY_ENTITY");
    expect(r.details.status).toBe(400);
    expect(reclassify(new ApiError("BAD_REQUEST", "invalid"))).toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("NsxExecutor over HTTP", () => {
  let server: http.Server;
  let url: string;
  const seen: { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  let script: ((req: http.IncomingMessage, res: http.ServerResponse) => void)[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        const next = script.shift();
        if (next) next(req, res);
        else res.writeHead(200, { "Content-Type": "application/xml" }).end("<ok/>");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    seen.length = 0;
    script = [];
  });

  const exec = (log?: (l: string) => void) =>
    new NsxExecutor({
      url,
      user: "admin",
      password: "Nsx-Admin-Secret-1",
      retry: { initialDelayMs: 1, maxDelayMs: 2 },
      log,
    });

  it("sends basic auth and XML, and logs without the password", async () => {
    const lines: string[] = [];
    await exec((l) => lines.push(l)).request({
      method: "PUT",
      path: "/api/4.0/edges/edge-1/l2vpn/config",
      xml: "<l2Vpn><l2VpnUser><password>Site-Secret-9</password></l2VpnUser></l2Vpn>",
    });
    expect(seen[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from("admin:Nsx-Admin-Secret-1").toString("base64")}`,
    );
    expect(seen[0]!.headers["content-type"]).toBe("application/xml");
    expect(seen[0]!.headers.accept).toBe("application/xml");
    const log = lines.join("\n");
    expect(log).not.toContain("Site-Secret-9");
    expect(log).not.toContain(Buffer.from("admin:Nsx-Admin-Secret-1").toString("base64"));
    expect(log).toContain("[redacted]");
  });

  it("retries GETs on 503 and resets, not writes", async () => {
    script = [
      (_q, s) => s.writeHead(503).end(),
      (q) => q.socket.destroy(),
      (_q, s) => s.writeHead(200, { "Content-Type": "application/xml" }).end("<vnics/>"),
    ];
    const res = await exec().request({ method: "GET", path: "/api/4.0/edges/edge-1/vnics" });
    expect(res.xml).toEqual({ vnics: "" });
    expect(seen).toHaveLength(3);

    seen.length = 0;
    script = [(_q, s) => s.writeHead(503).end()];
    await expect(exec().request({ method: "PUT", path: "/x", xml: "<a/>" })).rejects.toMatchObject({
      code: "SERVER_ERROR",
    });
    expect(seen).toHaveLength(1);
  });

  it("maps a reset to CONNECTION_RESET and a slow answer to TIMEOUT", async () => {
    script = [(q) => q.socket.destroy()];
    await expect(exec().request({ method: "DELETE", path: "/x" })).rejects.toMatchObject({
      code: "CONNECTION_RESET",
    });
    script = [(_q, s) => setTimeout(() => s.writeHead(200).end(), 300)];
    const slow = new NsxExecutor({ url, user: "a", password: "b", timeoutMs: 50 });
    await expect(slow.request({ method: "DELETE", path: "/x" })).rejects.toMatchObject({ code: "TIMEOUT" });
  });

  it("maps 401 to UNAUTHORIZED without retrying", async () => {
    script = [(_q, s) => s.writeHead(401).end()];
    await expect(exec().request({ method: "GET", path: "/api/4.0/edges" })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
    expect(seen).toHaveLength(1);
  });
});
