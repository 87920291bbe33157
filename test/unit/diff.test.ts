import { computeDiff } from "../../provider/common/diff";
import { DIFF_SPEC } from "../../provider/handlers/subinterfaceOrgNetwork";
import { normalizeSubinterfaceOrgNetwork } from "../../contract/schemas/subinterfaceOrgNetwork";

const base = normalizeSubinterfaceOrgNetwork({
  vdc: "acme-vdc",
  edgeGateway: "edge-cloud-1",
  name: "net",
  gatewayCidr: "10.20.0.1/24",
  dnsServers: ["10.20.0.53"],
});

describe("diff classification", () => {
  it("finds no change for identical inputs", () => {
    expect(computeDiff(DIFF_SPEC, base, { ...base })).toMatchObject({ changes: false, replaces: [] });
  });

  it("treats a DNS change as an in-place update", () => {
    const d = computeDiff(DIFF_SPEC, base, { ...base, dnsServers: ["10.20.0.54"] });
    expect(d).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false, changed: ["dnsServers"] });
  });

  it("replaces on an edge gateway change, deleting first because the name would collide", () => {
    const d = computeDiff(DIFF_SPEC, base, { ...base, edgeGateway: "edge-cloud-2" });
    expect(d).toMatchObject({ changes: true, replaces: ["edgeGateway"], deleteBeforeReplace: true });
  });

  it("creates the replacement first when the name changes too", () => {
    const d = computeDiff(DIFF_SPEC, base, { ...base, edgeGateway: "edge-cloud-2", name: "net2" });
    expect(d).toMatchObject({
      replaces: ["edgeGateway"],
      deleteBeforeReplace: false,
      changed: ["edgeGateway", "name"],
    });
  });

  it("replaces on a subnet change and on a VDC change", () => {
    expect(computeDiff(DIFF_SPEC, base, { ...base, gatewayCidr: "10.30.0.1/24" }).replaces).toEqual([
      "gatewayCidr",
    ]);
    expect(computeDiff(DIFF_SPEC, base, { ...base, vdc: "other" }).replaces).toEqual(["vdc"]);
  });

  it("never reports a change of the adopt flag", () => {
    expect(computeDiff(DIFF_SPEC, base, { ...base, adopt: true }).changes).toBe(false);
  });

  it("treats a missing list and an empty list alike", () => {
    const { staticIpPools: _omit, ...withoutPools } = base;
    expect(computeDiff(DIFF_SPEC, withoutPools as typeof base, base).changes).toBe(false);
  });
});
