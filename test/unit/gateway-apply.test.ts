import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ExecOptions, ExecResult, Executor } from "../../gateway/agent/exec";
import { Charon } from "../../gateway/agent/charon";
import { Applier, ConfigStore } from "../../gateway/agent/apply";
import { charonPaths } from "../../gateway/agent/render";
import { GatewayConfigSchema } from "../../contract/gatewayDocument";
import { tokenMatches } from "../../gateway/agent/api";
import { renderMetrics } from "../../gateway/agent/metrics";
import { gatewayDoc } from "../support/gateway-config";

/** Pretends to be a gateway whose links are whatever the recorded `ip link add/del` made them. */
class FakeExecutor implements Executor {
  readonly where = "fake";
  readonly log: string[] = [];
  links = new Map<string, Record<string, unknown>>([
    ["eth1", { ifname: "eth1", mtu: 1500, flags: ["UP"] }],
    ["eth2", { ifname: "eth2", mtu: 1500, flags: ["UP"] }],
  ]);
  constructor(private readonly failOn: RegExp | undefined) {}
  async run(argv: string[], _opts?: ExecOptions): Promise<ExecResult> {
    const cmd = argv.join(" ");
    const ok = (stdout = ""): ExecResult => ({ code: 0, stdout, stderr: "" });
    if (cmd.startsWith("ip -j -d -s link show")) return ok(JSON.stringify([...this.links.values()]));
    if (cmd.startsWith("ip -j")) return ok("[]");
    if (cmd.startsWith("nft -j")) return ok('{"nftables":[]}');
    if (argv[0] === "swanctl") return ok("");
    this.log.push(cmd);
    if (this.failOn?.test(cmd))
      return { code: 2, stdout: "", stderr: "RTNETLINK answers: Operation not supported" };
    const add = /^ip link add (?:name )?(\S+)(?: mtu (\d+))? type (\w+)/.exec(cmd);
    if (add) {
      const data =
        add[3] === "vxlan"
          ? {
              id: Number(/ id (\d+)/.exec(cmd)?.[1]),
              local: /local (\S+)/.exec(cmd)?.[1],
              remote: /remote (\S+)/.exec(cmd)?.[1],
              port: 4789,
            }
          : {};
      this.links.set(add[1] as string, {
        ifname: add[1],
        mtu: Number(add[2] ?? 1500),
        flags: [],
        linkinfo: { info_kind: add[3], info_data: data },
      });
    }
    const master = /^ip link set (\S+) master (\S+)/.exec(cmd);
    if (master) (this.links.get(master[1] as string) as Record<string, unknown>)["master"] = master[2];
    const up = /^ip link set (\S+) up/.exec(cmd);
    if (up) (this.links.get(up[1] as string) as Record<string, unknown>)["flags"] = ["UP"];
    const del = /^ip link del (\S+)/.exec(cmd);
    if (del) this.links.delete(del[1] as string);
    return ok();
  }
  spawnDaemon(): number {
    throw new Error("not in unit tests");
  }
}

/** charon stand-in: always running, nothing loaded; records the calls. */
class FakeCharon extends Charon {
  calls: string[] = [];
  override isRunning(): boolean {
    return true;
  }
  override async connLoaded(): Promise<boolean> {
    return this.calls.includes("load");
  }
  override async start(): Promise<void> {
    this.calls.push("start");
  }
  override async load(): Promise<void> {
    this.calls.push("load");
  }
}

const base = gatewayDoc({ localId: "gwA", peerId: "gwB" });

describe("applier", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "l2stretch-unit-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("a failed apply rolls back to the last good config; unchanged networks are not touched", async () => {
    const good = GatewayConfigSchema.parse(base);
    const ex = new FakeExecutor(/l2vx200/);
    const paths = charonPaths(dir);
    const applier = new Applier(ex, new FakeCharon(ex, paths), paths);
    expect((await applier.apply(good, undefined)).ok).toBe(true);
    expect(ex.links.has("l2vx100")).toBe(true);

    ex.log.length = 0;
    const next = GatewayConfigSchema.parse({
      ...base,
      networks: [
        ...base.networks,
        { name: "green", vni: 200, attachment: { type: "interface", interface: "eth2" } },
      ],
    });
    const r = await applier.apply(next, good);
    expect(r.ok).toBe(false);
    expect(r.rolledBack).toBe(true);
    expect(r.error).toMatch(/network\/green: .*Operation not supported/);
    // The half-built green bridge is gone again, blue was never touched.
    expect(ex.links.has("l2br200")).toBe(false);
    expect(ex.log.some((c) => c.includes("l2vx100") || c.includes("l2br100"))).toBe(false);
  });

  test("the last good config survives a restart of the store (atomic JSON on disk)", () => {
    const store = new ConfigStore(dir);
    expect(store.load()).toBeUndefined();
    const good = GatewayConfigSchema.parse(base);
    store.save(good);
    expect(new ConfigStore(dir).load()).toEqual(good);
    fs.writeFileSync(store.file, "{ broken");
    expect(new ConfigStore(dir).load()).toBeUndefined();
  });
});

describe("API helpers", () => {
  test("token comparison", () => {
    expect(tokenMatches("secret-token-123456", "secret-token-123456")).toBe(true);
    expect(tokenMatches("secret-token-12345", "secret-token-123456")).toBe(false);
    expect(tokenMatches(undefined, "secret-token-123456")).toBe(false);
    expect(tokenMatches("", "secret-token-123456")).toBe(false);
  });

  test("Prometheus text format", () => {
    const t = renderMetrics([
      { name: "l2stretch_tunnel_up", help: "tunnel", type: "gauge", samples: [{ value: 1 }] },
      {
        name: "l2stretch_network_bytes",
        help: "bytes",
        type: "counter",
        samples: [{ labels: { network: 'a"b', direction: "rx" }, value: 5 }],
      },
    ]);
    expect(t).toBe(
      '# HELP l2stretch_tunnel_up tunnel\n# TYPE l2stretch_tunnel_up gauge\nl2stretch_tunnel_up 1\n# HELP l2stretch_network_bytes bytes\n# TYPE l2stretch_network_bytes counter\nl2stretch_network_bytes{network="a\\"b",direction="rx"} 5\n',
    );
  });
});
