import { joinSecrets, splitSecrets, validateGatewayConfig } from "../../contract/schemas/gatewayConfig";
import { gatewayConfigHandler } from "../../provider/handlers/gatewayConfig";
import { gatewayDoc, resourceInputs } from "../support/gateway-config";
import { UNKNOWN } from "../../contract/validation";

const PSK = "p".repeat(40);
const FP = Array.from({ length: 32 }, (_, i) => (i + 16).toString(16).toUpperCase()).join(":");

const doc = () => gatewayDoc({ psk: PSK });

/** Resource inputs as the SDK sends them: the PSK split out into credentials. */
function inputs(
  mutate: (d: ReturnType<typeof doc>) => void = () => undefined,
  extra: Record<string, unknown> = {},
) {
  return resourceInputs(doc(), mutate, { endpoint: "https://127.0.0.1:8443", fingerprint: FP }, extra);
}

const props = (r: ReturnType<typeof validateGatewayConfig>) =>
  r.issues.map((i) => `${i.property}: ${i.reason}`);

describe("GatewayConfig input validation", () => {
  it("accepts a valid document, fills the agent's defaults and keeps the PSK out of config", () => {
    const r = validateGatewayConfig(
      inputs(undefined, { fingerprint: `sha256:${FP.replace(/:/g, "").toLowerCase()}` }),
    );
    expect(r.issues).toEqual([]);
    expect(r.value?.fingerprint).toBe(FP);
    expect(r.value?.endpoint).toBe("https://127.0.0.1:8443");
    expect(r.value?.credentials).toEqual({ psk: PSK });
    expect(JSON.stringify(r.value?.config)).not.toContain(PSK);
    expect(r.value?.config).toMatchObject({ transport: { backend: "kernel-libipsec", dpdDelaySeconds: 2 } });
    expect(r.value?.convergenceTimeoutSeconds).toBe(180);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ["http endpoint", { endpoint: "http://10.0.0.5:8443" }, /^endpoint: .*https:\/\/host:port/],
    ["endpoint with a path", { endpoint: "https://10.0.0.5:8443/v1" }, /^endpoint: /],
    ["short token", { token: "short" }, /^token: .*at least 16/],
    ["bad fingerprint", { fingerprint: "AB:CD" }, /^fingerprint: .*SHA-256/],
    [
      "no fingerprint and no CA",
      { fingerprint: undefined },
      /^fingerprint: set fingerprint .* or caCertificate/,
    ],
    ["bad CA", { caCertificate: "not a pem" }, /^caCertificate: .*PEM/],
  ])("names the field: %s", (_what, extra, message) => {
    expect(props(validateGatewayConfig(inputs(undefined, extra)))).toEqual([expect.stringMatching(message)]);
  });

  it.each<[string, (d: ReturnType<typeof doc>) => void, RegExp]>([
    ["VNI out of range", (d) => (d.networks[0]!.vni = 0), /^config\.networks\[0\]\.vni: /],
    [
      "bad underlay address",
      (d) => (d.underlay.localAddress = "203.0.113.300"),
      /^config\.underlay\.localAddress: .*IPv4/,
    ],
    [
      "inner MTU over the budget",
      (d) => Object.assign(d.networks[0]!, { innerMtu: 1400 }),
      /^config\.networks\[0\]\.innerMtu: exceeds the budget: at most 1350/,
    ],
    ["short PSK", (d) => (d.transport.auth.psk = "short"), /^config\.transport\.auth\.psk: .*at least 32/],
    [
      "duplicate VNI",
      (d) =>
        d.networks.push({ name: "green", vni: 100, attachment: { type: "interface", interface: "eth2" } }),
      /^config\.networks\[1\]\.vni: duplicates networks\[0\]\.vni/,
    ],
  ])("validates the document with the agent's schema: %s", (_what, mutate, message) => {
    expect(props(validateGatewayConfig(inputs(mutate)))).toEqual([expect.stringMatching(message)]);
  });

  it("asks for the PSK when credentials are missing", () => {
    expect(props(validateGatewayConfig(inputs(undefined, { credentials: undefined })))).toEqual([
      expect.stringMatching(/^config\.transport\.auth\.psk: the pre-shared key is required/),
    ]);
  });

  it("skips values not known until apply instead of reporting them", () => {
    const r = validateGatewayConfig(
      inputs((d) => (d.underlay.vtepPeer = UNKNOWN), { token: UNKNOWN, credentials: { psk: UNKNOWN } }),
    );
    expect(r.issues).toEqual([]);
    expect(r.value).toBeUndefined();
  });

  it("check() reports every failure with its path", async () => {
    const r = await gatewayConfigHandler.check(
      {},
      inputs((d) => (d.networks[0]!.vni = -1), { token: "x" }),
    );
    expect(r.failures.map((f) => f.property).sort()).toEqual(["config.networks[0].vni", "token"]);
  });

  it("split and join are inverse, and split never leaves the secret behind", () => {
    const d = doc();
    const { config, credentials } = splitSecrets(d);
    expect(credentials).toEqual({ psk: PSK });
    expect(JSON.stringify(config)).not.toContain(PSK);
    expect(joinSecrets(config, credentials)).toEqual(d);
    const x509 = {
      ...d,
      transport: {
        ...d.transport,
        auth: { method: "x509", certificate: "c", privateKey: "KEY", caCertificate: "ca" },
      },
    };
    expect(splitSecrets(x509).credentials).toEqual({ privateKey: "KEY" });
  });
});
