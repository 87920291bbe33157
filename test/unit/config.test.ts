import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { vcdConnectionFrom } from "../../provider/config";

const source = (values: Record<string, string>) => ({ get: (k: string) => values[k] });

describe("provider configuration", () => {
  const full = {
    "l2stretch:vcdUrl": "https://vcd.example.com",
    "l2stretch:org": "acme",
    "l2stretch:user": "alice",
    "l2stretch:password": "pw-from-config",
  };

  it("reads l2stretch:* stack config", () => {
    expect(vcdConnectionFrom(source(full), {})).toMatchObject({
      url: "https://vcd.example.com",
      org: "acme",
      password: "pw-from-config",
      insecure: false,
    });
  });

  it("falls back to environment variables", () => {
    const env = {
      VCD_URL: "https://env",
      VCD_ORG: "o",
      VCD_USER: "u",
      VCD_PASSWORD: "p",
      VCD_INSECURE: "true",
    };
    expect(vcdConnectionFrom(source({}), env)).toMatchObject({
      url: "https://env",
      org: "o",
      insecure: true,
    });
  });

  it("names the missing key and how to set it, with --secret for the password", () => {
    const { "l2stretch:password": _drop, ...noPassword } = full;
    expect(() => vcdConnectionFrom(source(noPassword), {})).toThrow(
      "l2stretch:password is not set: run `pulumi config set --secret l2stretch:password <password>` or set the VCD_PASSWORD environment variable",
    );
  });

  it("rejects a URL without a scheme", () => {
    expect(() => vcdConnectionFrom(source({ ...full, "l2stretch:vcdUrl": "vcd.example.com" }), {})).toThrow(
      /must start with https:\/\//,
    );
  });

  it("loads the CA bundle from a file path or takes inline PEM", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "l2s-ca-"));
    const file = path.join(dir, "ca.pem");
    writeFileSync(file, "-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n");
    expect(vcdConnectionFrom(source({ ...full, "l2stretch:caCert": file }), {}).caCert).toContain(
      "BEGIN CERTIFICATE",
    );
    expect(() =>
      vcdConnectionFrom(source({ ...full, "l2stretch:caCert": "/nonexistent/ca.pem" }), {}),
    ).toThrow(/cannot read CA bundle/);
  });
});
