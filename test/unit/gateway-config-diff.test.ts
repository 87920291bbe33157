import { createHash } from "node:crypto";
import { gatewayConfigHandler, liveInputs } from "../../provider/handlers/gatewayConfig";
import { validateGatewayConfig } from "../../contract/schemas/gatewayConfig";
import type { AgentStatus } from "../../contract/agentApi";
import { gatewayDoc, onInterface, resourceInputs } from "../support/gateway-config";

/** Which changes update in place, which replace, and how the agent's live view maps back. */
const PSK = "q".repeat(40);
const FP = "AA:".repeat(31) + "AA";

const doc = () =>
  gatewayDoc({ psk: PSK, networks: [onInterface("blue", 100, "eth1"), onInterface("green", 200, "eth2")] });

function inputs(
  mutate: (d: ReturnType<typeof doc>) => void = () => undefined,
  extra: Record<string, unknown> = {},
) {
  const raw = resourceInputs(doc(), mutate, { endpoint: "https://10.0.0.5:8443", fingerprint: FP }, extra);
  const v = validateGatewayConfig(raw).value;
  if (!v) throw new Error("test inputs must be valid");
  return v as unknown as Record<string, unknown>;
}

const diff = (news: Record<string, unknown>) => gatewayConfigHandler.diff("id", inputs(), news);

describe("GatewayConfig diff", () => {
  it("is quiet when nothing changed, including cosmetic spellings", async () => {
    const r = await diff(
      inputs(undefined, { endpoint: "https://10.0.0.5:8443/", fingerprint: FP.toLowerCase() }),
    );
    expect(r).toMatchObject({ changes: false, replaces: [] });
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ["a new VNI", inputs((d) => (d.networks[1]!.vni = 201)), ["config"]],
    ["a removed network", inputs((d) => d.networks.pop()), ["config"]],
    ["a rotated PSK", inputs((d) => (d.transport.auth.psk = "r".repeat(40))), ["credentials"]],
    ["a rotated token", inputs(undefined, { token: "u".repeat(20) }), ["token"]],
    [
      "a new pinned fingerprint",
      inputs(undefined, { fingerprint: "BB:".repeat(31) + "BB" }),
      ["fingerprint"],
    ],
  ])("updates in place for %s", async (_what, news, changed) => {
    const r = await diff(news);
    expect(r).toMatchObject({ changes: true, replaces: [], deleteBeforeReplace: false, changed });
  });

  it("replaces (clearing the old appliance first) when the endpoint changes", async () => {
    const r = await diff(inputs(undefined, { endpoint: "https://10.0.0.6:8443" }));
    expect(r).toMatchObject({ changes: true, replaces: ["endpoint"], deleteBeforeReplace: true });
  });
});

describe("GatewayConfig read: the agent's live view as inputs", () => {
  const sha = (s: string) => `sha256:${createHash("sha256").update(s).digest("hex")}`;
  const old = inputs() as unknown as Parameters<typeof liveInputs>[0];
  const view = (psk: string) => {
    const live = JSON.parse(JSON.stringify(old.config)) as { transport: { auth: Record<string, unknown> } };
    live.transport.auth["psk"] = sha(psk);
    return { config: live as unknown as Record<string, unknown>, digest: "d" };
  };
  const status = (present: Record<string, boolean>): AgentStatus =>
    ({
      networks: Object.entries(present).map(([name, p]) => ({ name, present: p })),
    }) as unknown as AgentStatus;
  const refreshed = (v: ReturnType<typeof view>, s: AgentStatus) =>
    gatewayConfigHandler.diff("id", liveInputs(old, v, s) as unknown as Record<string, unknown>, inputs());

  it("shows no drift when the devices exist and the PSK hash matches", async () => {
    const live = liveInputs(old, view(PSK), status({ blue: true, green: true }));
    expect(live.credentials).toEqual({ psk: PSK });
    expect(await refreshed(view(PSK), status({ blue: true, green: true }))).toMatchObject({ changes: false });
  });

  it("drops a network whose devices are gone, which the program then puts back", async () => {
    const live = liveInputs(old, view(PSK), status({ blue: false, green: true }));
    expect((live.config["networks"] as { name: string }[]).map((n) => n.name)).toEqual(["green"]);
    expect(await refreshed(view(PSK), status({ blue: false, green: true }))).toMatchObject({
      changes: true,
      changed: ["config"],
      replaces: [],
    });
  });

  it("shows a PSK changed on the appliance as a credentials change, never the PSK itself", async () => {
    const live = liveInputs(
      old,
      view("someone else's key, long enough"),
      status({ blue: true, green: true }),
    );
    expect(live.credentials).toEqual({ psk: sha("someone else's key, long enough") });
    expect(
      await refreshed(view("someone else's key, long enough"), status({ blue: true, green: true })),
    ).toMatchObject({ changes: true, changed: ["credentials"] });
  });
});
