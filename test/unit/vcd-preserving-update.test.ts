import { VcdExecutor } from "../../provider/vcd/executor";
import { updateNetwork } from "../../provider/vcd/networks";
import type { OrgNetworkSpec } from "../../provider/vcd/types";
import { startFakeHttp, type FakeAnswer, type FakeHttp, type RecordedRequest } from "../support/fake-http";

/**
 * updateNetwork is a read-modify-write of the OrgVdcNetwork document vCD returned: the PUT is
 * that document with only the owned, changed elements edited, over a scripted vCD that
 * records every request.
 */
const UUID = "4f8a1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c";
const EDGE = "https://vcd.example.com/api/admin/edgeGateway/0b7e3b8a-1111-4222-8333-444455556666";
const NS = "http://www.vmware.com/vcloud/v1.5";

// What vCD 10.x answers, in a prefixed namespace, with what other tools set: GuestVlanAllowed and
// RetainNetInfoAcrossDeployments true, a VCloudExtension, an unknown element and attribute.
const GET_BODY = `<?xml version="1.0" encoding="UTF-8"?><vcloud:OrgVdcNetwork xmlns:vcloud="${NS}" xmlns:vmext="http://www.vmware.com/vcloud/extension/v1.5" href="https://vcd.example.com/api/admin/network/${UUID}" id="urn:vcloud:network:${UUID}" name="app" status="1" type="application/vnd.vmware.vcloud.orgVdcNetwork+xml" vcloud:origin="cmdb-42">
    <vcloud:VCloudExtension required="false">
        <vmext:VimObjectRef>
            <vmext:VimServerRef href="https://vcd.example.com/api/admin/extension/vimServer/1"/>
            <vmext:MoRef>dvportgroup-2041</vmext:MoRef>
            <vmext:VimObjectType>DV_PORTGROUP</vmext:VimObjectType>
        </vmext:VimObjectRef>
    </vcloud:VCloudExtension>
    <vcloud:Link rel="up" href="https://vcd.example.com/api/vdc/1" type="application/vnd.vmware.vcloud.vdc+xml"/>
    <vcloud:Link rel="edit" href="https://vcd.example.com/api/admin/network/${UUID}" type="application/vnd.vmware.vcloud.orgVdcNetwork+xml"/>
    <vcloud:Description>app tier</vcloud:Description>
    <vcloud:Configuration>
        <vcloud:IpScopes>
            <vcloud:IpScope>
                <vcloud:IsInherited>false</vcloud:IsInherited>
                <vcloud:Gateway>10.20.0.1</vcloud:Gateway>
                <vcloud:Netmask>255.255.255.0</vcloud:Netmask>
                <vcloud:SubnetPrefixLength>24</vcloud:SubnetPrefixLength>
                <vcloud:Dns1>10.20.0.53</vcloud:Dns1>
                <vcloud:DnsSuffix>app.example.com</vcloud:DnsSuffix>
                <vcloud:IsEnabled>true</vcloud:IsEnabled>
                <vcloud:IpRanges>
                    <vcloud:IpRange>
                        <vcloud:StartAddress>10.20.0.100</vcloud:StartAddress>
                        <vcloud:EndAddress>10.20.0.199</vcloud:EndAddress>
                    </vcloud:IpRange>
                </vcloud:IpRanges>
            </vcloud:IpScope>
        </vcloud:IpScopes>
        <vcloud:FenceMode>natRouted</vcloud:FenceMode>
        <vcloud:RetainNetInfoAcrossDeployments>true</vcloud:RetainNetInfoAcrossDeployments>
        <vcloud:SubInterface>true</vcloud:SubInterface>
        <vcloud:GuestVlanAllowed>true</vcloud:GuestVlanAllowed>
        <vcloud:DualStackNetwork>false</vcloud:DualStackNetwork>
    </vcloud:Configuration>
    <vcloud:IsShared>false</vcloud:IsShared>
</vcloud:OrgVdcNetwork>`;

const SPEC: OrgNetworkSpec = {
  name: "app",
  description: "app tier",
  gateway: "10.20.0.1",
  netmask: "255.255.255.0",
  dns1: "10.20.0.53",
  dnsSuffix: "app.example.com",
  ipRanges: [{ start: "10.20.0.100", end: "10.20.0.199" }],
  shared: false,
  subInterface: true,
  edgeGatewayHref: EDGE,
};

const EDGE_ELEMENT = `<vcloud:EdgeGateway href="${EDGE}" type="application/vnd.vmware.admin.edgeGateway+xml"/>`;

/** The GET body as the PUT must look: `edits` applied, plus the EdgeGateway vCD requires. */
function expectedPut(edits: (s: string) => string = (s) => s): string {
  return edits(GET_BODY).replace("\n    <vcloud:IsShared>", `\n    ${EDGE_ELEMENT}\n    <vcloud:IsShared>`);
}

/** A scripted vCD 10.3: login, the network document (`getBody` answers GETs), task done at once. */
function fakeVcd(getBody: (n: number) => string): (req: RecordedRequest) => FakeAnswer {
  let gets = 0;
  return (req): FakeAnswer => {
    if (req.url === "/api/versions")
      return {
        status: 200,
        body: `<SupportedVersions xmlns="${NS}"><VersionInfo deprecated="false"><Version>36.0</Version></VersionInfo></SupportedVersions>`,
      };
    if (req.url.startsWith("/cloudapi/1.0.0/sessions"))
      return {
        status: 200,
        body: "{}",
        headers: { "content-type": "application/json", "x-vmware-vcloud-access-token": "t0ken" },
      };
    if (req.url === `/api/admin/network/${UUID}` && req.method === "GET")
      return {
        status: 200,
        body: getBody(++gets),
        headers: { "content-type": "application/vnd.vmware.vcloud.orgVdcNetwork+xml;version=36.0" },
      };
    if (req.url === `/api/admin/network/${UUID}` && req.method === "PUT")
      return {
        status: 202,
        body: `<Task xmlns="${NS}" href="http://${req.headers.host}/api/task/t1" status="running" operationName="orgVdcNetworkUpdate"/>`,
      };
    if (req.url === "/api/task/t1")
      return {
        status: 200,
        body: `<Task xmlns="${NS}" href="http://${req.headers.host}/api/task/t1" status="success"/>`,
      };
    return {
      status: 404,
      body: `<Error xmlns="${NS}" majorErrorCode="404" minorErrorCode="NOT_FOUND" message="no"/>`,
    };
  };
}

const networkRequests = (fake: FakeHttp) =>
  fake.requests.filter((r) => r.url === `/api/admin/network/${UUID}`);

describe("updateNetwork keeps what it does not own", () => {
  let fake: FakeHttp | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  async function run(spec: OrgNetworkSpec, getBody: (n: number) => string = () => GET_BODY) {
    fake = await startFakeHttp(fakeVcd(getBody));
    const exec = new VcdExecutor({
      url: fake.url,
      org: "acme",
      user: "alice",
      password: "pw",
      retry: { initialDelayMs: 1, maxDelayMs: 5, deadlineMs: 300 },
    });
    return updateNetwork(exec, UUID, spec);
  }

  it("a DNS change GETs, then PUTs the document with only Dns1 changed (and the EdgeGateway added)", async () => {
    await run({ ...SPEC, dns1: "10.20.0.54" });
    const calls = networkRequests(fake!).map((r) => r.method);
    expect(calls.slice(0, 2)).toEqual(["GET", "PUT"]);
    const put = fake!.writes().find((r) => r.method === "PUT")!;
    expect(put.headers["content-type"]).toBe("application/vnd.vmware.vcloud.orgVdcNetwork+xml");
    expect(put.body).toBe(
      expectedPut((s) => s.replace("<vcloud:Dns1>10.20.0.53<", "<vcloud:Dns1>10.20.0.54<")),
    );
    // Spelled out: what another tool set is still there, as it was.
    expect(put.body).toContain("<vcloud:GuestVlanAllowed>true</vcloud:GuestVlanAllowed>");
    expect(put.body).toContain(
      "<vcloud:RetainNetInfoAcrossDeployments>true</vcloud:RetainNetInfoAcrossDeployments>",
    );
    expect(put.body).toContain("<vmext:MoRef>dvportgroup-2041</vmext:MoRef>");
    expect(put.body).toContain(`vcloud:origin="cmdb-42"`);
    expect(put.body).toContain("<vcloud:DualStackNetwork>false</vcloud:DualStackNetwork>");
  });

  it("edits pools, DNS and description in place and in schema order", async () => {
    await run({
      ...SPEC,
      description: undefined,
      dns2: "10.20.0.54",
      dnsSuffix: undefined,
      shared: true,
      ipRanges: [
        { start: "10.20.0.100", end: "10.20.0.199" },
        { start: "10.20.0.210", end: "10.20.0.219" },
      ],
    });
    const put = fake!.writes().find((r) => r.method === "PUT")!;
    const i = "\n                ";
    expect(put.body).toBe(
      expectedPut((s) =>
        s
          .replace("\n    <vcloud:Description>app tier</vcloud:Description>", "")
          .replace(
            `<vcloud:Dns1>10.20.0.53</vcloud:Dns1>${i}<vcloud:DnsSuffix>app.example.com</vcloud:DnsSuffix>`,
            `<vcloud:Dns1>10.20.0.53</vcloud:Dns1>${i}<vcloud:Dns2>10.20.0.54</vcloud:Dns2>`,
          )
          .replace(
            `</vcloud:IpRange>${i}</vcloud:IpRanges>`,
            `</vcloud:IpRange>${i}    <vcloud:IpRange><vcloud:StartAddress>10.20.0.210</vcloud:StartAddress><vcloud:EndAddress>10.20.0.219</vcloud:EndAddress></vcloud:IpRange>${i}</vcloud:IpRanges>`,
          )
          .replace("<vcloud:IsShared>false<", "<vcloud:IsShared>true<"),
      ),
    );
  });

  it("sends nothing when the network already matches", async () => {
    await run(SPEC);
    expect(fake!.writes().filter((r) => r.url.includes("/network/"))).toEqual([]);
  });

  it("re-reads a truncated GET and writes from the complete document", async () => {
    const cut = GET_BODY.slice(0, GET_BODY.indexOf("</vcloud:IpRange>") + "</vcloud:IpRange>".length);
    await run({ ...SPEC, dns1: "10.20.0.54" }, (n) => (n === 1 ? cut : GET_BODY));
    const put = fake!.writes().find((r) => r.method === "PUT")!;
    expect(put.body).toBe(
      expectedPut((s) => s.replace("<vcloud:Dns1>10.20.0.53<", "<vcloud:Dns1>10.20.0.54<")),
    );
    expect(
      networkRequests(fake!)
        .map((r) => r.method)
        .slice(0, 3),
    ).toEqual(["GET", "GET", "PUT"]);
  });

  it("never writes from a document missing its closing root tag: MALFORMED_RESPONSE, no PUT", async () => {
    const cut = GET_BODY.slice(0, GET_BODY.lastIndexOf("</vcloud:OrgVdcNetwork>"));
    await expect(run({ ...SPEC, dns1: "10.20.0.54" }, () => cut)).rejects.toMatchObject({
      code: "MALFORMED_RESPONSE",
      retryable: true,
    });
    expect(networkRequests(fake!).length).toBeGreaterThan(1); // retried
    expect(fake!.writes().filter((r) => r.url.includes("/network/"))).toEqual([]);
  });
});
