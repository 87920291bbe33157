import type { EngineEvent } from "@pulumi/pulumi/automation";
import { PlanRecorder } from "../../cli/plan";

/** The plan a CI job reads: which inputs of an update changed, named as a reviewer says them. */
function detailedDiff(olds: Record<string, unknown>, news: Record<string, unknown>): string[] {
  const recorder = new PlanRecorder();
  recorder.onEvent({
    resourcePreEvent: {
      metadata: {
        op: "update",
        urn: "urn:pulumi:dev::p::pulumi-nodejs:dynamic/l2stretch:GatewayConfig::pair-siteA",
        type: "pulumi-nodejs:dynamic/l2stretch:GatewayConfig",
        old: { inputs: olds },
        new: { inputs: news },
      },
    },
  } as unknown as EngineEvent);
  return recorder.steps[0]!.detailedDiff;
}

describe("plan recorder", () => {
  const blue = { vni: 7, attachment: { type: "interface", interface: "eth1" } };
  const doc = (networks: Record<string, unknown>, mtu = 1500) => ({
    config: { apiVersion: "l2stretch.gateway/v1", underlay: { localAddress: "203.0.113.1", mtu }, networks },
  });

  it("names a network added to or removed from a document's named list", () => {
    expect(detailedDiff(doc({ blue }), doc({ blue, red: { ...blue, vni: 9 } }))).toEqual([
      "+config.networks.red",
    ]);
    expect(detailedDiff(doc({ blue, red: blue }), doc({ blue }))).toEqual(["-config.networks.red"]);
  });

  it("stops at the entry of a named list, and follows a document into a changed setting", () => {
    expect(detailedDiff(doc({ blue }), doc({ blue: { ...blue, gatewayIp: "192.168.10.1" } }))).toEqual([
      "~config.networks.blue",
    ]);
    expect(detailedDiff(doc({ blue }), doc({ blue }, 1400))).toEqual(["~config.underlay.mtu"]);
    expect(
      detailedDiff({ subInterfaces: { web: { vlanId: 1 } } }, { subInterfaces: { web: { vlanId: 2 } } }),
    ).toEqual(["~subInterfaces.web"]);
    expect(detailedDiff({ dnsServers: ["10.0.0.1"] }, { dnsServers: ["10.0.0.2"] })).toEqual(["~dnsServers"]);
  });

  it("reports the stack's outputs from the engine's events with every secret as [secret]", () => {
    const recorder = new PlanRecorder();
    const secret = { [SIGNATURE]: "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" };
    recorder.onEvent({
      resOutputsEvent: {
        metadata: {
          op: "same",
          urn: "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev",
          type: "pulumi:pulumi:Stack",
          new: { outputs: { status: "up", password: secret, sites: [{ name: "a", psk: secret }] } },
        },
      },
    } as unknown as EngineEvent);
    recorder.onEvent({ summaryEvent: { resourceChanges: { same: 3, update: 1 } } } as unknown as EngineEvent);
    expect(recorder.stackOutputs).toEqual({
      status: "up",
      password: "[secret]",
      sites: [{ name: "a", psk: "[secret]" }],
    });
    expect(JSON.stringify(recorder.stackOutputs)).not.toContain("v1:abc");
    expect(recorder.changeSummary).toEqual({ same: 3, update: 1 });
  });
});

/** How the engine marks a secret in its events (Pulumi's resource.SecretSig). */
const SIGNATURE = "4dabf18193072939515e22adb298388d";
