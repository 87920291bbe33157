import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, lstatSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startSimulator, type RunningSim } from "../../sim";
import {
  ForeignProject,
  packTarball,
  ROOT,
  type PlannedStep,
  type StackResult,
} from "../support/foreignProject";

/**
 * The tarball is the product: packed, installed into a user's project outside the repository
 * that brings its own @pulumi/pulumi at another supported version than ours, typechecked
 * against the shipped .d.ts, and run through the real Pulumi CLI with `l2stretch-stack`:
 * every change is previewed first and the plan asserted, as a reviewer reads it in a PR.
 */
jest.setTimeout(900_000);

/** Oldest @pulumi/pulumi of our peer range; ours (devDependency) is 3.248.0. */
const USER_PULUMI = "3.216.0";
const OUR_TYPESCRIPT = (require("../../package.json") as { devDependencies: Record<string, string> })
  .devDependencies["typescript"]!;
const SECRETS = { vcd: "Alice-Secret-1", nsx: "Nsx-Admin-Secret-1", site: "Site-Passw0rd-42" };

const byOp = (steps: PlannedStep[] | undefined, op: string) =>
  (steps ?? [])
    .filter((s) => s.op === op && s.type !== "pulumi:pulumi:Stack" && !s.type.startsWith("pulumi:providers:"))
    .map((s) => s.name)
    .sort();
const step = (r: StackResult, name: string) => r.json.steps?.find((s) => s.name === name);
/** A program using the `l2stretch/vsphere` entry, with the given `site` input. */
const applianceProgram = (site: string) =>
  [
    'import { GatewayConfig } from "l2stretch";',
    'import { GatewayAppliance } from "l2stretch/vsphere";',
    'const gw = new GatewayAppliance("gw", { datacenterId: "dc", resourcePoolId: "rp", datastoreId: "ds",',
    '  ova: { localPath: "/x.ova" }, management: { networkId: "n", address: "192.0.2.1/24" },',
    `  site: ${site}, token: "t".repeat(16), tls: { fingerprint: "AB" } });`,
    'new GatewayConfig("c", { ...gw.agent, config: { apiVersion: "l2stretch.gateway/v1" } as never });',
    "",
  ].join("\n");

describe("the packed package in a user's own project", () => {
  let project: ForeignProject;
  let program: string;
  let sim: RunningSim;
  let simEnv: Record<string, string>;
  /** Tunnel IDs as vCD allocated them at the first up (creation order is parallel). */
  let ids: Record<string, number>;

  beforeAll(async () => {
    const tarball = await packTarball();
    project = await ForeignProject.create(tarball, {
      pulumi: USER_PULUMI,
      typescript: OUR_TYPESCRIPT,
      typesNode: "^20.0.0",
    });
    program = project.addProgram(path.join(__dirname, "landing-zone"), "landing-zone");
    const dir = mkdtempSync(path.join(tmpdir(), "l2s-pkg-sim-"));
    sim = await startSimulator({ port: 0, stateFile: path.join(dir, "world.json"), taskMs: 50 });
    simEnv = { VCD_URL: sim.url, VCD_ORG: "acme", VCD_USER: "alice", NSX_URL: sim.url, NSX_USER: "admin" };
  });
  afterAll(async () => sim?.close());

  it("installs as one copy of @pulumi/pulumi, the user's, with no link into the repository", () => {
    const installed = path.join(project.dir, "node_modules", "l2stretch");
    expect(lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(existsSync(path.join(installed, "node_modules", "@pulumi", "pulumi"))).toBe(false);
    const pulumiPkg = JSON.parse(project.read("node_modules/@pulumi/pulumi/package.json")) as {
      version: string;
    };
    expect(pulumiPkg.version).toBe(USER_PULUMI);
    const resolved = require.resolve("l2stretch", { paths: [project.dir] });
    expect(resolved.startsWith(project.dir)).toBe(true);
    expect(resolved.startsWith(ROOT)).toBe(false);
  });

  it("typechecks a TypeScript program against the shipped declarations", async () => {
    const tsc = await project.exec("tsc", ["-p", "tsconfig.json"], program);
    expect(tsc.output).toBe("");
    expect(tsc.code).toBe(0);
    // The declarations are real types, not `any`: a misspelt input is a compile error.
    writeFileSync(
      path.join(program, "typo.ts"),
      'import { EdgeTrunkInterface } from "l2stretch";\n' +
        'new EdgeTrunkInterface("t", { edge: { nsxEdge: "e" }, portgroupId: "p", subInterfaces: [{ name: "a", tunnelID: 1 }] });\n',
    );
    // So do the l2stretch/vsphere entry's: a program using it compiles, its misspelt twin does not.
    // One compiler run for all three files (tsc is slow here).
    writeFileSync(
      path.join(program, "appliance.ts"),
      applianceProgram('{ distributedVirtualSwitchUuid: "d", vlanId: 5 }'),
    );
    writeFileSync(
      path.join(program, "appliance-typo.ts"),
      applianceProgram('{ distributedVirtualSwitchUuid: "d", vlanID: 5 }'),
    );
    const typo = await project.exec(
      "tsc",
      ["--noEmit", "--strict", "--types", "node", "typo.ts", "appliance.ts", "appliance-typo.ts"],
      program,
    );
    expect(typo.code).not.toBe(0);
    expect(typo.output).toMatch(/tunnelID.*does not exist|Object literal may only specify known properties/);
    const errorFiles = [...typo.output.matchAll(/^(\S+)\(\d+,\d+\): error/gm)].map((m) => m[1]);
    expect(new Set(errorFiles)).toEqual(new Set(["typo.ts", "appliance-typo.ts"]));
    expect(typo.output).toMatch(/vlanID/);
  });

  it("loads without @pulumi/vsphere; l2stretch/vsphere and the provider path kept in users' state load too", async () => {
    const probe = path.join(project.dir, "entry-probe.js");
    writeFileSync(
      probe,
      [
        "const out = {};",
        'try { require.resolve("@pulumi/vsphere"); out.vsphere = "installed"; } catch { out.vsphere = "absent"; }',
        'const main = require("l2stretch");',
        "out.main = typeof main.GatewayConfig;",
        'out.mainHasAppliance = "GatewayAppliance" in main;',
        'out.appliance = typeof require("l2stretch/vsphere").GatewayAppliance;',
        'out.registry = typeof require("l2stretch/dist/provider/registry").handler;',
        "console.log(JSON.stringify(out));",
      ].join("\n"),
    );
    const out = execFileSync(process.execPath, [probe], { cwd: project.dir, encoding: "utf8" });
    expect(JSON.parse(out)).toEqual({
      vsphere: "absent",
      main: "function",
      mainHasAppliance: false,
      appliance: "function",
      registry: "function",
    });
  });

  const config = (networks: string, dns: Record<string, string> = {}) => [
    "--config",
    `networks=${networks}`,
    "--config",
    `subnets=${JSON.stringify({ web: 40, app: 41, db: 42, cache: 43 })}`,
    "--config",
    `dns=${JSON.stringify(dns)}`,
  ];
  const secrets = [
    "--secret",
    `l2stretch:password=${SECRETS.vcd}`,
    "--secret",
    `l2stretch:nsxPassword=${SECRETS.nsx}`,
    "--secret",
    `sitePassword=${SECRETS.site}`,
  ];
  const previewThenUp = async (args: string[]) => {
    const preview = await project.ok(program, "preview", ["--diff", ...args], simEnv);
    const up = await project.ok(program, "up", args, simEnv);
    return { preview, up };
  };

  it("previews and creates a composed landing zone", async () => {
    const { preview, up } = await previewThenUp([...config("web,app,db"), ...secrets]);
    expect(byOp(preview.json.steps, "create")).toEqual(
      ["app", "cloud-l2vpn", "db", "onprem-l2vpn", "onprem-trunk", "web"].sort(),
    );
    expect(preview.json.diagnostics).toEqual([]);
    ids = up.json.outputs?.["tunnelIds"] as Record<string, number>;
    expect(Object.values(ids).sort()).toEqual([1, 2, 3]);
    // Read live after both ends exist: the client has connected, so the server says up.
    expect(up.json.outputs?.["onpremTunnel"]).toBe("up");
    const again = await project.ok(
      program,
      "preview",
      ["--expect-no-changes", ...config("web,app,db")],
      simEnv,
    );
    expect(again.json.steps).toEqual([]);
  });

  it("previews adding a network: one create, the others updated in place", async () => {
    const { preview, up } = await previewThenUp(config("web,app,db,cache"));
    expect(byOp(preview.json.steps, "create")).toEqual(["cache"]);
    expect(byOp(preview.json.steps, "update")).toEqual(["cloud-l2vpn", "onprem-l2vpn", "onprem-trunk"]);
    expect(preview.json.steps!.filter((s) => /replace|delete/.test(s.op))).toEqual([]);
    expect(step(preview, "onprem-trunk")!.detailedDiff).toEqual(["+subInterfaces.cache"]);
    expect(preview.stderr).not.toMatch(/ConfigError|invalid .* inputs|at .*\.js:\d+/);
    expect(up.json.outputs?.["tunnelIds"]).toEqual({ ...ids, cache: 4 });
    ids = { ...ids, cache: 4 };
  });

  it("previews a DNS change of a network whose tunnel ID feeds three resources", async () => {
    const { preview, up } = await previewThenUp(config("web,app,db,cache", { app: "10.41.0.53" }));
    expect(up.json.outputs?.["tunnelIds"]).toEqual(ids);
    expect(step(preview, "app")).toMatchObject({ op: "update", diffs: ["dnsServers"] });
    expect(preview.json.steps!.filter((s) => /replace|delete|create/.test(s.op))).toEqual([]);
    expect(preview.json.diagnostics).toEqual([]);
    const settled = await project.ok(
      program,
      "preview",
      ["--expect-no-changes", ...config("web,app,db,cache", { app: "10.41.0.53" })],
      simEnv,
    );
    expect(settled.json.steps).toEqual([]);
  });

  it("previews removing the middle network as a removal, and renumbers nothing", async () => {
    const { preview, up } = await previewThenUp(config("web,db,cache", { app: "10.41.0.53" }));
    expect(byOp(preview.json.steps, "delete")).toEqual(["app"]);
    expect(preview.json.steps!.filter((s) => /replace|create/.test(s.op))).toEqual([]);
    // The reviewer's diff names the removed sub-interface and renames nothing.
    expect(step(preview, "onprem-trunk")!.detailedDiff).toEqual(["-subInterfaces.app"]);
    expect(step(preview, "cloud-l2vpn")!.detailedDiff).toEqual(["~sites.onprem"]);
    expect(preview.stderr).toMatch(/-\s+app\s*:\s*\{/);
    expect(preview.stderr).not.toMatch(/name\s*:\s*"app"\s*=>/);
    expect(preview.stderr).not.toMatch(/tunnelId\s*:\s*\d+\s*=>/);
    const { app: _removed, ...kept } = ids;
    expect(up.json.outputs?.["tunnelIds"]).toEqual(kept);
  });

  it("fails the preview, and the up, of a tired operator's typos before anything changes", async () => {
    const dns = { app: "10.41.0.53" };
    // A mistyped edge: the networks would be replaced (name kept, so deleted first).
    const edge = await project.stack(
      program,
      "preview",
      ["--diff", ...config("web,db,cache", dns), "--config", "cloudEdge=edge-cloud-9"],
      simEnv,
    );
    expect(edge.code).not.toBe(0);
    expect(edge.json.diagnostics?.map((d) => d.message).join("\n")).toMatch(
      /edgeGateway: .*edge-cloud-9.*edge-cloud-1/,
    );
    expect(edge.stderr).toMatch(/error: .*edge-cloud-9/); // shown even with --diff
    const up = await project.stack(
      program,
      "up",
      [...config("web,db,cache", dns), "--config", "cloudEdge=edge-cloud-9"],
      simEnv,
    );
    expect(up.code).not.toBe(0);
    // A network added with a VLAN its neighbour uses, while its tunnel ID is not known yet.
    const clash = await project.stack(
      program,
      "preview",
      [
        ...config("web,app,db,cache", dns),
        "--config",
        "cloudEdge=edge-cloud-1",
        "--config",
        `vlans=${JSON.stringify({ app: 140 })}`,
      ],
      simEnv,
    );
    expect(clash.code).not.toBe(0);
    expect(clash.json.diagnostics?.map((d) => d.message).join("\n")).toMatch(
      /vlanId 140 is already used by sub-interface (web|app)/,
    );
    // Nothing was touched: the stack still matches the program exactly.
    const settled = await project.ok(
      program,
      "preview",
      ["--expect-no-changes", ...config("web,db,cache", dns), "--config", `vlans=${JSON.stringify({})}`],
      simEnv,
    );
    expect(settled.json.steps).toEqual([]);
    expect(settled.json.diagnostics).toEqual([]);
  });

  it("destroys everything and never prints or stores a secret in clear", async () => {
    const r = await project.ok(program, "destroy", [], simEnv);
    expect(r.json.changeSummary?.["delete"]).toBeGreaterThanOrEqual(6);
    const state = readFileSync(path.join(project.dir, "landing-zone", "Pulumi.dev.yaml"), "utf8");
    for (const s of Object.values(SECRETS)) {
      expect(project.transcript).not.toContain(s);
      expect(state).not.toContain(s);
    }
  });

  it("refreshes and destroys a stack written by the previous release (0.1.0)", async () => {
    const fixture = path.join(__dirname, "predecessor-0.1.0");
    const dir = mkdtempSync(path.join(tmpdir(), "l2s-prev-sim-"));
    copyFileSync(path.join(fixture, "world.json"), path.join(dir, "world.json"));
    const prevSim = await startSimulator({ port: 0, stateFile: path.join(dir, "world.json"), taskMs: 50 });
    try {
      const env = {
        VCD_URL: prevSim.url,
        VCD_ORG: "acme",
        VCD_USER: "alice",
        NSX_URL: prevSim.url,
        NSX_USER: "admin",
        PULUMI_CONFIG_PASSPHRASE: "predecessor-passphrase",
      };
      const prog = path.join(project.dir, "predecessor");
      project.addProgram(path.join(fixture), "predecessor");
      writeFileSync(
        path.join(prog, "Pulumi.yaml"),
        "name: l2stretch-nsx-l2vpn\nruntime: nodejs\nmain: index.js\n",
      );
      writeFileSync(path.join(prog, "index.js"), "module.exports = {};\n");
      await project.pulumi(["stack", "init", "prev"], prog, env);
      await project.pulumi(["stack", "import", "--stack", "prev", "--file", "stack.json"], prog, env);
      const refresh = await project.ok(prog, "refresh", ["--stack", "prev"], env);
      expect(refresh.json.diagnostics).toEqual([]);
      const destroy = await project.ok(prog, "destroy", ["--stack", "prev"], env);
      expect(destroy.json.changeSummary?.["delete"]).toBe(7);
    } finally {
      await prevSim.close();
    }
  });
});
