import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { GatewayConfigSchema } from "../../contract/gatewayDocument";
import { selfSignedCertArgv } from "../../gateway/agent/tls";
import { applyBootstrap } from "../../gateway/image/firstboot";
import {
  OvfEnvError,
  bootstrapFromProperties,
  parseOvfEnv,
  renderBootstrapFiles,
  renderIssue,
} from "../../gateway/image/ovfenv";

const TESTDATA = path.join(__dirname, "../../gateway/image/testdata");
const sampleXml = () => fs.readFileSync(path.join(TESTDATA, "ovf-env.sample.xml"), "utf8");
const sampleConfig = () =>
  JSON.parse(fs.readFileSync(path.join(TESTDATA, "first-config.sample.json"), "utf8")) as unknown;
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64");
const TOKEN = "sample-token-0123456789abcdef";

function env(props: Record<string, string>, prefix = "oe"): string {
  const p = prefix ? `${prefix}:` : "";
  const ns = prefix ? ` xmlns:${prefix}="http://schemas.dmtf.org/ovf/environment/1"` : "";
  return `<?xml version="1.0"?>
<Environment xmlns="http://schemas.dmtf.org/ovf/environment/1"${ns}>
  <PropertySection>
${Object.entries(props)
  .map(
    ([k, v]) =>
      `    <Property ${p}key="${k}" ${p}value="${v.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;")}"/>`,
  )
  .join("\n")}
  </PropertySection>
</Environment>`;
}

describe("OVF environment parsing", () => {
  test("the sample ovf-env.xml (as vSphere writes it) yields every property", () => {
    const props = parseOvfEnv(sampleXml());
    expect(Object.keys(props).sort()).toEqual([
      "l2stretch.agent.config",
      "l2stretch.agent.token",
      "l2stretch.hostname",
      "l2stretch.mgmt.address",
      "l2stretch.mgmt.dns",
      "l2stretch.mgmt.gateway",
    ]);
    expect(props["l2stretch.mgmt.address"]).toBe("192.0.2.10/24");
    expect(props["l2stretch.agent.token"]).toBe(TOKEN);
  });

  test("any namespace prefix, or none, and XML entities are decoded", () => {
    for (const prefix of ["oe", "ovfenv", ""]) {
      const props = parseOvfEnv(
        env({ "l2stretch.hostname": "gw-b", "l2stretch.agent.token": `a&b"c<d${"x".repeat(16)}` }, prefix),
      );
      expect(props["l2stretch.hostname"]).toBe("gw-b");
      expect(props["l2stretch.agent.token"]).toBe(`a&b"c<d${"x".repeat(16)}`);
    }
  });

  test("properties of sibling entities in a vApp are not taken for our own", () => {
    const xml = `<Environment xmlns="http://schemas.dmtf.org/ovf/environment/1" xmlns:oe="http://schemas.dmtf.org/ovf/environment/1">
      <PropertySection><Property oe:key="l2stretch.hostname" oe:value="mine"/></PropertySection>
      <Entity oe:id="other"><PropertySection><Property oe:key="l2stretch.hostname" oe:value="theirs"/></PropertySection></Entity>
    </Environment>`;
    expect(parseOvfEnv(xml)).toEqual({ "l2stretch.hostname": "mine" });
  });

  test("an empty PropertySection gives no properties; a broken document is an error", () => {
    expect(parseOvfEnv(`<Environment><PropertySection/></Environment>`)).toEqual({});
    expect(() => parseOvfEnv("<Environment><PropertySection>")).toThrow(OvfEnvError);
    expect(() => parseOvfEnv("<Other/>")).toThrow(/no Environment/);
  });
});

describe("bootstrap from vApp properties", () => {
  test("the sample maps to static addressing, DNS, token, listen address and the first config", () => {
    const b = bootstrapFromProperties(parseOvfEnv(sampleXml()));
    expect(b.problems).toEqual([]);
    expect(b.hostname).toBe("gw-a");
    expect(b.mgmt).toEqual({ mode: "static", ip: "192.0.2.10", prefix: 24, family: 4, gateway: "192.0.2.1" });
    expect(b.dns).toEqual(["192.0.2.53", "2001:db8::53"]);
    expect(b.token).toBe(TOKEN);
    expect(b.listen).toBe("192.0.2.10:8443");
    expect(b.firstConfig).toEqual(GatewayConfigSchema.parse(sampleConfig()));
  });

  test("the sample renders the expected systemd-networkd file and agent settings", () => {
    const files = new Map(
      renderBootstrapFiles(bootstrapFromProperties(parseOvfEnv(sampleXml()))).map((f) => [f.path, f]),
    );
    expect(files.get("/etc/systemd/network/10-l2stretch-mgmt.network")?.content).toBe(
      [
        "# Written on boot by l2stretch-firstboot from the vApp properties; edits are overwritten.",
        "[Match]",
        "Name=eth0",
        "",
        "[Network]",
        "Address=192.0.2.10/24",
        "Gateway=192.0.2.1",
        "IPv6AcceptRA=no",
        "DNS=192.0.2.53",
        "DNS=2001:db8::53",
        "",
        "[Link]",
        "RequiredForOnline=yes",
        "",
      ].join("\n"),
    );
    expect(files.get("/etc/l2stretch/token")).toEqual({
      path: "/etc/l2stretch/token",
      content: `${TOKEN}\n`,
      mode: 0o600,
    });
    expect(files.get("/etc/l2stretch/agent.env")?.content).toContain("L2STRETCH_LISTEN=192.0.2.10:8443\n");
    expect(files.get("/etc/resolv.conf")?.content).toBe("nameserver 192.0.2.53\nnameserver 2001:db8::53\n");
    expect(files.get("/etc/hostname")?.content).toBe("gw-a\n");
    expect(files.get("/etc/hosts")?.content).toContain("127.0.1.1\tgw-a\n");
  });

  test("no address means DHCP, listening on every address, and no resolv.conf override", () => {
    const b = bootstrapFromProperties({ "l2stretch.agent.token": TOKEN });
    expect(b.mgmt).toEqual({ mode: "dhcp" });
    expect(b.listen).toBe("0.0.0.0:8443");
    expect(b.hostname).toBe("l2stretch-gateway");
    const files = renderBootstrapFiles(b);
    expect(files.find((f) => f.path.endsWith("10-l2stretch-mgmt.network"))?.content).toContain("DHCP=yes\n");
    expect(files.find((f) => f.path === "/etc/resolv.conf")).toBeUndefined();
  });

  test("IPv6 static management: bracketed listen address", () => {
    const b = bootstrapFromProperties({
      "l2stretch.mgmt.address": "2001:db8:1::10/64",
      "l2stretch.mgmt.gateway": "2001:db8:1::1",
      "l2stretch.agent.token": TOKEN,
    });
    expect(b.problems).toEqual([]);
    expect(b.mgmt).toMatchObject({ mode: "static", family: 6, prefix: 64, gateway: "2001:db8:1::1" });
    expect(b.listen).toBe("[2001:db8:1::10]:8443");
  });

  test.each<[string, Record<string, string>, RegExp]>([
    [
      "address without prefix",
      { "l2stretch.mgmt.address": "192.0.2.10" },
      /l2stretch\.mgmt\.address .*using DHCP/,
    ],
    ["prefix out of range", { "l2stretch.mgmt.address": "192.0.2.10/33" }, /l2stretch\.mgmt\.address/],
    ["not an address", { "l2stretch.mgmt.address": "gw.example/24" }, /l2stretch\.mgmt\.address/],
  ])("%s falls back to DHCP and names the property", (_name, props, problem) => {
    const b = bootstrapFromProperties({ ...props, "l2stretch.agent.token": TOKEN });
    expect(b.mgmt).toEqual({ mode: "dhcp" });
    expect(b.problems.join("\n")).toMatch(problem);
  });

  test("a gateway of the other family is dropped; a gateway under DHCP is ignored", () => {
    const b = bootstrapFromProperties({
      "l2stretch.mgmt.address": "192.0.2.10/24",
      "l2stretch.mgmt.gateway": "2001:db8::1",
    });
    expect(b.mgmt).toEqual({ mode: "static", ip: "192.0.2.10", prefix: 24, family: 4 });
    expect(b.problems.join("\n")).toMatch(/l2stretch\.mgmt\.gateway .*not an IPv4 address/);
    const d = bootstrapFromProperties({ "l2stretch.mgmt.gateway": "192.0.2.1" });
    expect(d.problems.join("\n")).toMatch(/l2stretch\.mgmt\.gateway is ignored/);
  });

  test("bad DNS entries and host names are reported, good ones kept", () => {
    const b = bootstrapFromProperties({
      "l2stretch.mgmt.dns": "192.0.2.53;dns.example 198.51.100.53",
      "l2stretch.hostname": "bad_name!",
    });
    expect(b.dns).toEqual(["192.0.2.53", "198.51.100.53"]);
    expect(b.hostname).toBe("l2stretch-gateway");
    expect(b.problems.join("\n")).toMatch(/l2stretch\.mgmt\.dns entry "dns\.example"/);
    expect(b.problems.join("\n")).toMatch(/l2stretch\.hostname "bad_name!"/);
    expect(bootstrapFromProperties({ "l2stretch.hostname": "GW-B.Site.Example" }).hostname).toBe(
      "gw-b.site.example",
    );
  });

  test("a short token is not written and never echoed; an empty one is reported", () => {
    const b = bootstrapFromProperties({ "l2stretch.agent.token": "short-secret" });
    expect(b.token).toBeUndefined();
    expect(b.problems.join("\n")).toMatch(/l2stretch\.agent\.token must be at least 16/);
    expect(b.problems.join("\n")).not.toContain("short-secret");
    expect(renderBootstrapFiles(b).find((f) => f.path === "/etc/l2stretch/token")).toBeUndefined();
    expect(
      bootstrapFromProperties({ "l2stretch.agent.token": "has spaces inside the token" }).token,
    ).toBeUndefined();
    expect(bootstrapFromProperties({}).problems.join("\n")).toMatch(/l2stretch\.agent\.token is empty/);
  });

  test("the first config may be base64, base64url or plain JSON", () => {
    const cfg = sampleConfig();
    const want = GatewayConfigSchema.parse(cfg);
    const url = b64(cfg).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    for (const v of [b64(cfg), url, JSON.stringify(cfg), b64(cfg).replace(/(.{60})/g, "$1\n")])
      expect(bootstrapFromProperties({ "l2stretch.agent.config": v }).firstConfig).toEqual(want);
  });

  test("a bad first config is not applied and the problem names the failing field", () => {
    const bad = sampleConfig() as { networks: { vni: number }[] };
    (bad.networks[0] as { vni: number }).vni = 0;
    const b = bootstrapFromProperties({ "l2stretch.agent.config": b64(bad), "l2stretch.agent.token": TOKEN });
    expect(b.firstConfig).toBeUndefined();
    expect(b.problems.join("\n")).toMatch(/l2stretch\.agent\.config is not a valid config: networks\.0\.vni/);
    expect(bootstrapFromProperties({ "l2stretch.agent.config": "%%%" }).problems.join("\n")).toMatch(
      /not base64/,
    );
    expect(
      bootstrapFromProperties({ "l2stretch.agent.config": b64("x").slice(0, 2) + "AAAA" }).problems.join(
        "\n",
      ),
    ).toMatch(/not base64-encoded JSON/);
  });

  test("the console banner lists the problems, with operator backslashes escaped for agetty", () => {
    const issue = renderIssue(bootstrapFromProperties({ "l2stretch.hostname": "a\\b" }));
    expect(issue).toContain("management: \\4{eth0} (DHCP)");
    expect(issue).toContain('l2stretch.hostname "a\\\\b"');
  });
});

describe("the agent's TLS identity from vApp properties", () => {
  let dir: string;
  const pem = (name: string) => {
    const keyFile = path.join(dir, `${name}.key`);
    const certFile = path.join(dir, `${name}.crt`);
    const [cmd, ...args] = selfSignedCertArgv({ commonName: name, days: 1, keyFile, certFile });
    execFileSync(cmd!, args, { stdio: "pipe" });
    return { cert: fs.readFileSync(certFile, "utf8"), key: fs.readFileSync(keyFile, "utf8"), certFile };
  };
  let a: ReturnType<typeof pem>;
  let b: ReturnType<typeof pem>;
  const b64s = (s: string) => Buffer.from(s).toString("base64");
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "l2s-tls-"));
    a = pem("a");
    b = pem("b");
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("a certificate and its key become the agent's files, with openssl's fingerprint on the console", () => {
    const boot = bootstrapFromProperties({
      "l2stretch.agent.token": TOKEN,
      "l2stretch.agent.tls.certificate": b64s(a.cert),
      "l2stretch.agent.tls.key": b64s(a.key),
    });
    expect(boot.problems).toEqual([]);
    const printed = execFileSync(
      "openssl",
      ["x509", "-in", a.certFile, "-noout", "-fingerprint", "-sha256"],
      {
        encoding: "utf8",
      },
    );
    expect(printed).toContain(boot.tls!.fingerprint256);
    expect(renderIssue(boot)).toContain(`agent TLS:  SHA-256 ${boot.tls!.fingerprint256}`);
    const key = renderBootstrapFiles(boot).find((f) => f.path === "/var/lib/l2stretch/tls/api-key.pem");
    expect([key?.mode, key?.content]).toEqual([0o600, a.key]);
  });

  test.each<[string, Record<string, string>, string]>([
    [
      "a certificate without its key",
      { cert: "A" },
      "l2stretch.agent.tls.certificate and l2stretch.agent.tls.key go together",
    ],
    [
      "a certificate that is not PEM",
      { cert: "bm90IGEgY2VydA==", key: "B" },
      "l2stretch.agent.tls.certificate is not a base64-encoded PEM certificate",
    ],
    [
      "the key of another certificate",
      { cert: "A", key: "B" },
      "l2stretch.agent.tls.key is not the base64-encoded PEM private key",
    ],
  ])("%s is reported, nothing is written and the agent makes its own", (_what, given, problem) => {
    const value = (v: string | undefined) => (v === "A" ? b64s(a.cert) : v === "B" ? b64s(b.key) : (v ?? ""));
    const boot = bootstrapFromProperties({
      "l2stretch.agent.token": TOKEN,
      "l2stretch.agent.tls.certificate": value(given["cert"]),
      "l2stretch.agent.tls.key": value(given["key"]),
    });
    expect(boot.problems.join("\n")).toContain(problem);
    expect(boot.problems.join("\n")).not.toContain("PRIVATE KEY");
    expect(boot.tls).toBeUndefined();
    expect(renderBootstrapFiles(boot).some((f) => f.path.includes("/tls/"))).toBe(false);
  });
});

describe("applying the bootstrap to a root directory", () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "l2s-firstboot-"));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  test("writes the files with their modes and seeds the first config as the agent's last good one", () => {
    const b = bootstrapFromProperties(parseOvfEnv(sampleXml()));
    const out = applyBootstrap(b, root);
    expect(out.firstConfig).toBe("seeded");
    expect(fs.statSync(path.join(root, "etc/l2stretch/token")).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path.join(root, "etc/l2stretch/token"), "utf8")).toBe(`${TOKEN}\n`);
    const lastGood = path.join(root, "var/lib/l2stretch/last-good.json");
    expect(fs.statSync(lastGood).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(root, "var/lib/l2stretch")).mode & 0o777).toBe(0o700);
    // The same shape the agent's ConfigStore loads on start.
    expect(GatewayConfigSchema.parse(JSON.parse(fs.readFileSync(lastGood, "utf8")))).toEqual(b.firstConfig);
  });

  test("the first config is seeded once: a later boot keeps the agent's config", () => {
    const b = bootstrapFromProperties(parseOvfEnv(sampleXml()));
    applyBootstrap(b, root);
    const lastGood = path.join(root, "var/lib/l2stretch/last-good.json");
    fs.writeFileSync(lastGood, "pushed through the API\n");
    expect(applyBootstrap(b, root).firstConfig).toBe("kept-existing");
    expect(fs.readFileSync(lastGood, "utf8")).toBe("pushed through the API\n");
    // Even if the agent's state is gone, the marker stops an old first config from coming back.
    fs.rmSync(lastGood);
    expect(applyBootstrap(b, root).firstConfig).toBe("kept-existing");
    expect(fs.existsSync(lastGood)).toBe(false);
  });

  test("an edited vApp property takes effect on the next boot; a missing token keeps the old file", () => {
    applyBootstrap(bootstrapFromProperties(parseOvfEnv(sampleXml())), root);
    applyBootstrap(bootstrapFromProperties({ "l2stretch.mgmt.address": "198.51.100.7/25" }), root);
    const net = fs.readFileSync(path.join(root, "etc/systemd/network/10-l2stretch-mgmt.network"), "utf8");
    expect(net).toContain("Address=198.51.100.7/25\n");
    expect(fs.readFileSync(path.join(root, "etc/l2stretch/token"), "utf8")).toBe(`${TOKEN}\n`);
  });
});
