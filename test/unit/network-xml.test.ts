import { orgNetworkFromXml, orgNetworkToXml } from "../../provider/vcd/networkXml";
import { document, edgeInterfacesDoc, orgVdcNetworkDoc, taskDoc } from "../../provider/vcd/responses";
import { parseXml, type XmlNode } from "../../provider/vcd/xml";

const spec = {
  name: "stretched & <app>",
  description: "tier",
  gateway: "10.20.0.1",
  netmask: "255.255.255.0",
  dns1: "10.20.0.53",
  dnsSuffix: "app.example.com",
  ipRanges: [
    { start: "10.20.0.100", end: "10.20.0.149" },
    { start: "10.20.0.150", end: "10.20.0.199" },
  ],
  shared: false,
  subInterface: true,
  edgeGatewayHref: "https://vcd/api/admin/edgeGateway/0b7e3b8a-1111-4222-8333-444455556666",
};

/** Element names in document order, depth first. */
function order(xml: string): string[] {
  return [...xml.matchAll(/<([A-Za-z][A-Za-z0-9]*)[\s>/]/g)].map((m) => m[1]!);
}

describe("OrgVdcNetwork XML", () => {
  it("writes elements in vCD schema order", () => {
    const names = order(orgNetworkToXml(spec));
    const expected = [
      "OrgVdcNetwork",
      "Description",
      "Configuration",
      "IpScopes",
      "IpScope",
      "IsInherited",
      "Gateway",
      "Netmask",
      "Dns1",
      "DnsSuffix",
      "IpRanges",
      "IpRange",
      "StartAddress",
      "EndAddress",
      "IpRange",
      "StartAddress",
      "EndAddress",
      "FenceMode",
      "RetainNetInfoAcrossDeployments",
      "SubInterface",
      "GuestVlanAllowed",
      "EdgeGateway",
      "IsShared",
    ];
    expect(names).toEqual(expected);
  });

  it("declares the vCloud namespace and escapes user text", () => {
    const xml = orgNetworkToXml(spec);
    expect(xml).toContain('xmlns="http://www.vmware.com/vcloud/v1.5"');
    expect(xml).toContain('name="stretched &amp; &lt;app&gt;"');
  });

  it("omits SubInterface for internal networks and empty optional fields", () => {
    const xml = orgNetworkToXml({
      ...spec,
      subInterface: false,
      dns1: undefined,
      description: undefined,
      ipRanges: [],
    });
    expect(order(xml)).not.toContain("SubInterface");
    expect(order(xml)).not.toContain("Dns1");
    expect(order(xml)).not.toContain("IpRanges");
  });

  it("reads back what it wrote", () => {
    const xml = orgNetworkToXml(spec).replace(
      "<OrgVdcNetwork ",
      '<OrgVdcNetwork href="https://vcd/api/admin/network/9f0e0a7c-aaaa-4bbb-8ccc-ddddeeeeffff" status="1" ',
    );
    const net = orgNetworkFromXml(parseXml(xml)["OrgVdcNetwork"] as XmlNode);
    expect(net).toMatchObject({
      uuid: "9f0e0a7c-aaaa-4bbb-8ccc-ddddeeeeffff",
      id: "urn:vcloud:network:9f0e0a7c-aaaa-4bbb-8ccc-ddddeeeeffff",
      name: "stretched & <app>",
      gateway: "10.20.0.1",
      netmask: "255.255.255.0",
      dns1: "10.20.0.53",
      dns2: undefined,
      ipRanges: spec.ipRanges,
      subInterface: true,
      shared: false,
      status: 1,
    });
  });
});

describe("vCD response validation", () => {
  it("names the element that is not as documented", () => {
    const xml = parseXml('<Task href="https://vcd/api/task/1" status="exploded"/>');
    expect(() => document({ xml }, "Task", taskDoc)).toThrow(
      /<Task> document is not as documented at @status/,
    );
  });

  it("rejects a network without an IP scope and a sub-interface index that is not a number", () => {
    const net = parseXml(
      '<OrgVdcNetwork href="h" name="n"><Configuration><IpScopes/></Configuration></OrgVdcNetwork>',
    );
    expect(() => document({ xml: net }, "OrgVdcNetwork", orgVdcNetworkDoc)).toThrow(
      /at Configuration\/IpScopes: Expected object/,
    );
    const edge = parseXml(
      "<edgeInterfaces><edgeInterface><name>a</name><type>subinterface</type><index>ten</index></edgeInterface></edgeInterfaces>",
    );
    expect(() => document({ xml: edge }, "edgeInterfaces", edgeInterfacesDoc)).toThrow(
      /edgeInterface\/0\/index: must be a whole number/,
    );
  });

  it("reads an empty document as empty and a missing one as an error", () => {
    expect(document({ xml: parseXml("<edgeInterfaces/>") }, "edgeInterfaces", edgeInterfacesDoc)).toEqual({});
    expect(() => document({ xml: parseXml("<Other/>") }, "Task", taskDoc)).toThrow(
      /without the expected <Task> document/,
    );
  });
});
