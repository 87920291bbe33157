import { parseXml } from "../../provider/vcd/xml";
import { csrXml, readCertificates, readCsr, trustObjectXml } from "../../provider/nsxv/certXml";
import { readEdgeJob } from "../../provider/nsxv/jobXml";
import { l2VpnXml, missingPasswords, nsxObjectId, readL2Vpn } from "../../provider/nsxv/l2vpnXml";
import { readL2VpnStatus } from "../../provider/nsxv/statsXml";
import type { L2VpnConfig, NsxVnic } from "../../provider/nsxv/types";
import { readVnic, readVnics, subInterfaceXml, vnicXml } from "../../provider/nsxv/vnicXml";

/** Element names of a built document in document order (tags only, no text). */
function tags(xml: string, under?: string): string[] {
  const body = under
    ? xml.slice(xml.indexOf(`<${under}>`) + under.length + 2, xml.indexOf(`</${under}>`))
    : xml;
  const out: string[] = [];
  let depth = 0;
  for (const m of body.matchAll(/<(\/?)([A-Za-z][\w]*)[^>]*?(\/?)>/g)) {
    if (m[1]) depth--;
    else {
      if (depth === 0) out.push(m[2]!);
      if (!m[3]) depth++;
    }
  }
  return out;
}

// Shaped like reference §7.5 (pre-6.4 whole-vnic PUT) plus what GET adds (label, index, names).
const TRUNK_GET = `<?xml version="1.0" encoding="UTF-8"?>
<vnic>
  <label>vNic_2</label>
  <name>trunk-l2vpn</name>
  <addressGroups/>
  <mtu>1600</mtu>
  <type>trunk</type>
  <isConnected>true</isConnected>
  <index>2</index>
  <portgroupId>dvportgroup-20228</portgroupId>
  <portgroupName>dvs-trunk</portgroupName>
  <enableProxyArp>false</enableProxyArp>
  <enableSendRedirects>true</enableSendRedirects>
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
      <addressGroups><addressGroup>
        <primaryAddress>10.1.1.1</primaryAddress><subnetPrefixLength>24</subnetPrefixLength>
      </addressGroup></addressGroups>
    </subInterface>
    <subInterface>
      <isConnected>true</isConnected>
      <label>vNic_11</label>
      <name>stretched-b</name>
      <index>11</index>
      <tunnelId>2</tunnelId>
      <logicalSwitchId>virtualwire-61</logicalSwitchId>
      <logicalSwitchName>web</logicalSwitchName>
      <mtu>1500</mtu>
      <addressGroups><addressGroup>
        <primaryAddress>1.12.123.51</primaryAddress><subnetMask>255.255.255.0</subnetMask>
        <secondaryAddresses><ipAddress>1.12.123.52</ipAddress><ipAddress>1.12.123.53</ipAddress></secondaryAddresses>
      </addressGroup></addressGroups>
    </subInterface>
  </subInterfaces>
</vnic>`;

describe("vnic XML", () => {
  const vnic = readVnic(parseXml(TRUNK_GET)["vnic"] as Record<string, unknown>);

  it("reads a trunk vnic with VLAN- and network-backed sub-interfaces", () => {
    expect(vnic).toMatchObject({
      index: 2,
      label: "vNic_2",
      name: "trunk-l2vpn",
      type: "trunk",
      mtu: 1600,
      isConnected: true,
      portgroupId: "dvportgroup-20228",
      portgroupName: "dvs-trunk",
      addressGroups: [],
      enableProxyArp: false,
      enableSendRedirects: true,
    });
    expect(vnic.subInterfaces).toEqual([
      {
        index: 10,
        name: "stretched-a",
        tunnelId: 1,
        vlanId: 123,
        logicalSwitchId: undefined,
        logicalSwitchName: undefined,
        mtu: 1500,
        isConnected: true,
        enableSendRedirects: false,
        addressGroups: [{ primaryAddress: "10.1.1.1", prefixLength: 24 }],
      },
      {
        index: 11,
        name: "stretched-b",
        tunnelId: 2,
        vlanId: undefined,
        logicalSwitchId: "virtualwire-61",
        logicalSwitchName: "web",
        mtu: 1500,
        isConnected: true,
        // NSX default when the element is absent.
        enableSendRedirects: true,
        addressGroups: [
          {
            primaryAddress: "1.12.123.51",
            prefixLength: 24,
            secondaryAddresses: ["1.12.123.52", "1.12.123.53"],
          },
        ],
      },
    ]);
  });

  it("writes elements in NSX schema order and leaves read-only ones out", () => {
    const xml = vnicXml(vnic);
    expect(tags(xml, "vnic")).toEqual([
      "name",
      "addressGroups",
      "mtu",
      "type",
      "isConnected",
      "index",
      "portgroupId",
      "enableProxyArp",
      "enableSendRedirects",
      "subInterfaces",
    ]);
    expect(tags(xml, "subInterface")).toEqual([
      "isConnected",
      "name",
      "index",
      "tunnelId",
      "vlanId",
      "enableSendRedirects",
      "mtu",
      "addressGroups",
    ]);
    expect(xml).not.toMatch(/label|portgroupName|logicalSwitchName/);
    expect(tags(xml, "addressGroup")).toEqual(["primaryAddress", "subnetPrefixLength"]);
  });

  it("round-trips (read → write → read is the identity on writable fields)", () => {
    const again = readVnic(parseXml(vnicXml(vnic))["vnic"] as Record<string, unknown>);
    const strip = (v: NsxVnic) => ({
      ...v,
      label: undefined,
      portgroupName: undefined,
      subInterfaces: v.subInterfaces.map((s) => ({ ...s, logicalSwitchName: undefined })),
    });
    expect(strip(again)).toEqual(strip(vnic));
  });

  it("writes secondary addresses between primary address and prefix length", () => {
    const xml = vnicXml(vnic);
    expect(xml).toContain(
      "<primaryAddress>1.12.123.51</primaryAddress><secondaryAddresses><ipAddress>1.12.123.52</ipAddress>" +
        "<ipAddress>1.12.123.53</ipAddress></secondaryAddresses><subnetPrefixLength>24</subnetPrefixLength>",
    );
  });

  it("writes exactly one backing, preferring vlanId", () => {
    const xml = subInterfaceXml({ ...vnic.subInterfaces[0]!, logicalSwitchId: "virtualwire-9" });
    expect(xml).toContain("<vlanId>123</vlanId>");
    expect(xml).not.toContain("logicalSwitchId");
  });

  it("writes an empty <subInterfaces/> for a trunk without sub-interfaces (PUT clears them)", () => {
    expect(vnicXml({ ...vnic, subInterfaces: [] })).toContain("<subInterfaces/>");
    expect(vnicXml({ ...vnic, type: "internal", subInterfaces: [] })).not.toContain("subInterfaces");
  });

  it("omits index on a sub-interface NSX has not numbered yet", () => {
    expect(subInterfaceXml({ ...vnic.subInterfaces[0]!, index: undefined })).not.toContain("<index>");
  });

  it("reads all ten vnics of a <vnics> document, unused slots included", () => {
    const doc = `<vnics>${TRUNK_GET.replace(/<\?xml[^>]*>/, "")}<vnic><label>vNic_3</label><name>vnic3</name><mtu>1500</mtu><type>internal</type><isConnected>false</isConnected><index>3</index></vnic></vnics>`;
    const all = readVnics(parseXml(doc));
    expect(all.map((v) => [v.index, v.type, v.subInterfaces.length])).toEqual([
      [2, "trunk", 2],
      [3, "internal", 0],
    ]);
  });
});

// Reference §8.3 / §8.4 shapes, as GET returns them (with <version>, passwords only if sensitive).
const SERVER_GET = `<l2Vpn>
  <version>7</version>
  <enabled>true</enabled>
  <logging><enable>false</enable><logLevel>info</logLevel></logging>
  <l2VpnSites><l2VpnSite><server><configuration>
    <listenerIp>192.168.15.65</listenerIp>
    <listenerPort>443</listenerPort>
    <encryptionAlgorithm>AES128-SHA</encryptionAlgorithm>
    <serverCertificate>certificate-3</serverCertificate>
    <peerSites>
      <peerSite>
        <name>PeerSite1</name><description>first &amp; only</description>
        <l2VpnUser><userId>apple</userId><password>Apple-Secret-1</password></l2VpnUser>
        <vnics><index>10</index><index>11</index></vnics>
        <egressOptimization><gatewayIpAddress>192.168.15.1</gatewayIpAddress></egressOptimization>
        <enabled>true</enabled>
      </peerSite>
      <peerSite>
        <name>PeerSite2</name>
        <l2VpnUser><userId>pear</userId><password>Pear-Secret-2</password></l2VpnUser>
        <vnics><index>12</index></vnics>
        <enabled>false</enabled>
      </peerSite>
    </peerSites>
  </configuration></server></l2VpnSite></l2VpnSites>
</l2Vpn>`;

const CLIENT_GET = `<l2Vpn>
  <version>3</version>
  <enabled>true</enabled>
  <logging><enable>true</enable><logLevel>debug</logLevel></logging>
  <l2VpnSites><l2VpnSite><client>
    <configuration>
      <serverAddress>192.168.15.23</serverAddress>
      <serverPort>443</serverPort>
      <caCertificate>certificate-4</caCertificate>
      <vnic>10</vnic>
      <vnic>11</vnic>
      <egressOptimization><gatewayIpAddress>192.168.15.1</gatewayIpAddress></egressOptimization>
      <encryptionAlgorithm>AES128-SHA</encryptionAlgorithm>
    </configuration>
    <proxySetting><type>https</type><address>10.112.243.202</address><port>443</port><userName>root</userName></proxySetting>
    <l2VpnUser><userId>apple</userId></l2VpnUser>
  </client></l2VpnSite></l2VpnSites>
</l2Vpn>`;

describe("l2Vpn XML", () => {
  const server = readL2Vpn(parseXml(SERVER_GET));
  const client = readL2Vpn(parseXml(CLIENT_GET));

  it("reads a server config with its peer sites and passwords", () => {
    expect(server).toEqual({
      enabled: true,
      logging: { enable: false, logLevel: "info" },
      server: {
        listenerIp: "192.168.15.65",
        listenerPort: 443,
        encryptionAlgorithm: "AES128-SHA",
        serverCertificate: "certificate-3",
        peerSites: [
          {
            name: "PeerSite1",
            description: "first & only",
            userId: "apple",
            password: "Apple-Secret-1",
            vnics: [10, 11],
            egressOptimizationIps: ["192.168.15.1"],
            enabled: true,
          },
          {
            name: "PeerSite2",
            userId: "pear",
            password: "Pear-Secret-2",
            vnics: [12],
            egressOptimizationIps: [],
            enabled: false,
          },
        ],
      },
    });
  });

  it("reads a client config in GET order (caCertificate before vnic), without the withheld passwords", () => {
    expect(client.client).toEqual({
      serverAddress: "192.168.15.23",
      serverPort: 443,
      vnics: [10, 11],
      encryptionAlgorithm: "AES128-SHA",
      caCertificate: "certificate-4",
      egressOptimizationIps: ["192.168.15.1"],
      userId: "apple",
      password: undefined,
      proxy: { type: "https", address: "10.112.243.202", port: 443, userName: "root", password: undefined },
    });
    expect(client.logging).toEqual({ enable: true, logLevel: "debug" });
  });

  it("drops <version> on write and writes the server in documented order, passwords included", () => {
    const xml = l2VpnXml(server);
    expect(xml).not.toContain("<version>");
    expect(tags(xml, "l2Vpn")).toEqual(["enabled", "logging", "l2VpnSites"]);
    expect(tags(xml, "configuration")).toEqual([
      "listenerIp",
      "listenerPort",
      "encryptionAlgorithm",
      "serverCertificate",
      "peerSites",
    ]);
    expect(tags(xml, "peerSite")).toEqual([
      "name",
      "description",
      "l2VpnUser",
      "vnics",
      "egressOptimization",
      "enabled",
    ]);
    expect(xml).toContain("<l2VpnUser><userId>apple</userId><password>Apple-Secret-1</password></l2VpnUser>");
    expect(xml).toContain("<l2VpnUser><userId>pear</userId><password>Pear-Secret-2</password></l2VpnUser>");
    expect(xml).toContain("<vnics><index>10</index><index>11</index></vnics>");
    expect(readL2Vpn(parseXml(xml))).toEqual(server);
  });

  it("writes the client in the NSX PUT example order", () => {
    const cfg: L2VpnConfig = {
      ...client,
      client: {
        ...client.client!,
        password: "Apple-Secret-1",
        proxy: { ...client.client!.proxy!, password: "Proxy-1" },
      },
    };
    const xml = l2VpnXml(cfg);
    expect(tags(xml, "client")).toEqual(["configuration", "proxySetting", "l2VpnUser"]);
    expect(tags(xml, "configuration")).toEqual([
      "serverAddress",
      "serverPort",
      "vnic",
      "vnic",
      "encryptionAlgorithm",
      "caCertificate",
      "egressOptimization",
    ]);
    expect(tags(xml, "proxySetting")).toEqual(["type", "address", "port", "userName", "password"]);
    expect(readL2Vpn(parseXml(xml))).toEqual(cfg);
  });

  it("refuses to build a PUT that lacks any user's password, naming each", () => {
    const noPw = readL2Vpn(parseXml(SERVER_GET.replace(/<password>[^<]*<\/password>/g, "")));
    expect(missingPasswords(noPw)).toEqual([
      'peer site "PeerSite1" (user apple)',
      'peer site "PeerSite2" (user pear)',
    ]);
    expect(() => l2VpnXml(noPw)).toThrow(/without passwords for peer site "PeerSite1".*showSensitiveData/);
    expect(missingPasswords(client)).toEqual(["client user apple", "proxy user root"]);
  });

  it("writes certificate references as NSX's bare id (the proxy lists them as uuid:certificate-N)", () => {
    const uuid = "0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9";
    const xml = l2VpnXml({
      ...server,
      server: { ...server.server!, serverCertificate: `${uuid}:certificate-3` },
    });
    expect(xml).toContain("<serverCertificate>certificate-3</serverCertificate>");
    expect(nsxObjectId("certificate-4")).toBe("certificate-4");
  });

  it("refuses a config that is both server and client", () => {
    expect(() => l2VpnXml({ ...server, client: { ...client.client!, password: "x" } })).toThrow(/either/);
  });

  it("reads an unconfigured edge as no server and no client", () => {
    expect(readL2Vpn(parseXml("<l2Vpn><enabled>false</enabled></l2Vpn>"))).toEqual({
      enabled: false,
      logging: { enable: false, logLevel: "info" },
    });
  });
});

describe("statistics, certificates, jobs", () => {
  it("reads l2vpnStatusAndStats (reference §8.7) and normalises the tunnel status", () => {
    const s = readL2VpnStatus(
      parseXml(`<l2vpnStatusAndStats><timeStamp>1403285853</timeStamp><serverStatus>up</serverStatus><siteStats>
        <l2vpnStats><name>site-1</name><tunnelStatus>UP</tunnelStatus><establishedDate>1403285827</establishedDate>
        <txBytesFromLocalSubnet>478</txBytesFromLocalSubnet><rxBytesOnLocalSubnet>42</rxBytesOnLocalSubnet>
        <encryptionAlgorithm>RC4-MD5</encryptionAlgorithm></l2vpnStats>
        <l2vpnStats><name>site-2</name><tunnelStatus>down</tunnelStatus><failureMessage>no client connected</failureMessage>
        <txBytesFromLocalSubnet>0</txBytesFromLocalSubnet><rxBytesOnLocalSubnet>0</rxBytesOnLocalSubnet>
        <droppedTxPackets>3</droppedTxPackets><droppedRxPackets>4</droppedRxPackets></l2vpnStats>
      </siteStats></l2vpnStatusAndStats>`),
    );
    expect(s).toEqual({
      timeStamp: 1403285853,
      serverStatus: "up",
      sites: [
        {
          name: "site-1",
          tunnelStatus: "up",
          establishedDate: 1403285827,
          failureMessage: undefined,
          txBytesFromLocalSubnet: 478,
          rxBytesOnLocalSubnet: 42,
          droppedTxPackets: 0,
          droppedRxPackets: 0,
          encryptionAlgorithm: "RC4-MD5",
        },
        {
          name: "site-2",
          tunnelStatus: "down",
          establishedDate: undefined,
          failureMessage: "no client connected",
          txBytesFromLocalSubnet: 0,
          rxBytesOnLocalSubnet: 0,
          droppedTxPackets: 3,
          droppedRxPackets: 4,
          encryptionAlgorithm: undefined,
        },
      ],
    });
  });

  it("builds trustObject and csr bodies in schema order", () => {
    const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
    expect(tags(trustObjectXml(pem, "KEY"), "trustObject")).toEqual(["pemEncoding", "privateKey"]);
    expect(trustObjectXml(pem)).not.toContain("privateKey");
    const csr = csrXml({ commonName: "l2vpn.example.com", attributes: [{ key: "O", value: "ACME" }] });
    expect(csr).toContain(
      "<subject><attribute><key>CN</key><value>l2vpn.example.com</value></attribute><attribute><key>O</key><value>ACME</value></attribute></subject><algorithm>RSA</algorithm><keySize>2048</keySize>",
    );
    expect(readCsr(parseXml("<csr><objectId>csr-4</objectId></csr>"))).toEqual({
      objectId: "csr-4",
      pemEncoding: undefined,
    });
  });

  it("reads certificate lists and single certificates", () => {
    const list = readCertificates(
      parseXml(`<certificates><certificate><objectId>certificate-1</objectId><name>ca</name><certificateType>certificate_ca</certificateType></certificate>
        <certificate><objectId>certificate-2</objectId><x509Certificate><daysValid>365</daysValid></x509Certificate></certificate></certificates>`),
    );
    expect(list.map((c) => [c.objectId, c.certificateType, c.daysValid])).toEqual([
      ["certificate-1", "certificate_ca", undefined],
      ["certificate-2", undefined, 365],
    ]);
    expect(
      readCertificates(parseXml("<certificate><objectId>certificate-9</objectId></certificate>"))[0]!
        .objectId,
    ).toBe("certificate-9");
  });

  it("reads edge jobs in both NSX (SUCCESS) and vCD proxy (COMPLETED) dialects", () => {
    expect(
      readEdgeJob(parseXml("<edgeJob><jobId>jobdata-7</jobId><status>SUCCESS</status></edgeJob>")),
    ).toMatchObject({
      jobId: "jobdata-7",
      status: "SUCCESS",
    });
    expect(
      readEdgeJob(parseXml("<edgeJob><jobId>jobdata-8</jobId><status>completed</status></edgeJob>"))!.status,
    ).toBe("COMPLETED");
    expect(readEdgeJob(parseXml("<other/>"))).toBeUndefined();
  });
});
