import { ApiError } from "../../provider/common/errors";
import { XmlDoc, xmlProblem } from "../../provider/vcd/xmlDoc";

/** The document a writer edits keeps what it does not touch, and refuses half a document. */

// A vCD-style document with a prefixed namespace, a foreign namespace, an unknown element and
// attribute, a comment, entities and a CDATA section.
const NETWORK = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><vcloud:OrgVdcNetwork xmlns:vcloud="http://www.vmware.com/vcloud/v1.5" xmlns:vmext="http://www.vmware.com/vcloud/extension/v1.5" name="a &amp; b" data-origin='other "tool"'>
    <!-- kept -->
    <vcloud:VCloudExtension required="false"><vmext:VimObjectRef><vmext:MoRef>dvportgroup-42</vmext:MoRef></vmext:VimObjectRef></vcloud:VCloudExtension>
    <vcloud:Description>R&amp;D &lt;lab&gt; caf&#233;</vcloud:Description>
    <vcloud:Configuration>
        <vcloud:IpScopes>
            <vcloud:IpScope>
                <vcloud:IsInherited>false</vcloud:IsInherited>
                <vcloud:Gateway>10.20.0.1</vcloud:Gateway>
                <vcloud:Netmask>255.255.255.0</vcloud:Netmask>
                <vcloud:Dns1>10.20.0.53</vcloud:Dns1>
                <vcloud:IsEnabled>true</vcloud:IsEnabled>
            </vcloud:IpScope>
        </vcloud:IpScopes>
        <vcloud:FenceMode>natRouted</vcloud:FenceMode>
        <vcloud:FutureSetting mode="x"><![CDATA[<raw>]]></vcloud:FutureSetting>
        <vcloud:GuestVlanAllowed>true</vcloud:GuestVlanAllowed>
    </vcloud:Configuration>
    <vcloud:IsShared>false</vcloud:IsShared>
</vcloud:OrgVdcNetwork>`;

const IP_SCOPE_ORDER = [
  "IsInherited",
  "Gateway",
  "Netmask",
  "SubnetPrefixLength",
  "Dns1",
  "Dns2",
  "DnsSuffix",
  "IsEnabled",
];

describe("XmlDoc", () => {
  it("writes back an untouched document unchanged (up to the single-quoted attribute)", () => {
    const out = XmlDoc.parse(NETWORK).toString();
    expect(out).toBe(NETWORK.replace(`'other "tool"'`, `"other &quot;tool&quot;"`));
  });

  it("finds children by local name whatever the prefix and reads them like the typed readers", () => {
    const root = XmlDoc.parse(NETWORK).root;
    expect([root.tag, root.local, root.prefix]).toEqual(["vcloud:OrgVdcNetwork", "OrgVdcNetwork", "vcloud"]);
    const scope = root.child("Configuration")!.child("IpScopes")!.child("IpScope")!;
    expect(scope.plain()).toMatchObject({ Gateway: "10.20.0.1", Dns1: "10.20.0.53" });
    expect(root.elements().map((e) => e.local)).toEqual([
      "VCloudExtension",
      "Description",
      "Configuration",
      "IsShared",
    ]);
  });

  it("inserts a missing element in schema order, in the parent's prefix, with its indentation", () => {
    const doc = XmlDoc.parse(NETWORK);
    const scope = doc.root.child("Configuration")!.child("IpScopes")!.child("IpScope")!;
    scope.set("Dns2", "10.20.0.54", IP_SCOPE_ORDER);
    scope.set("Dns1", "10.20.0.55", IP_SCOPE_ORDER);
    const out = doc.toString();
    expect(out).toContain(
      "<vcloud:Dns1>10.20.0.55</vcloud:Dns1>\n                <vcloud:Dns2>10.20.0.54</vcloud:Dns2>\n                <vcloud:IsEnabled>",
    );
    // Everything else is as it was.
    expect(
      out.replace(
        "<vcloud:Dns1>10.20.0.55</vcloud:Dns1>\n                <vcloud:Dns2>10.20.0.54</vcloud:Dns2>",
        "<vcloud:Dns1>10.20.0.53</vcloud:Dns1>",
      ),
    ).toBe(XmlDoc.parse(NETWORK).toString());
  });

  it("appends after the last child when nothing later in the schema exists, and escapes values", () => {
    const doc = XmlDoc.parse("<peerSite>\n  <name>a</name>\n</peerSite>");
    doc.root.set("description", "R&D <west>", ["name", "description"]);
    expect(doc.toString()).toBe(
      "<peerSite>\n  <name>a</name>\n  <description>R&amp;D &lt;west&gt;</description>\n</peerSite>",
    );
    doc.root.setAttr("note", `say "hi" & go`);
    expect(doc.toString()).toContain(`<peerSite note="say &quot;hi&quot; &amp; go">`);
  });

  it("removes an element with its indentation, and builds fragments in the parent's prefix", () => {
    const doc = XmlDoc.parse(NETWORK);
    const config = doc.root.child("Configuration")!;
    config.removeAll("GuestVlanAllowed");
    config.insert(config.fragment("<SubInterface>true</SubInterface>"), ["FenceMode", "SubInterface"]);
    const out = doc.toString();
    expect(out).not.toContain("GuestVlanAllowed");
    expect(out).toContain(
      `<vcloud:FutureSetting mode="x"><![CDATA[<raw>]]></vcloud:FutureSetting>\n        <vcloud:SubInterface>true</vcloud:SubInterface>\n    </vcloud:Configuration>`,
    );
  });

  it.each([
    ["a list cut after a complete element", "<vnics><vnic><index>1</index></vnic><vnic><index>"],
    ["a document without its closing root tag", "<vnics><vnic><index>1</index></vnic>"],
    ["a body cut inside a tag", "<vnic><subInterfaces><subInterface><index>10</ind"],
    ["an empty body", ""],
    ["two documents", "<vnic/><vnic/>"],
  ])("refuses %s as a retryable MALFORMED_RESPONSE", (_what, body) => {
    expect(xmlProblem(body)).toBeDefined();
    let err: unknown;
    try {
      XmlDoc.parse(body);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: "MALFORMED_RESPONSE", retryable: true });
  });

  it("accepts a complete document", () => {
    expect(xmlProblem(NETWORK)).toBeUndefined();
    expect(xmlProblem("<vnics><vnic><index>1</index></vnic></vnics>\n")).toBeUndefined();
  });
});
