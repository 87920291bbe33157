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
});
