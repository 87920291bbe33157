import { XMLParser, XMLValidator } from "fast-xml-parser";
import {
  DISK_ID,
  FILE_ID,
  OVF_NETWORKS,
  applianceFiles,
  renderManifest,
  renderOvf,
  xmlEscape,
} from "../../gateway/image/appliance.ovf";
import { VAPP_PROPERTIES } from "../../contract/appliance";

const input = {
  version: "1.2.3",
  vmdkHref: "l2stretch-gateway-1.2.3-disk1.vmdk",
  vmdkSize: 123456789,
  diskCapacity: 4 * 1024 ** 3,
};

type Node = Record<string, unknown>;

/** Keeps prefixes (ovf:, rasd:) so the test sees the attribute names vSphere reads. */
function parse(xml: string): Node {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@",
    parseAttributeValue: false,
    parseTagValue: false,
    isArray: (name) => ["Item", "Property", "Network", "File", "Disk", "Category"].includes(name),
  });
  return parser.parse(xml) as Node;
}

const envelope = (xml = renderOvf(input)) => parse(xml)["Envelope"] as Node;
const vs = (env: Node) => env["VirtualSystem"] as Node;
const items = (env: Node) => (vs(env)["VirtualHardwareSection"] as Node)["Item"] as Node[];
const properties = (env: Node) => (vs(env)["ProductSection"] as Node)["Property"] as Node[];

describe("appliance OVF descriptor", () => {
  test("is well-formed XML with the OVF envelope namespace", () => {
    const xml = renderOvf(input);
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(envelope(xml)["@xmlns"]).toBe("http://schemas.dmtf.org/ovf/envelope/1");
  });

  test("the brief's bootstrap properties are all there", () => {
    const keys = properties(envelope()).map((p) => p["@ovf:key"]);
    expect(keys.sort()).toEqual(
      [
        "l2stretch.agent.config",
        "l2stretch.agent.tls.certificate",
        "l2stretch.agent.tls.key",
        "l2stretch.agent.token",
        "l2stretch.hostname",
        "l2stretch.mgmt.address",
        "l2stretch.mgmt.dns",
        "l2stretch.mgmt.gateway",
      ].sort(),
    );
  });

  test("each property has its type, default, label and user-configurable flag", () => {
    const byKey = new Map(properties(envelope()).map((p) => [p["@ovf:key"], p]));
    for (const def of VAPP_PROPERTIES) {
      const p = byKey.get(def.key) as Node;
      expect(p).toBeDefined();
      expect(p["@ovf:type"]).toBe("string");
      expect(p["@ovf:value"]).toBe(def.defaultValue);
      expect(p["@ovf:userConfigurable"]).toBe("true");
      expect(p["Label"]).toBe(def.label);
      expect(typeof p["Description"]).toBe("string");
    }
    expect(byKey.get("l2stretch.hostname")?.["@ovf:value"]).toBe("l2stretch-gateway");
    expect(byKey.get("l2stretch.mgmt.address")?.["@ovf:value"]).toBe("");
  });

  test("the token is a password with the agent's minimum length; plain fields are not masked", () => {
    const byKey = new Map(properties(envelope()).map((p) => [p["@ovf:key"], p]));
    const token = byKey.get("l2stretch.agent.token") as Node;
    expect(token["@ovf:password"]).toBe("true");
    expect(token["@ovf:qualifiers"]).toBe("MinLen(16)");
    // The first config carries the IPsec PSK or private key, so it is masked as well.
    expect(byKey.get("l2stretch.agent.config")?.["@ovf:password"]).toBe("true");
    expect(byKey.get("l2stretch.agent.tls.key")?.["@ovf:password"]).toBe("true");
    for (const k of [
      "l2stretch.agent.tls.certificate",
      "l2stretch.hostname",
      "l2stretch.mgmt.address",
      "l2stretch.mgmt.gateway",
      "l2stretch.mgmt.dns",
    ])
      expect(byKey.get(k)?.["@ovf:password"]).toBeUndefined();
  });

  test("the disk references the file, and the hard disk item references the disk", () => {
    const env = envelope();
    const files = (env["References"] as Node)["File"] as Node[];
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({
      "@ovf:id": FILE_ID,
      "@ovf:href": input.vmdkHref,
      "@ovf:size": String(input.vmdkSize),
    });
    const disks = (env["DiskSection"] as Node)["Disk"] as Node[];
    expect(disks).toHaveLength(1);
    expect(disks[0]).toMatchObject({
      "@ovf:diskId": DISK_ID,
      "@ovf:fileRef": FILE_ID,
      "@ovf:capacity": String(input.diskCapacity),
      "@ovf:capacityAllocationUnits": "byte",
    });
    expect(String(disks[0]?.["@ovf:format"])).toMatch(/#streamOptimized$/);
    const hd = items(env).filter((i) => i["rasd:ResourceType"] === "17");
    expect(hd).toHaveLength(1);
    expect(hd[0]?.["rasd:HostResource"]).toBe(`ovf:/disk/${DISK_ID}`);
    const parent = items(env).find((i) => i["rasd:InstanceID"] === hd[0]?.["rasd:Parent"]);
    expect(parent?.["rasd:ResourceType"]).toBe("6"); // on the SCSI controller
  });

  test("two NICs: management first, site trunk second, both declared in NetworkSection", () => {
    const env = envelope();
    const declared = ((env["NetworkSection"] as Node)["Network"] as Node[]).map((n) => n["@ovf:name"]);
    expect(declared).toEqual(OVF_NETWORKS.map((n) => n.name));
    expect(declared).toEqual(["management", "site-trunk"]);
    const nics = items(env).filter((i) => i["rasd:ResourceType"] === "10");
    expect(nics.map((n) => n["rasd:Connection"])).toEqual(["management", "site-trunk"]);
    for (const n of nics) expect(n["rasd:ResourceSubType"]).toBe("VmxNet3");
  });

  test("2 vCPU and 2 GiB of memory", () => {
    const env = envelope();
    const cpu = items(env).find((i) => i["rasd:ResourceType"] === "3");
    const mem = items(env).find((i) => i["rasd:ResourceType"] === "4");
    expect(cpu?.["rasd:VirtualQuantity"]).toBe("2");
    expect(mem?.["rasd:VirtualQuantity"]).toBe("2048");
    expect(mem?.["rasd:AllocationUnits"]).toBe("byte * 2^20");
  });

  test("both OVF environment transports are offered, with a CD-ROM for the iso one", () => {
    const env = envelope();
    const hw = vs(env)["VirtualHardwareSection"] as Node;
    expect(String(hw["@ovf:transport"]).split(",")).toEqual(["com.vmware.guestInfo", "iso"]);
    const cd = items(env).find((i) => i["rasd:ResourceType"] === "15");
    const ide = items(env).find((i) => i["rasd:InstanceID"] === cd?.["rasd:Parent"]);
    expect(ide?.["rasd:ResourceType"]).toBe("5");
  });

  test("instance ids are unique and rasd elements are in schema (alphabetical) order", () => {
    const all = items(envelope());
    const ids = all.map((i) => i["rasd:InstanceID"]);
    expect(new Set(ids).size).toBe(ids.length);
    const xml = renderOvf(input);
    for (const block of xml.match(/<Item>[\s\S]*?<\/Item>/g) ?? []) {
      const names = [...block.matchAll(/<rasd:(\w+)>/g)].map((m) => m[1] as string);
      expect(names).toEqual([...names].sort());
    }
  });

  test("the version and file names are escaped, so odd input cannot break the XML", () => {
    const xml = renderOvf({ ...input, version: `1.0 <&"'>`, vmdkHref: `a&b".vmdk` });
    expect(XMLValidator.validate(xml)).toBe(true);
    const env = envelope(xml);
    // The parser decodes entities: the values come back exactly as given.
    expect(((env["References"] as Node)["File"] as Node[])[0]?.["@ovf:href"]).toBe(`a&b".vmdk`);
    expect((vs(env)["ProductSection"] as Node)["Version"]).toBe(`1.0 <&"'>`);
    expect(xmlEscape(`<a href="x">&'`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&apos;");
  });
});

describe("appliance package files", () => {
  test("names follow l2stretch-gateway-<version>", () => {
    expect(applianceFiles("0.1.0")).toEqual({
      ovf: "l2stretch-gateway-0.1.0.ovf",
      mf: "l2stretch-gateway-0.1.0.mf",
      vmdk: "l2stretch-gateway-0.1.0-disk1.vmdk",
      ova: "l2stretch-gateway-0.1.0.ova",
    });
  });

  test("the manifest has one SHA256 line per file", () => {
    const mf = renderManifest([
      { name: "a.ovf", sha256: "ab".repeat(32) },
      { name: "a-disk1.vmdk", sha256: "cd".repeat(32) },
    ]);
    expect(mf).toBe(`SHA256(a.ovf)= ${"ab".repeat(32)}\nSHA256(a-disk1.vmdk)= ${"cd".repeat(32)}\n`);
  });
});
