import {
  normalizeSubinterfaceOrgNetwork,
  subinterfaceOrgNetworkSchema,
} from "../../contract/schemas/subinterfaceOrgNetwork";
import { checkWithSchema } from "../../contract/validation";

const good = {
  vdc: "acme-vdc",
  edgeGateway: "edge-cloud-1",
  name: "stretched-app",
  gatewayCidr: "10.20.0.1/24",
  dnsServers: ["10.20.0.53", "10.20.0.54"],
  dnsSuffix: "App.Example.com",
  staticIpPools: [
    { start: "10.20.0.150", end: "10.20.0.199" },
    { start: "10.20.0.100", end: "10.20.0.149" },
  ],
};

const check = (news: Record<string, unknown>) =>
  checkWithSchema(subinterfaceOrgNetworkSchema, news, normalizeSubinterfaceOrgNetwork);

describe("SubinterfaceOrgNetwork schema", () => {
  it("accepts a valid network and normalises it (defaults, pool order, suffix case)", () => {
    const r = check(good);
    expect(r.failures).toEqual([]);
    expect(r.value).toMatchObject({
      shared: false,
      adopt: false,
      description: "",
      dnsSuffix: "app.example.com",
      staticIpPools: [
        { start: "10.20.0.100", end: "10.20.0.149" },
        { start: "10.20.0.150", end: "10.20.0.199" },
      ],
    });
  });

  it("ignores output-only properties passed as undefined by the resource class", () => {
    expect(check({ ...good, tunnelId: undefined, networkId: null }).failures).toEqual([]);
  });

  const bad: [string, Record<string, unknown>, string, RegExp][] = [
    [
      "gateway is the network address",
      { gatewayCidr: "10.20.0.0/24" },
      "gatewayCidr",
      /host address inside 10\.20\.0\.0\/24/,
    ],
    [
      "gateway is the broadcast address",
      { gatewayCidr: "10.20.0.255/24" },
      "gatewayCidr",
      /not its network or broadcast/,
    ],
    ["gateway without prefix", { gatewayCidr: "10.20.0.1" }, "gatewayCidr", /e\.g\. "10\.1\.1\.1\/24"/],
    ["prefix too long for hosts", { gatewayCidr: "10.20.0.1/31" }, "gatewayCidr", /\/30 or shorter/],
    [
      "pool outside the subnet",
      { staticIpPools: [{ start: "10.30.0.10", end: "10.20.0.20" }] },
      "staticIpPools[0].start",
      /outside the subnet 10\.20\.0\.0\/24/,
    ],
    [
      "overlapping pools",
      {
        staticIpPools: [
          { start: "10.20.0.10", end: "10.20.0.50" },
          { start: "10.20.0.40", end: "10.20.0.60" },
        ],
      },
      "staticIpPools[1]",
      /overlaps staticIpPools\[0\].*make the ranges disjoint/,
    ],
    [
      "pool containing the gateway",
      { staticIpPools: [{ start: "10.20.0.1", end: "10.20.0.9" }] },
      "staticIpPools[0]",
      /contains the gateway 10\.20\.0\.1/,
    ],
    [
      "pool start after end",
      { staticIpPools: [{ start: "10.20.0.90", end: "10.20.0.10" }] },
      "staticIpPools[0]",
      /swap start and end/,
    ],
    ["bad DNS server", { dnsServers: ["10.20.0.300"] }, "dnsServers[0]", /IPv4 address/],
    ["three DNS servers", { dnsServers: ["10.0.0.1", "10.0.0.2", "10.0.0.3"] }, "dnsServers", /at most 2/],
    ["bad DNS suffix", { dnsSuffix: "not a domain" }, "dnsSuffix", /DNS domain/],
    ["name with a slash", { name: "a/b" }, "name", /vCD network name rules/],
    ["name starting with a dash", { name: "-net" }, "name", /starting with a letter or digit/],
    ["empty edge gateway", { edgeGateway: "" }, "edgeGateway", /edgeGateway is required/],
    ["unknown property", { vlan: 5 }, "vlan", /"vlan" is not an input; inputs here: .*dnsSuffix/],
    ["misspelt property", { gatewaycidr: "10.0.0.1/24" }, "gatewaycidr", /did you mean "gatewayCidr"/],
  ];

  it.each(bad)("rejects %s, naming the field and the fix", (_what, patch, property, reason) => {
    const r = check({ ...good, ...patch });
    expect(r.value).toBeUndefined();
    const failure = r.failures.find((f) => f.property === property);
    expect(failure).toBeDefined();
    expect(failure!.reason).toMatch(reason);
  });

  it("reports every problem at once", () => {
    const r = check({ ...good, gatewayCidr: "10.20.0.0/24", dnsServers: ["x"], name: "" });
    expect(r.failures.map((f) => f.property).sort()).toEqual(["dnsServers[0]", "gatewayCidr", "name"]);
  });

  it("skips values that are unknown at preview instead of failing them", () => {
    const r = check({ ...good, edgeGateway: "04da6b54-80e4-46f7-96ec-b56ff0331ba9", dnsServers: ["bad"] });
    expect(r.failures.map((f) => f.property)).toEqual(["dnsServers[0]"]);
  });
});
