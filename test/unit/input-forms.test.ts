import { keyByName, listFromKeyed, mapAtPath } from "../../contract/keyed";
import { checkWithSchema, UNKNOWN } from "../../contract/validation";
import {
  edgeTrunkInterfaceSchema,
  normalizeEdgeTrunkInterface,
} from "../../contract/schemas/edgeTrunkInterface";
import { diffWithUnknowns, withInputForms } from "../../provider/handlers/inputForms";
import type { Props, ResourceHandler } from "../../provider/handlers/types";

const trunk = {
  name: "trunk",
  edge: { nsxEdge: "edge-1" },
  portgroupId: "dvportgroup-300",
  mtu: 1600,
  subInterfaces: [
    { name: "web", tunnelId: 1, vlanId: 100, addresses: ["10.40.0.2/24"] },
    { name: "app", tunnelId: 2, vlanId: 101, addresses: ["10.41.0.2/24"] },
  ],
};

describe("named lists keyed by name", () => {
  it("round-trips a list of uniquely named elements", () => {
    const keyed = keyByName(trunk.subInterfaces);
    expect(Object.keys(keyed as object)).toEqual(["web", "app"]);
    expect(listFromKeyed(keyed)).toEqual(trunk.subInterfaces);
  });

  it("keeps a list whose names repeat, are missing or unknown, so validation can name the problem", () => {
    const dup = [{ name: "a" }, { name: "a" }];
    expect(keyByName(dup)).toBe(dup);
    const noName = [{ vlanId: 1 }];
    expect(keyByName(noName)).toBe(noName);
    const unknownName = [{ name: UNKNOWN }];
    expect(keyByName(unknownName)).toBe(unknownName);
    expect(keyByName(UNKNOWN)).toBe(UNKNOWN);
  });

  it("maps a nested path without touching the rest", () => {
    const doc = { config: { networks: [{ name: "n1", vni: 100 }], other: 1 } };
    expect(mapAtPath(doc, "config.networks", keyByName)).toEqual({
      config: { networks: { n1: { vni: 100 } }, other: 1 },
    });
    expect(doc.config.networks).toEqual([{ name: "n1", vni: 100 }]);
  });
});

describe("validation with values not known until apply", () => {
  const check = (v: Record<string, unknown>) =>
    checkWithSchema(edgeTrunkInterfaceSchema, v, normalizeEdgeTrunkInterface);

  it("never reports an unknown as invalid", () => {
    const r = check({
      ...trunk,
      subInterfaces: [{ ...trunk.subInterfaces[0], tunnelId: UNKNOWN }, trunk.subInterfaces[1]],
    });
    expect(r.failures).toEqual([]);
    expect(r.value).toBeUndefined();
  });

  it("still reports a bad known value next to an unknown one", () => {
    const r = check({
      ...trunk,
      subInterfaces: [
        { ...trunk.subInterfaces[0], tunnelId: UNKNOWN },
        { ...trunk.subInterfaces[1], vlanId: 5000 },
      ],
    });
    expect(r.failures.map((f) => f.property)).toEqual(["subInterfaces[1].vlanId"]);
  });

  it("still runs rules across elements when a new element's tunnel ID is not known yet", () => {
    const r = check({
      ...trunk,
      subInterfaces: [
        ...trunk.subInterfaces,
        { name: "cache", tunnelId: UNKNOWN, vlanId: 101, addresses: ["10.41.0.9/24"] },
      ],
    });
    expect(r.failures).toEqual([
      {
        property: "subInterfaces[2].vlanId",
        reason: "vlanId 101 is already used by sub-interface app; each sub-interface needs its own vlanId",
      },
      {
        property: "subInterfaces[2].addresses[0]",
        reason: expect.stringMatching(/overlaps 10\.41\.0\.2\/24 of sub-interface app/),
      },
    ]);
  });
});

describe("failures in the user's words", () => {
  const check = (v: Record<string, unknown>) =>
    checkWithSchema(edgeTrunkInterfaceSchema, v, normalizeEdgeTrunkInterface);

  it("says what is missing instead of zod's 'Required'", () => {
    const { portgroupId: _p, ...rest } = trunk;
    expect(check(rest).failures).toEqual([
      { property: "portgroupId", reason: expect.stringMatching(/portgroupId/) },
    ]);
    expect(check(rest).failures[0]!.reason).not.toBe("Required");
  });

  it("names a misspelt input and the one meant", () => {
    expect(check({ ...trunk, portGroupId: "dvportgroup-1" }).failures).toEqual([
      { property: "portGroupId", reason: '"portGroupId" is not an input; did you mean "portgroupId"?' },
    ]);
  });
});

describe("withInputForms", () => {
  const calls: { op: string; args: Props[] }[] = [];
  const inner: ResourceHandler = {
    async check(_o, news) {
      calls.push({ op: "check", args: [news] });
      return {
        inputs: news,
        failures: [
          { property: "subInterfaces[1].vlanId", reason: "bad" },
          { property: "subInterfaces[1].vlanId", reason: "bad" },
        ],
      };
    },
    async diff(_id, olds, news) {
      calls.push({ op: "diff", args: [olds, news] });
      return { changes: false, replaces: [], deleteBeforeReplace: false };
    },
    async create(inputs) {
      return { id: "x", outs: inputs };
    },
    async read(id, props) {
      return { id, props, inputs: props };
    },
    async update(_id, _o, news) {
      return { outs: news };
    },
    async delete() {},
  };
  const spec = {
    inputKeys: ["edge", "portgroupId", "mtu", "subInterfaces"],
    replaceOn: ["edge"],
    keyedLists: ["subInterfaces"],
  };
  const h = withInputForms(inner, spec);
  const keyed = { ...trunk, subInterfaces: keyByName(trunk.subInterfaces) } as Props;

  it("hands the handler lists and gives Pulumi maps back", async () => {
    const r = await h.create(keyed);
    expect(r.outs["subInterfaces"]).toEqual(keyed["subInterfaces"]);
    const seen = calls.find((c) => c.op === "check") ?? { args: [] };
    await h.check({}, keyed);
    expect(calls.at(-1)!.args[0]!["subInterfaces"]).toEqual(trunk.subInterfaces);
    expect(seen).toBeDefined();
  });

  it("names list elements by name in failures, once each", async () => {
    const r = await h.check({}, keyed);
    // Nested paths go into the reason: the engine would print `value {<nil>}` for them.
    expect(r.failures).toEqual([{ property: "", reason: "subInterfaces[app].vlanId: bad" }]);
  });

  it("reads a list-shaped state of the previous release as the same inputs", async () => {
    await h.diff("x", { ...trunk }, keyed);
    const [olds, news] = calls.at(-1)!.args;
    expect(olds!["subInterfaces"]).toEqual(news!["subInterfaces"]);
  });

  it("with unknowns, answers what may change without asking the handler", async () => {
    const before = calls.length;
    const news = {
      ...keyed,
      subInterfaces: { ...(keyed["subInterfaces"] as object), db: { tunnelId: UNKNOWN } },
    };
    expect(await h.diff("x", keyed, news)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(calls.length).toBe(before);
  });

  it("with an unknown in a replacing input, says it may replace", () => {
    expect(diffWithUnknowns(spec, keyed, { ...keyed, edge: UNKNOWN })).toMatchObject({ replaces: ["edge"] });
    expect(diffWithUnknowns(spec, keyed, { ...keyed, mtu: UNKNOWN })).toMatchObject({ replaces: [] });
  });
});

describe("preview inputs with unknowns", () => {
  it("probes an existing entry that gained an unknown as it was before", async () => {
    const { knownPart } = await import("../../provider/handlers/inputForms");
    const olds = { sites: { onprem: { user: "u", stretchedTunnelIds: [1] } } };
    const news = { sites: { onprem: { user: "u", stretchedTunnelIds: [1, UNKNOWN] } } };
    const probe = knownPart(news, olds, ["sites"]);
    expect(probe.inputs).toEqual(olds);
    expect(probe.restore({ ...olds, enabled: true })).toEqual({ ...news, enabled: true });
  });

  it("normalises the known part and puts the unknowns back where they were", async () => {
    const { knownPart } = await import("../../provider/handlers/inputForms");
    const olds = { mtu: 1600, adopt: false, subInterfaces: { web: { tunnelId: 1, vlanId: 100 } }, ids: [1] };
    const news = {
      mtu: 1600,
      subInterfaces: { web: { tunnelId: 1, vlanId: 100 }, cache: { tunnelId: UNKNOWN, vlanId: 143 } },
      ids: [1, UNKNOWN],
    };
    const probe = knownPart(news, olds, ["subInterfaces"]);
    expect(probe.inputs).toEqual({
      mtu: 1600,
      subInterfaces: { web: { tunnelId: 1, vlanId: 100 } },
      ids: [1],
    });
    // What the handler's check makes of it (defaults filled), then the unknowns restored.
    const restored = probe.restore({ ...probe.inputs, adopt: false });
    expect(restored).toEqual({
      mtu: 1600,
      adopt: false,
      subInterfaces: { web: { tunnelId: 1, vlanId: 100 }, cache: { tunnelId: UNKNOWN, vlanId: 143 } },
      ids: [1, UNKNOWN],
    });
  });
});
