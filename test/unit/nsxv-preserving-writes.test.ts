import { ApiError, ConfigError } from "../../provider/common/errors";
import { NsxEdgeClient } from "../../provider/nsxv/client";
import { upsertPeerSite, upsertSubInterface, removeSubInterface } from "../../provider/nsxv/mutations";
import type { NsxRequest, NsxResponse, NsxTransport } from "../../provider/nsxv/transport";
import type { L2VpnConfig, NsxSubInterface } from "../../provider/nsxv/types";
import { peerSiteNode } from "../../provider/nsxv/l2vpnXml";
import { subInterfaceXml } from "../../provider/nsxv/vnicXml";
import { buildXml, parseXml } from "../../provider/vcd/xml";

/**
 * updateVnic / updateL2Vpn / updateSubInterface PUT the document NSX returned with only the
 * owned, changed elements edited: shaping policies, MAC addresses, fence parameters and
 * elements we do not know survive, on the vNIC, its sub-interfaces, the L2VPN config, the
 * server and each peer site. An in-memory edge serves documents verbatim and records requests.
 */
const fast = { initialDelayMs: 1, maxDelayMs: 5, deadlineMs: 200 };

class RecordingEdge implements NsxTransport {
  readonly kind = "nsx-direct" as const;
  readonly edgeRef = "edge-7";
  readonly lockKey = `nsx-edge:recording-${Math.random()}`;
  readonly certificateScope = "edge-7";
  requests: NsxRequest[] = [];
  /** Documents by path (without query); a function answers per read. */
  docs = new Map<string, string | ((n: number) => string)>();
  private reads = 0;

  edgePath(s: string): string {
    return `/api/4.0/edges/edge-7${s}`;
  }
  truststorePath(s: string): string {
    return `/api/2.0/services/truststore${s}`;
  }
  jobPath(j: string): string {
    return j;
  }

  async request(req: NsxRequest): Promise<NsxResponse> {
    this.requests.push(req);
    const path = req.path.split("?")[0]!;
    if (req.method === "GET") {
      const doc = this.docs.get(path);
      if (doc === undefined) throw new ApiError("NOT_FOUND", path);
      const text = typeof doc === "string" ? doc : doc(++this.reads);
      let xml: NsxResponse["xml"];
      try {
        xml = parseXml(text);
      } catch {
        xml = undefined;
      }
      // Like a transport that did not validate: the lenient parse of whatever arrived.
      return { status: 200, headers: {}, text, xml };
    }
    if (req.method === "PUT") this.docs.set(path, req.xml!);
    return { status: 204, headers: {}, text: "" };
  }

  puts(): NsxRequest[] {
    return this.requests.filter((r) => r.method !== "GET");
  }
}

// A trunk as NSX 6.4 returns it, with what we do not model: MAC addresses, a fence parameter,
// bridge mode, both shaping policies, a field of a newer release, and unknown elements on the
// sub-interfaces.
const VNIC = `<?xml version="1.0" encoding="UTF-8"?><vnic>
    <label>vNic_3</label>
    <name>trunk-l2vpn</name>
    <addressGroups/>
    <mtu>1600</mtu>
    <type>trunk</type>
    <isConnected>true</isConnected>
    <index>3</index>
    <portgroupId>dvportgroup-20228</portgroupId>
    <portgroupName>dvs-trunk</portgroupName>
    <macAddress><edgeVmHaIndex>0</edgeVmHaIndex><value>00:50:56:aa:bb:01</value></macAddress>
    <macAddress><edgeVmHaIndex>1</edgeVmHaIndex><value>00:50:56:aa:bb:02</value></macAddress>
    <fenceParameter><key>ethernet0.filter1.param1</key><value>1</value></fenceParameter>
    <enableProxyArp>false</enableProxyArp>
    <enableSendRedirects>true</enableSendRedirects>
    <enableBridgeMode>false</enableBridgeMode>
    <inShapingPolicy><averageBandwidth>100000</averageBandwidth><peakBandwidth>200000</peakBandwidth><burstSize>102400</burstSize><enabled>true</enabled><inherited>false</inherited></inShapingPolicy>
    <outShapingPolicy><averageBandwidth>50000</averageBandwidth><peakBandwidth>100000</peakBandwidth><burstSize>51200</burstSize><enabled>true</enabled><inherited>false</inherited></outShapingPolicy>
    <futureOption since="6.5">on</futureOption>
    <subInterfaces>
        <subInterface>
            <isConnected>true</isConnected>
            <label>vNic_10</label>
            <name>stretched-a</name>
            <index>10</index>
            <tunnelId>1</tunnelId>
            <vlanId>123</vlanId>
            <enableSendRedirects>false</enableSendRedirects>
            <mtu>1500</mtu>
            <addressGroups>
                <addressGroup>
                    <primaryAddress>10.1.1.1</primaryAddress>
                    <subnetMask>255.255.255.0</subnetMask>
                    <subnetPrefixLength>24</subnetPrefixLength>
                </addressGroup>
            </addressGroups>
            <qosTag class="gold">5</qosTag>
        </subInterface>
        <subInterface>
            <isConnected>true</isConnected>
            <label>vNic_11</label>
            <name>stretched-b</name>
            <index>11</index>
            <tunnelId>2</tunnelId>
            <logicalSwitchId>virtualwire-61</logicalSwitchId>
            <logicalSwitchName>app-ls</logicalSwitchName>
            <enableSendRedirects>true</enableSendRedirects>
            <mtu>1500</mtu>
            <addressGroups/>
            <qosTag class="silver">3</qosTag>
        </subInterface>
    </subInterfaces>
</vnic>`;

const VNIC_PATH = "/api/4.0/edges/edge-7/vnics/3";
const SUB_B = VNIC.slice(
  VNIC.indexOf("\n        <subInterface>", VNIC.indexOf("</subInterface>")),
  VNIC.lastIndexOf("</subInterface>") + "</subInterface>".length,
);

const newSub: NsxSubInterface = {
  name: "stretched-c",
  tunnelId: 3,
  vlanId: 125,
  mtu: 1500,
  isConnected: true,
  enableSendRedirects: false,
  addressGroups: [{ primaryAddress: "10.1.3.1", prefixLength: 24 }],
};

const fragment = (xml: string) => xml.replace(/^<\?xml[^>]*>\s*/, "");

function edgeWith(docs: Record<string, string | ((n: number) => string)>) {
  const edge = new RecordingEdge();
  for (const [k, v] of Object.entries(docs)) edge.docs.set(k, v);
  return { edge, client: new NsxEdgeClient(edge, { write: fast }) };
}

const lastPut = (edge: RecordingEdge) => edge.puts().at(-1)!.xml!;

describe("updateVnic keeps what it does not own", () => {
  it("adding a sub-interface appends it and changes nothing else (the trunk's QoS stays)", async () => {
    const { edge, client } = edgeWith({ [VNIC_PATH]: VNIC });
    await client.updateVnic(3, (v) => upsertSubInterface(v, newSub));
    expect(edge.requests.map((r) => r.method)).toEqual(["GET", "PUT", "GET"]);
    expect(lastPut(edge)).toBe(
      VNIC.replace(
        "</subInterface>\n    </subInterfaces>",
        `</subInterface>\n        ${fragment(subInterfaceXml(newSub))}\n    </subInterfaces>`,
      ),
    );
    expect(lastPut(edge)).toContain("<inShapingPolicy><averageBandwidth>100000</averageBandwidth>");
    expect(lastPut(edge)).toContain("<value>00:50:56:aa:bb:02</value>");
    expect(lastPut(edge)).toContain(`<qosTag class="gold">5</qosTag>`);
  });

  it("edits changed fields of the vnic and of a sub-interface in place", async () => {
    const { edge, client } = edgeWith({ [VNIC_PATH]: VNIC });
    await client.updateVnic(3, (v) => {
      // Mutating in place is allowed: the client compares with what it read.
      v.mtu = 9000;
      v.subInterfaces[0]!.mtu = 1400;
      v.subInterfaces[0]!.addressGroups = [{ primaryAddress: "10.1.1.1", prefixLength: 25 }];
      return v;
    });
    const s = "\n                    ";
    expect(lastPut(edge)).toBe(
      VNIC.replace("<mtu>1600</mtu>", "<mtu>9000</mtu>")
        .replace("<mtu>1500</mtu>", "<mtu>1400</mtu>")
        // A subnetMask would win over the prefix in NSX: it goes, the prefix is set.
        .replace(
          `${s}<subnetMask>255.255.255.0</subnetMask>${s}<subnetPrefixLength>24</subnetPrefixLength>`,
          `${s}<subnetPrefixLength>25</subnetPrefixLength>`,
        ),
    );
  });

  it("removing a sub-interface removes exactly its element; the other keeps its unknown children", async () => {
    const { edge, client } = edgeWith({ [VNIC_PATH]: VNIC });
    await client.updateVnic(3, (v) => removeSubInterface(v, 2));
    expect(lastPut(edge)).toBe(VNIC.replace(SUB_B, ""));
  });

  it("switching a sub-interface from a logical switch to a VLAN drops the switch and its read-only name", async () => {
    const { edge, client } = edgeWith({ [VNIC_PATH]: VNIC });
    await client.updateVnic(3, (v) => ({
      ...v,
      subInterfaces: v.subInterfaces.map((s) => (s.index === 11 ? { ...s, vlanId: 300 } : s)),
    }));
    const body = lastPut(edge);
    expect(body).not.toContain("virtualwire-61");
    expect(body).not.toContain("app-ls");
    expect(body).toContain(
      "<tunnelId>2</tunnelId>\n            <vlanId>300</vlanId>\n            <enableSendRedirects>true",
    );
    expect(body).toContain(`<qosTag class="silver">3</qosTag>`);
  });

  it("sends nothing when the mutation changes nothing", async () => {
    const { edge, client } = edgeWith({ [VNIC_PATH]: VNIC });
    await client.updateVnic(3, (v) => ({ ...v, subInterfaces: [...v.subInterfaces] }));
    await client.updateVnic(3, (v) => upsertSubInterface(v, { ...v.subInterfaces[0]! }));
    expect(edge.puts()).toEqual([]);
  });

  it("a truncated GET (cut after a complete sub-interface) is re-read, never written back", async () => {
    const cut = VNIC.slice(0, VNIC.indexOf("</subInterface>") + "</subInterface>".length);
    const { edge, client } = edgeWith({ [VNIC_PATH]: (n) => (n === 1 ? cut : VNIC) });
    await client.updateVnic(3, (v) => upsertSubInterface(v, newSub));
    expect(edge.requests.map((r) => r.method)).toEqual(["GET", "GET", "PUT", "GET"]);
    expect(lastPut(edge)).toContain("<name>stretched-b</name>");
  });

  it("a body that stays truncated fails as MALFORMED_RESPONSE with no PUT", async () => {
    const cut = VNIC.slice(0, VNIC.indexOf("</subInterface>") + "</subInterface>".length);
    const { edge, client } = edgeWith({ [VNIC_PATH]: cut });
    await expect(client.updateVnic(3, (v) => upsertSubInterface(v, newSub))).rejects.toMatchObject({
      code: "MALFORMED_RESPONSE",
      retryable: true,
    });
    expect(edge.puts()).toEqual([]);
  });

  it("updateSubInterface (NSX 6.4) is a read-modify-write of the one sub-interface", async () => {
    const path = "/api/4.0/edges/edge-7/vnics/3/subinterfaces/10";
    const one = `<subInterface><isConnected>true</isConnected><label>vNic_10</label><name>stretched-a</name><index>10</index><tunnelId>1</tunnelId><vlanId>123</vlanId><enableSendRedirects>false</enableSendRedirects><mtu>1500</mtu><addressGroups/><qosTag>5</qosTag><parentVnicIndex>3</parentVnicIndex></subInterface>`;
    const { edge, client } = edgeWith({ [path]: one });
    await client.updateSubInterface(3, {
      index: 10,
      name: "stretched-a",
      tunnelId: 1,
      vlanId: 124,
      mtu: 1500,
      isConnected: true,
      enableSendRedirects: false,
      addressGroups: [],
    });
    expect(lastPut(edge)).toBe(one.replace("<vlanId>123<", "<vlanId>124<"));
  });
});

// An L2VPN server as NSX returns it with showSensitiveData=true, plus elements we do not model
// on the config, the server configuration and the peer site.
const L2VPN = `<l2Vpn>
  <version>7</version>
  <enabled>true</enabled>
  <logging><enable>false</enable><logLevel>info</logLevel></logging>
  <futureGlobal>x</futureGlobal>
  <l2VpnSites>
    <l2VpnSite>
      <server>
        <configuration>
          <listenerIp>192.0.2.10</listenerIp>
          <listenerPort>443</listenerPort>
          <encryptionAlgorithm>AES256-SHA</encryptionAlgorithm>
          <serverCertificate>certificate-3</serverCertificate>
          <peerSites>
            <peerSite>
              <name>hq</name>
              <description>head office</description>
              <l2VpnUser><userId>hq-user</userId><password>Hq-Secret-123</password></l2VpnUser>
              <vnics><index>10</index></vnics>
              <egressOptimization><gatewayIpAddress>10.1.1.1</gatewayIpAddress></egressOptimization>
              <enabled>true</enabled>
              <secureTraffic>true</secureTraffic>
              <siteId>site-1</siteId>
            </peerSite>
          </peerSites>
          <listenerHa mode="active">on</listenerHa>
        </configuration>
      </server>
    </l2VpnSite>
  </l2VpnSites>
</l2Vpn>`;

const L2VPN_PATH = "/api/4.0/edges/edge-7/l2vpn/config";
const WITHOUT_VERSION = L2VPN.replace("\n  <version>7</version>", "");

const branch = {
  name: "branch",
  userId: "branch-user",
  password: "Branch-Secret-1",
  vnics: [11],
  egressOptimizationIps: [],
  enabled: true,
};

describe("updateL2Vpn keeps what it does not own", () => {
  it("adding a peer site appends it; unknown elements of config, server and sites stay; <version> goes", async () => {
    const { edge, client } = edgeWith({ [L2VPN_PATH]: L2VPN });
    await client.updateL2Vpn((c) => upsertPeerSite(c, branch));
    expect(edge.requests[0]!.path).toContain("showSensitiveData=true");
    const site = fragment(buildXml("peerSite", peerSiteNode(branch)));
    expect(lastPut(edge)).toBe(
      WITHOUT_VERSION.replace(
        "</peerSite>\n          </peerSites>",
        `</peerSite>\n            ${site}\n          </peerSites>`,
      ),
    );
  });

  it("a handler that rebuilds the whole config from its inputs still only changes what differs", async () => {
    const { edge, client } = edgeWith({ [L2VPN_PATH]: L2VPN });
    const rebuilt: L2VpnConfig = {
      enabled: true,
      logging: { enable: false, logLevel: "info" },
      server: {
        listenerIp: "192.0.2.10",
        listenerPort: 8443,
        encryptionAlgorithm: "AES256-SHA",
        // The proxy's composite id names the same certificate: no change.
        serverCertificate: "0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9:certificate-3",
        peerSites: [
          {
            name: "hq",
            description: "head office",
            userId: "hq-user",
            password: "Hq-Secret-123",
            vnics: [10, 12],
            egressOptimizationIps: [],
            enabled: true,
          },
        ],
      },
    };
    await client.updateL2Vpn(() => rebuilt);
    expect(lastPut(edge)).toBe(
      WITHOUT_VERSION.replace("<listenerPort>443<", "<listenerPort>8443<")
        .replace("<vnics><index>10</index></vnics>", "<vnics><index>10</index><index>12</index></vnics>")
        .replace(
          "\n              <egressOptimization><gatewayIpAddress>10.1.1.1</gatewayIpAddress></egressOptimization>",
          "",
        ),
    );
  });

  it("sends nothing when nothing changes (dropping <version> alone is no reason to write)", async () => {
    const { edge, client } = edgeWith({ [L2VPN_PATH]: L2VPN });
    await client.updateL2Vpn((c) => ({ ...c }));
    expect(edge.puts()).toEqual([]);
  });

  it("refuses before writing when the read withheld a kept site's password", async () => {
    const { edge, client } = edgeWith({
      [L2VPN_PATH]: L2VPN.replace("<password>Hq-Secret-123</password>", ""),
    });
    await expect(client.updateL2Vpn((c) => upsertPeerSite(c, branch))).rejects.toBeInstanceOf(ConfigError);
    expect(edge.puts()).toEqual([]);
  });

  it("a client config keeps its proxy settings and unknown elements when the server address changes", async () => {
    const clientDoc = `<l2Vpn><enabled>true</enabled><logging><enable>false</enable><logLevel>info</logLevel></logging><l2VpnSites><l2VpnSite><client><configuration><serverAddress>192.0.2.10</serverAddress><serverPort>443</serverPort><vnic>10</vnic><encryptionAlgorithm>AES256-SHA</encryptionAlgorithm><failoverServer>192.0.2.11</failoverServer></configuration><proxySetting><type>https</type><address>10.0.0.8</address><port>3128</port><userName>px</userName><password>Px-Secret-1</password><noProxy>10.0.0.0/8</noProxy></proxySetting><l2VpnUser><userId>u</userId><password>U-Secret-123</password></l2VpnUser><clientTuning>fast</clientTuning></client></l2VpnSite></l2VpnSites></l2Vpn>`;
    const { edge, client } = edgeWith({ [L2VPN_PATH]: clientDoc });
    await client.updateL2Vpn((c) => ({
      ...c,
      client: { ...c.client!, serverAddress: "192.0.2.20", vnics: [10, 11] },
    }));
    expect(lastPut(edge)).toBe(
      clientDoc
        .replace("<serverAddress>192.0.2.10<", "<serverAddress>192.0.2.20<")
        .replace("<vnic>10</vnic>", "<vnic>10</vnic><vnic>11</vnic>"),
    );
  });
});
