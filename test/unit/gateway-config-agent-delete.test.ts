import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Agent } from "../../gateway/agent/agent";
import { ConfigStore } from "../../gateway/agent/apply";
import type { ExecResult, Executor } from "../../gateway/agent/exec";
import type { LiveLink, LiveState } from "../../gateway/agent/live";
import { charonPaths } from "../../gateway/agent/render";
import { GatewayConfigSchema } from "../../contract/gatewayDocument";
import { teardownPlan } from "../../gateway/agent/teardown";
import { gatewayDoc, onInterface, onVlan } from "../support/gateway-config";

/** DELETE /v1/config in the agent: the teardown order and the agent forgetting its config. */
const cfg = GatewayConfigSchema.parse(
  gatewayDoc({
    psk: "k".repeat(32),
    networks: [onInterface("blue", 100, "eth1"), onVlan("red", 300, "eth3", 30)],
  }),
);

const link = (name: string, kind: string | undefined, master?: string): LiveLink => ({
  name,
  kind,
  mtu: 1500,
  up: true,
  master,
});

function live(): LiveState {
  const links = [
    link("eth1", undefined, "l2br100"),
    link("eth3", undefined),
    link("eth3.30", "vlan", "l2br300"),
    link("l2br100", "bridge"),
    link("l2vx100", "vxlan", "l2br100"),
    link("l2br300", "bridge"),
    link("l2vx300", "vxlan", "l2br300"),
    link("br-other", "bridge"),
  ];
  return {
    links: new Map(links.map((l) => [l.name, l])),
    loAddresses: ["192.0.2.1/32"],
    addresses: new Map(),
    routes: [],
    blackholes: ["192.0.2.2/32"],
    nft: [
      { family: "inet", name: "l2stretch", digest: "x", counters: {} },
      { family: "bridge", name: "l2stretch", digest: "x", counters: {} },
    ],
    sas: undefined,
  };
}

const commands = (s: LiveState, prev = cfg) =>
  teardownPlan(s, prev).flatMap((a) => a.steps.map((st) => (st.op === "exec" ? st.argv.join(" ") : st.op)));

describe("teardown plan", () => {
  it("removes VXLAN devices before bridges and guards, and only what the agent owns", () => {
    expect(commands(live())).toEqual([
      "ip link del l2vx100",
      "ip link del l2vx300",
      "ip link del l2br100",
      "ip link del l2br300",
      "ip link del eth3.30",
      "nft delete table inet l2stretch",
      "nft delete table bridge l2stretch",
      "ip route del blackhole 192.0.2.2/32",
      "ip addr del 192.0.2.1/32 dev lo",
    ]);
  });

  it("is empty on a clean machine", () => {
    const clean: LiveState = {
      ...live(),
      links: new Map([["eth1", link("eth1", undefined)]]),
      nft: [],
      loAddresses: [],
      blackholes: [],
    };
    expect(commands(clean)).toEqual([]);
  });
});

/** Gateway whose links are whatever `ip link del` left; everything else reads as empty. */
class FakeExecutor implements Executor {
  readonly where = "fake";
  readonly log: string[] = [];
  links = new Map<string, Record<string, unknown>>([
    ["eth1", { ifname: "eth1", mtu: 1500, flags: ["UP"], master: "l2br100" }],
    ["l2br100", { ifname: "l2br100", mtu: 1500, flags: ["UP"], linkinfo: { info_kind: "bridge" } }],
    [
      "l2vx100",
      { ifname: "l2vx100", mtu: 1350, flags: ["UP"], master: "l2br100", linkinfo: { info_kind: "vxlan" } },
    ],
  ]);
  async run(argv: string[]): Promise<ExecResult> {
    const cmd = argv.join(" ");
    const ok = (stdout = ""): ExecResult => ({ code: 0, stdout, stderr: "" });
    if (cmd.startsWith("ip -j -d -s link show")) return ok(JSON.stringify([...this.links.values()]));
    if (cmd.startsWith("ip -j")) return ok("[]");
    if (cmd.startsWith("nft -j")) return ok('{"nftables":[]}');
    if (argv[0] === "swanctl") return { code: 1, stdout: "", stderr: "no socket" };
    this.log.push(cmd);
    const del = /^ip link del (\S+)/.exec(cmd);
    if (del) this.links.delete(del[1] as string);
    return ok();
  }
  spawnDaemon(): number {
    throw new Error("not in unit tests");
  }
}

describe("Agent.deleteConfig", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "l2s-del-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("removes the devices, forgets the config and the PSK on disk, and is idempotent", async () => {
    new ConfigStore(dir).save(cfg);
    const swanctl = charonPaths(dir).swanctlDir;
    fs.mkdirSync(swanctl, { recursive: true });
    fs.writeFileSync(path.join(swanctl, "swanctl.conf"), "secret = kkkk");
    const ex = new FakeExecutor();
    const agent = new Agent({ stateDir: dir, executor: ex });

    const first = await agent.deleteConfig();
    expect(first.result).toBe("removed");
    expect(ex.log).toEqual(["ip link del l2vx100", "ip link del l2br100"]);
    expect([...ex.links.keys()]).toEqual(["eth1"]);
    expect(new ConfigStore(dir).load()).toBeUndefined();
    expect(fs.existsSync(swanctl)).toBe(false);
    expect(agent.getConfig()).toBeUndefined();

    const second = await agent.deleteConfig();
    expect(second).toEqual({ result: "absent", actions: [] });
  });
});
