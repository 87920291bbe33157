// GatewayAppliance under Pulumi mocks: the exact resources it registers (type tokens, names,
// parents, inputs as @pulumi/vsphere defines them), its endpoint, and the inputs it refuses.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { VAPP_KEYS, VAPP_PROPERTIES } from "../../contract/appliance";
import type { GatewayConfigInput } from "../../contract/gatewayDocument";
import type { GatewayConfigArgs, GatewaySiteArgs } from "../../sdk";
import { selfSignedCertArgv } from "../../gateway/agent/tls";
import { bootstrapFromProperties, renderBootstrapFiles } from "../../gateway/image/ovfenv";
import { GatewayAppliance, type GatewayApplianceArgs, type GatewayEndpoint } from "../../sdk/vsphere";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  custom: boolean;
}
const registered: Registered[] = [];
/** What the mocked vSphere reports for a VM whose guest got a DHCP address. */
const DHCP_ADDRESS = "198.51.100.7";

pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      registered.push({
        type: args.type,
        name: args.name,
        inputs: args.inputs as Record<string, unknown>,
        custom: args.custom ?? true,
      });
      const extra = args.type.startsWith("vsphere:index/virtualMachine")
        ? { defaultIpAddress: DHCP_ADDRESS }
        : {};
      return { id: `${args.name}-id`, state: { ...args.inputs, ...extra } };
    },
    call: (args) => args.inputs,
  },
  "proj",
  "stack",
  false,
);

/** The vApp properties a registered VM carries; they must arrive as a secret. */
function vappOf(r: Registered): Record<string, string> {
  const vapp = r.inputs["vapp"];
  expect(pulumi.runtime.isRpcSecret(vapp)).toBe(true);
  return (pulumi.runtime.unwrapRpcSecret(vapp) as { properties: Record<string, string> }).properties;
}

function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply(resolve));
}
function secretness(o: pulumi.Output<unknown>): Promise<boolean> {
  return (o as unknown as { isSecret: Promise<boolean> }).isSecret;
}
/** Lets the mocked registrations of everything constructed so far complete. */
async function settled(a: GatewayAppliance): Promise<void> {
  await valueOf(a.vm.urn);
  await valueOf(a.endpoint);
}

const TOKEN = "agent-token-0123456789abcdef";
const FINGERPRINT = Array.from({ length: 32 }, () => "AB").join(":");
const FIRST_CONFIG: GatewayConfigInput = {
  apiVersion: "l2stretch.gateway/v1",
  identity: { name: "gw-a", site: "site-a" },
  underlay: {
    localAddress: "192.0.2.10",
    peerAddress: "203.0.113.20",
    mtu: 1500,
    vtepLocal: "10.255.0.1",
    vtepPeer: "10.255.0.2",
  },
  transport: {
    type: "ipsec",
    localId: "site-a",
    peerId: "site-b",
    auth: { method: "psk", psk: "a-pre-shared-key-of-at-least-32-characters" },
  },
  networks: [
    {
      name: "web",
      vni: 5001,
      attachment: { type: "vlan", trunk: "eth1", vlanId: 120 },
    },
  ],
};

const base = (over: Partial<GatewayApplianceArgs> = {}): GatewayApplianceArgs => ({
  datacenterId: "datacenter-2",
  resourcePoolId: "resgroup-8",
  datastoreId: "datastore-11",
  ova: { localPath: "/srv/ova/l2stretch-gateway-0.1.0.ova" },
  management: {
    networkId: "dvportgroup-13",
    address: "192.0.2.10/24",
    gateway: "192.0.2.1",
    dns: ["192.0.2.53"],
  },
  site: { distributedVirtualSwitchUuid: "50 2c 1a dvs", vlanRanges: [{ minVlan: 100, maxVlan: 199 }] },
  hostname: "gw-a",
  token: TOKEN,
  tls: { fingerprint: FINGERPRINT },
  ...over,
});

interface Identity {
  certificate: string;
  privateKey: string;
  /** As `openssl x509 -fingerprint -sha256` prints it: independent of the SDK's own code. */
  fingerprint: string;
}
/** A fresh self-signed certificate made by openssl, the way the agent makes its own. */
function opensslIdentity(dir: string, name: string): Identity {
  const keyFile = path.join(dir, `${name}.key`);
  const certFile = path.join(dir, `${name}.crt`);
  const [cmd, ...args] = selfSignedCertArgv({ commonName: name, days: 30, keyFile, certFile });
  execFileSync(cmd!, args, { stdio: "pipe" });
  const printed = execFileSync("openssl", ["x509", "-in", certFile, "-noout", "-fingerprint", "-sha256"], {
    encoding: "utf8",
  });
  return {
    certificate: fs.readFileSync(certFile, "utf8"),
    privateKey: fs.readFileSync(keyFile, "utf8"),
    fingerprint: printed.trim().replace(/^.*Fingerprint=/i, ""),
  };
}

let scratch: string;
let agentA: Identity;
let agentB: Identity;
beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "l2s-appliance-"));
  agentA = opensslIdentity(scratch, "gw-a");
  agentB = opensslIdentity(scratch, "gw-b");
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

beforeEach(() => {
  registered.length = 0;
});

describe("GatewayAppliance", () => {
  it("registers exactly a trunk port group and the VM from the OVA, children of the component", async () => {
    const gw = new GatewayAppliance("gw-a", base({ firstConfig: FIRST_CONFIG }));
    await settled(gw);

    expect(registered.map((r) => [r.type, r.name, r.custom])).toEqual([
      ["l2stretch:index:GatewayAppliance", "gw-a", false],
      ["vsphere:index/distributedPortGroup:DistributedPortGroup", "gw-a-site", true],
      ["vsphere:index/virtualMachine:VirtualMachine", "gw-a-vm", true],
    ]);
    // The parent is part of a child's URN: <parent type>$<child type>::<name>.
    expect(await valueOf(gw.sitePortGroup!.urn)).toBe(
      "urn:pulumi:stack::proj::l2stretch:index:GatewayAppliance$vsphere:index/distributedPortGroup:DistributedPortGroup::gw-a-site",
    );
    expect(await valueOf(gw.vm.urn)).toBe(
      "urn:pulumi:stack::proj::l2stretch:index:GatewayAppliance$vsphere:index/virtualMachine:VirtualMachine::gw-a-vm",
    );

    expect(registered[1]!.inputs).toEqual({
      distributedVirtualSwitchUuid: "50 2c 1a dvs",
      name: "gw-a-site",
      vlanRanges: [{ minVlan: 100, maxVlan: 199 }],
      allowPromiscuous: true,
      allowForgedTransmits: true,
      allowMacChanges: false,
    });

    const vm = registered[2]!.inputs;
    const properties = vappOf(registered[2]!);
    expect({ ...vm, vapp: undefined }).toEqual({
      name: "gw-a",
      datacenterId: "datacenter-2",
      resourcePoolId: "resgroup-8",
      datastoreId: "datastore-11",
      numCpus: 2,
      memory: 2048,
      guestId: "debian10_64Guest",
      scsiType: "lsilogic",
      networkInterfaces: [
        { networkId: "dvportgroup-13", adapterType: "vmxnet3", ovfMapping: "management" },
        { networkId: "gw-a-site-id", adapterType: "vmxnet3", ovfMapping: "site-trunk" },
      ],
      ovfDeploy: {
        localOvfPath: "/srv/ova/l2stretch-gateway-0.1.0.ova",
        diskProvisioning: "thin",
        ovfNetworkMap: { management: "dvportgroup-13", "site-trunk": "gw-a-site-id" },
      },
      vapp: undefined,
      waitForGuestNetTimeout: 0,
      waitForGuestIpTimeout: 0,
    });
    expect(properties).toEqual({
      "l2stretch.hostname": "gw-a",
      "l2stretch.mgmt.address": "192.0.2.10/24",
      "l2stretch.mgmt.gateway": "192.0.2.1",
      "l2stretch.mgmt.dns": "192.0.2.53",
      "l2stretch.agent.token": TOKEN,
      "l2stretch.agent.config": Buffer.from(JSON.stringify(FIRST_CONFIG)).toString("base64"),
      "l2stretch.agent.tls.certificate": "",
      "l2stretch.agent.tls.key": "",
    });
    // Every key is one the OVF declares, and every declared key is set.
    expect(Object.keys(properties).sort()).toEqual(VAPP_PROPERTIES.map((p) => p.key).sort());
  });

  it("sets vApp properties the appliance's own first boot accepts without a problem", async () => {
    const gw = new GatewayAppliance("gw-a", base({ firstConfig: FIRST_CONFIG }));
    await settled(gw);
    const boot = bootstrapFromProperties(vappOf(registered[2]!));
    expect(boot.problems).toEqual([]);
    expect(boot).toMatchObject({
      hostname: "gw-a",
      mgmt: { mode: "static", ip: "192.0.2.10", prefix: 24, family: 4, gateway: "192.0.2.1" },
      dns: ["192.0.2.53"],
      token: TOKEN,
      listen: "192.0.2.10:8443",
      firstConfig: { identity: { name: "gw-a", site: "site-a" } },
    });
  });

  it("hands over an endpoint shaped as GatewayConfig takes it, as a secret; the vApp properties are secret too", async () => {
    const gw = new GatewayAppliance("gw-a", base());
    await settled(gw);
    expect(await valueOf(gw.agentUrl)).toBe("https://192.0.2.10:8443");
    expect(await valueOf(gw.endpoint)).toEqual<GatewayEndpoint>({
      endpoint: "https://192.0.2.10:8443",
      token: TOKEN,
      fingerprint: FINGERPRINT,
    });
    expect(await secretness(gw.endpoint)).toBe(true);
    expect(await secretness(gw.agentUrl)).toBe(false);
    // The same, spreadable into GatewayConfig's args (a compile-time check as much as a run-time one).
    const configArgs: GatewayConfigArgs = { ...gw.agent, config: FIRST_CONFIG };
    expect(Object.keys(configArgs)).toEqual(["endpoint", "token", "fingerprint", "config"]);
    expect(await valueOf(gw.agent.fingerprint!)).toBe(FINGERPRINT);
    expect(await secretness(gw.agent.token)).toBe(true);
    // And as one value, the gateway of a VxlanStretch site.
    const site: GatewaySiteArgs["gateway"] = gw.endpoint;
    expect(await valueOf(pulumi.output(site))).toEqual(await valueOf(gw.endpoint));
    expect(await secretness(gw.vm.vapp)).toBe(true);
  });

  it("an access VLAN port group carries vlanId and no ranges", async () => {
    const gw = new GatewayAppliance(
      "gw-b",
      base({ site: { distributedVirtualSwitchUuid: "dvs-1", vlanId: 120, portGroupName: "stretch-120" } }),
    );
    await settled(gw);
    expect(registered.find((r) => r.name === "gw-b-site")!.inputs).toEqual({
      distributedVirtualSwitchUuid: "dvs-1",
      name: "stretch-120",
      vlanId: 120,
      allowPromiscuous: true,
      allowForgedTransmits: true,
      allowMacChanges: false,
    });
  });

  it("on an existing site network under DHCP: no port group, the agent URL is the address vSphere reports", async () => {
    const gw = new GatewayAppliance(
      "gw-c",
      base({
        site: { networkId: "network-22" },
        management: { networkId: "network-21" },
        ova: { url: "https://images.example.com/gw.ova" },
        tls: { caCertificate: "-----BEGIN CERTIFICATE-----\n…" },
      }),
    );
    await settled(gw);
    expect(gw.sitePortGroup).toBeUndefined();
    expect(registered.map((r) => r.name)).toEqual(["gw-c", "gw-c-vm"]);
    const vm = registered[1]!.inputs;
    expect(vm["networkInterfaces"]).toEqual([
      { networkId: "network-21", adapterType: "vmxnet3", ovfMapping: "management" },
      { networkId: "network-22", adapterType: "vmxnet3", ovfMapping: "site-trunk" },
    ]);
    expect(vm["ovfDeploy"]).toEqual({
      remoteOvfUrl: "https://images.example.com/gw.ova",
      allowUnverifiedSslCert: false,
      diskProvisioning: "thin",
      ovfNetworkMap: { management: "network-21", "site-trunk": "network-22" },
    });
    expect(vm["waitForGuestNetTimeout"]).toBe(5);
    expect(vappOf(registered[1]!)[VAPP_KEYS.mgmtAddress]).toBe("");
    expect(await valueOf(gw.endpoint)).toEqual({
      endpoint: `https://${DHCP_ADDRESS}:8443`,
      token: TOKEN,
      caCertificate: "-----BEGIN CERTIFICATE-----\n…",
    });
  });

  it("gives the appliance its TLS identity, so the endpoint pins the certificate's fingerprint from the start", async () => {
    const gw = new GatewayAppliance(
      "gw-a",
      base({ tls: { certificate: agentA.certificate, privateKey: pulumi.secret(agentA.privateKey) } }),
    );
    await settled(gw);
    expect(await valueOf(gw.endpoint)).toEqual({
      endpoint: "https://192.0.2.10:8443",
      token: TOKEN,
      fingerprint: agentA.fingerprint,
    });
    const properties = vappOf(registered[2]!);
    expect(Buffer.from(properties[VAPP_KEYS.agentTlsCertificate]!, "base64").toString()).toBe(
      agentA.certificate,
    );
    // What first boot makes of it: the agent's key and certificate files, and the same fingerprint.
    const boot = bootstrapFromProperties(properties);
    expect(boot.problems).toEqual([]);
    expect(boot.tls?.fingerprint256).toBe(agentA.fingerprint);
    const files = renderBootstrapFiles(boot).filter((f) => f.path.startsWith("/var/lib/l2stretch/tls/"));
    expect(files.map((f) => [f.path, f.mode, f.content])).toEqual([
      ["/var/lib/l2stretch/tls/api-key.pem", 0o600, agentA.privateKey],
      ["/var/lib/l2stretch/tls/api-cert.pem", 0o644, agentA.certificate],
    ]);
  });

  it("refuses a private key that is not the certificate's, without echoing it", () => {
    let message = "";
    try {
      new GatewayAppliance(
        "gw-a",
        base({ tls: { certificate: agentA.certificate, privateKey: agentB.privateKey } }),
      );
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("tls.privateKey: is not the PEM private key of tls.certificate");
    expect(message).not.toContain("PRIVATE KEY");
    expect(registered).toEqual([]);
  });

  it("refuses bad inputs before registering anything, naming every field at once", () => {
    const bad = base({
      ova: { localPath: "/a.ova", url: "https://x/a.ova" },
      management: { networkId: "n", address: "192.0.2.300/24", gateway: "gw", dns: ["8.8.8.8", "dns"] },
      site: {
        distributedVirtualSwitchUuid: "dvs",
        vlanId: 5000,
        vlanRanges: [{ minVlan: 300, maxVlan: 200 }],
      },
      hostname: "bad_host",
      token: "short",
      memory: 128,
    });
    let message = "";
    try {
      new GatewayAppliance("gw-bad", bad);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(registered).toEqual([]);
    expect(message).toMatch(/^GatewayAppliance "gw-bad": /);
    for (const field of [
      "ova: give exactly one of localPath and url",
      'management.address: "192.0.2.300" is not an IPv4 or IPv6 address',
      "management.gateway: must be an IP address",
      "management.dns[1]: must be an IP address",
      "site.vlanId: VLAN IDs are 1–4094",
      "site.vlanRanges[0]: minVlan must not exceed maxVlan",
      "site.vlanRanges: a port group is either an access VLAN (vlanId) or a trunk (vlanRanges), not both",
      "hostname: must be a host name",
      "token: must be at least 16 printable characters",
      "memory: the appliance needs at least 512 MiB",
    ])
      expect(message).toContain(field);
    // A secret is never echoed, even a bad one.
    expect(message).not.toContain("short");
  });

  it.each<[string, Partial<GatewayApplianceArgs>, string]>([
    ["no site network", { site: {} }, "site: give exactly one of distributedVirtualSwitchUuid"],
    [
      "port group settings on an existing network",
      { site: { networkId: "n", vlanId: 10 } },
      "site.vlanId: applies only to a port group the component creates",
    ],
    [
      "DHCP without waiting for the guest",
      { management: { networkId: "n" }, waitForGuestNetTimeout: 0 },
      "waitForGuestNetTimeout: must be > 0 under DHCP",
    ],
    [
      "a gateway without a static address",
      { management: { networkId: "n", gateway: "192.0.2.1" } },
      "management.gateway: gateway needs a static address",
    ],
    [
      "two ways of trusting the agent",
      { tls: { fingerprint: FINGERPRINT, caCertificate: "pem" } },
      "tls: give one of certificate (with privateKey), fingerprint and caCertificate",
    ],
    [
      "a certificate without its key",
      { tls: { certificate: "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----" } },
      "tls.certificate: must be a PEM certificate; tls.privateKey: certificate and privateKey go together",
    ],
    [
      "a first config the agent would refuse",
      {
        firstConfig: {
          ...FIRST_CONFIG,
          networks: [{ name: "web", vni: 0, attachment: { type: "interface", interface: "eth1" } }],
        },
      },
      "firstConfig.networks[0].vni:",
    ],
  ])("refuses %s", (_what, over, expected) => {
    expect(() => new GatewayAppliance("gw-x", base(over))).toThrow(expected);
    expect(registered).toEqual([]);
  });
});
