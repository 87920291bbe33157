// The gateway OVA against VMware's own simulator: vcsim and govc from the same govmomi release
// (scripts/setup). The OVA is the one `build.sh --dry-run` packs (the real descriptor and
// manifest, a placeholder disk); it is imported with the vApp properties GatewayAppliance sets,
// then the VM, its properties and the OVF environment its guest would read are read back.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { APPLIANCE_HARDWARE, OVF_NETWORKS, VAPP_KEYS, VAPP_PROPERTIES } from "../../contract/appliance";
import type { GatewayConfigInput } from "../../contract/gatewayDocument";
import { selfSignedCertArgv } from "../../gateway/agent/tls";
import { bootstrapFromProperties, parseOvfEnv } from "../../gateway/image/ovfenv";
import { vappProperties } from "../../sdk/components/gatewayAppliance";

const REPO = path.join(__dirname, "../..");
const TOOLS = process.env["L2S_TOOLS"] ?? path.join(REPO, ".tools");
const VERSION = (JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { version: string })
  .version;
const OVA_NAME = `l2stretch-gateway-${VERSION}.ova`;
const TOKEN = "agent-token-0123456789abcdef";
const FIRST_CONFIG: GatewayConfigInput = JSON.parse(
  fs.readFileSync(path.join(REPO, "gateway/image/testdata/first-config.sample.json"), "utf8"),
) as GatewayConfigInput;
/** vcsim's default inventory (simulator.VPX()): DC0, cluster DC0_C0, DVS0 with DC0_DVPG0, LocalDS_0. */
const DC = "DC0";
const POOL = "/DC0/host/DC0_C0/Resources";
const MGMT_PORT_GROUP = "DC0_DVPG0";
const SITE_PORT_GROUP = "gw-a-site";

function tool(name: string): string {
  const p = path.join(TOOLS, "bin", name);
  if (!fs.existsSync(p))
    throw new Error(`${p} is missing: run scripts/setup (it builds ${name} from govmomi)`);
  return p;
}

let work: string;
let vcsim: ChildProcess;
let govcUrl: string;

function govc(...args: string[]): string {
  return execFileSync(tool("govc"), args, {
    encoding: "utf8",
    env: { ...process.env, GOVC_URL: govcUrl, GOVC_INSECURE: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
}
function govcJson<T>(...args: string[]): T {
  return JSON.parse(govc(...args)) as T;
}

/** Starts vcsim on a free port and resolves with the GOVC_URL it prints. */
function startVcsim(): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(tool("vcsim"), ["-l", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    proc.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /GOVC_URL=(\S+)/.exec(out);
      if (m?.[1]) resolve({ proc, url: m[1] });
    });
    proc.on("exit", (code) => reject(new Error(`vcsim exited (${code}) before listening: ${out}`)));
  });
}

interface VappProperty {
  id: string;
  value?: string;
  defaultValue?: string;
  userConfigurable?: boolean;
}
interface VappConfig {
  product: { name: string; version: string }[];
  property: VappProperty[];
}
type Collected<T> = { name: string; val: T }[];

const applianceArgs = {
  hostname: "gw-a",
  management: { networkId: "unused", address: "192.0.2.10/24", gateway: "192.0.2.1", dns: ["192.0.2.53"] },
};

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "l2s-vcsim-"));
  execFileSync("bash", [path.join(REPO, "gateway/image/build.sh"), "--dry-run"], {
    cwd: REPO,
    stdio: "pipe",
  });
  fs.copyFileSync(path.join(REPO, "gateway/image/out/dry-run", OVA_NAME), path.join(work, OVA_NAME));
  ({ proc: vcsim, url: govcUrl } = await startVcsim());
}, 300_000);

afterAll(() => {
  vcsim?.kill();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe("gateway OVA in vcsim", () => {
  it("declares exactly the vApp properties and networks GatewayAppliance sets, in order", () => {
    const spec = govcJson<{ PropertyMapping: { Key: string }[]; NetworkMapping: { Name: string }[] }>(
      "import.spec",
      path.join(work, OVA_NAME),
    );
    expect(spec.PropertyMapping.map((p) => p.Key)).toEqual(VAPP_PROPERTIES.map((p) => p.key));
    expect(Object.keys(vappProperties(applianceArgs, TOKEN, undefined))).toEqual(
      VAPP_PROPERTIES.map((p) => p.key),
    );
    expect(spec.NetworkMapping.map((n) => n.Name)).toEqual(OVF_NETWORKS.map((n) => n.name));
  });

  it("imports into a trunk port group with the properties set; the VM and its properties read back", () => {
    govc(
      "dvs.portgroup.add",
      "-dc",
      DC,
      "-dvs",
      "DVS0",
      "-vlan-mode",
      "trunking",
      "-vlan-range",
      "100-199",
      SITE_PORT_GROUP,
    );
    // The agent's TLS identity travels in the properties too, made by openssl as the agent would.
    const keyFile = path.join(work, "agent.key");
    const certFile = path.join(work, "agent.crt");
    const [openssl, ...opensslArgs] = selfSignedCertArgv({ commonName: "gw-a", days: 30, keyFile, certFile });
    execFileSync(openssl!, opensslArgs, { stdio: "pipe" });
    const identity = {
      certificate: fs.readFileSync(certFile, "utf8"),
      privateKey: fs.readFileSync(keyFile, "utf8"),
    };
    const fingerprint = execFileSync(
      "openssl",
      ["x509", "-in", certFile, "-noout", "-fingerprint", "-sha256"],
      {
        encoding: "utf8",
      },
    )
      .trim()
      .replace(/^.*Fingerprint=/i, "");
    const props = vappProperties(applianceArgs, TOKEN, FIRST_CONFIG, identity);
    const options = {
      DiskProvisioning: "thin",
      IPAllocationPolicy: "dhcpPolicy",
      IPProtocol: "IPv4",
      PropertyMapping: Object.entries(props).map(([Key, Value]) => ({ Key, Value })),
      NetworkMapping: [
        { Name: OVF_NETWORKS[0]!.name, Network: MGMT_PORT_GROUP },
        { Name: OVF_NETWORKS[1]!.name, Network: SITE_PORT_GROUP },
      ],
      MarkAsTemplate: false,
      // Powered on with the OVF environment injected as guestinfo.ovfEnv: what VMware Tools
      // hands the appliance's first boot.
      PowerOn: true,
      InjectOvfEnv: true,
      WaitForIP: false,
      Name: "gw-a",
    };
    const optionsFile = path.join(work, "options.json");
    fs.writeFileSync(optionsFile, JSON.stringify(options));
    govc(
      "import.ova",
      "-dc",
      DC,
      "-ds",
      "LocalDS_0",
      "-pool",
      POOL,
      "-options",
      optionsFile,
      path.join(work, OVA_NAME),
    );

    // vApp properties as vCenter stores them.
    const [vapp] = govcJson<Collected<VappConfig>>("object.collect", "-json", "vm/gw-a", "config.vAppConfig");
    const stored = Object.fromEntries(vapp!.val.property.map((p) => [p.id, p.value ?? ""]));
    expect(stored).toEqual(props);
    expect(vapp!.val.property.every((p) => p.userConfigurable === true)).toBe(true);
    expect(vapp!.val.product[0]).toMatchObject({ name: "l2stretch gateway", version: VERSION });

    // Hardware from the OVF, which GatewayAppliance restates for the vSphere provider.
    const info = govcJson<{
      virtualMachines: { config: { guestId: string; hardware: { numCPU: number; memoryMB: number } } }[];
    }>("vm.info", "-json", "gw-a");
    const config = info.virtualMachines[0]!.config;
    expect([config.guestId, config.hardware.numCPU, config.hardware.memoryMB]).toEqual([
      APPLIANCE_HARDWARE.guestId,
      APPLIANCE_HARDWARE.cpus,
      APPLIANCE_HARDWARE.memoryMiB,
    ]);
    const devices = govcJson<{
      devices: { name: string; type: string; backing?: { port?: { portgroupKey: string } } }[];
    }>("device.info", "-json", "-vm", "gw-a").devices;
    const key = (pg: string) => govc("object.collect", "-s", `network/${pg}`, "key").trim();
    const nics = devices.filter((d) => d.name.startsWith("ethernet-"));
    expect(nics.map((d) => [d.name, d.type, d.backing?.port?.portgroupKey])).toEqual([
      ["ethernet-0", "VirtualVmxnet3", key(MGMT_PORT_GROUP)],
      ["ethernet-1", "VirtualVmxnet3", key(SITE_PORT_GROUP)],
    ]);
    expect(devices.map((d) => d.type)).toContain("VirtualLsiLogicController");

    // The site port group is a trunk of the declared range.
    const [portConfig] = govcJson<Collected<{ vlan: { vlanId: { start: number; end: number }[] } }>>(
      "object.collect",
      "-json",
      `network/${SITE_PORT_GROUP}`,
      "config.defaultPortConfig",
    );
    expect(portConfig!.val.vlan.vlanId).toEqual([{ start: 100, end: 199 }]);

    // The OVF environment the guest reads, through the appliance's own first-boot parser.
    const extra = govcJson<{
      virtualMachines: { config: { extraConfig: { key: string; value: string }[] } }[];
    }>("vm.info", "-e", "-json", "gw-a").virtualMachines[0]!.config.extraConfig;
    const env = extra.find((e) => e.key === "guestinfo.ovfEnv")?.value;
    expect(env).toBeDefined();
    const boot = bootstrapFromProperties(parseOvfEnv(env!));
    expect(boot.problems).toEqual([]);
    expect(boot).toMatchObject({
      hostname: "gw-a",
      mgmt: { mode: "static", ip: "192.0.2.10", prefix: 24, gateway: "192.0.2.1" },
      dns: ["192.0.2.53"],
      token: TOKEN,
      listen: "192.0.2.10:8443",
      firstConfig: { identity: FIRST_CONFIG.identity },
      tls: { ...identity, fingerprint256: fingerprint },
    });
    expect(parseOvfEnv(env!)[VAPP_KEYS.agentConfig]).toBe(props[VAPP_KEYS.agentConfig]);
  });
});
