import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { selfSignedCertArgv } from "../../gateway/agent/tls";
import { VcdExecutor } from "../../provider/vcd/executor";

/** TLS is verified by default; a CA bundle makes a private CA's certificate acceptable. */
describe("vCD client TLS", () => {
  let server: https.Server;
  let url: string;
  let cert: string;

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "l2s-tls-"));
    const key = path.join(dir, "key.pem");
    const crt = path.join(dir, "cert.pem");
    const [openssl, ...args] = selfSignedCertArgv({
      commonName: "vcd.test",
      days: 1,
      subjectAltName: "IP:127.0.0.1",
      keyFile: key,
      certFile: crt,
    });
    execFileSync(openssl!, args, { stdio: "ignore" });
    cert = readFileSync(crt, "utf8");
    server = https.createServer({ key: readFileSync(key), cert }, (req, res) => {
      if (req.url === "/api/versions") {
        res.setHeader("Content-Type", "application/*+xml");
        res.end(
          '<SupportedVersions xmlns="http://www.vmware.com/vcloud/versions"><VersionInfo deprecated="false"><Version>31.0</Version><LoginUrl>x</LoginUrl></VersionInfo></SupportedVersions>',
        );
        return;
      }
      res.statusCode = 401;
      res.setHeader("Content-Type", "application/vnd.vmware.vcloud.error+xml");
      res.end(
        '<Error xmlns="http://www.vmware.com/vcloud/v1.5" majorErrorCode="401" minorErrorCode="UNAUTHORIZED" message="bad credentials"/>',
      );
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => new Promise<void>((r) => server.close(() => r())));

  const conn = { org: "acme", user: "alice", password: "pw", retry: { deadlineMs: 1 } };

  it("refuses an unknown CA by default and says how to fix it", async () => {
    await expect(new VcdExecutor({ url, ...conn }).apiVersion()).rejects.toThrow(
      /TLS verification .* failed.*l2stretch:caCert/,
    );
  });

  it("trusts the server with the CA given in caCert (and gets as far as the login)", async () => {
    await expect(new VcdExecutor({ url, ...conn, caCert: cert }).apiVersion()).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
  });

  it("skips verification only when insecure is set", async () => {
    await expect(new VcdExecutor({ url, ...conn, insecure: true }).apiVersion()).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
  });
});
