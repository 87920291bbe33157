// <l2Vpn> (GET l2vpn/config) and <l2vpnStatusAndStats> (GET l2vpn/config/statistics), in the
// element order of reference §8.3/8.4/8.7. Passwords only with showSensitiveData=true, as NSX.
import type { StatsView } from "../core/nsx/l2vpn-stats";
import type { Edge, L2VpnClient, L2VpnServer, L2VpnUser } from "../core/world";
import type { XmlTree } from "../xml/xml";
import { opaqueTrees } from "./opaque";

const userTree = (u: L2VpnUser, sensitive: boolean): XmlTree => ({
  userId: u.userId,
  password: sensitive ? u.password : undefined,
});

const egress = (ips: string[]): XmlTree | undefined => (ips.length ? { gatewayIpAddress: ips } : undefined);

function serverTree(s: L2VpnServer, sensitive: boolean): XmlTree {
  return {
    configuration: {
      listenerIp: s.listenerIp,
      listenerPort: s.listenerPort,
      encryptionAlgorithm: s.encryptionAlgorithm,
      serverCertificate: s.serverCertificate,
      peerSites: {
        peerSite: s.peerSites.map((p) => ({
          name: p.name,
          description: p.description || undefined,
          l2VpnUser: userTree(p.user, sensitive),
          vnics: { index: p.vnics },
          egressOptimization: egress(p.egressGateways),
          enabled: p.enabled,
          ...opaqueTrees(p.extras),
        })),
      },
      ...opaqueTrees(s.extras),
    },
  };
}

function clientTree(c: L2VpnClient, sensitive: boolean): XmlTree {
  return {
    configuration: {
      serverAddress: c.serverAddress,
      serverPort: c.serverPort,
      vnic: c.vnics,
      encryptionAlgorithm: c.encryptionAlgorithm,
      caCertificate: c.caCertificate,
      egressOptimization: egress(c.egressGateways),
      ...opaqueTrees(c.extras),
    },
    proxySetting: c.proxy
      ? {
          type: c.proxy.type,
          address: c.proxy.address,
          port: c.proxy.port,
          userName: c.proxy.userName,
          password: sensitive ? c.proxy.password : undefined,
        }
      : undefined,
    l2VpnUser: userTree(c.user, sensitive),
  };
}

/** An edge without L2VPN shows a disabled, empty configuration (what NSX returns). */
export function l2vpnTree(edge: Edge, sensitive: boolean): XmlTree {
  const v = edge.l2vpn;
  return {
    version: edge.l2vpnRevision,
    enabled: v?.enabled ?? false,
    logging: { enable: v?.logging.enable ?? false, logLevel: v?.logging.logLevel ?? "info" },
    ...opaqueTrees(v?.extras),
    l2VpnSites: v
      ? {
          l2VpnSite: v.server
            ? { server: serverTree(v.server, sensitive) }
            : { client: clientTree(v.client!, sensitive) },
        }
      : undefined,
  };
}

export function statsTree(view: StatsView): XmlTree {
  return {
    timeStamp: view.timeStamp,
    serverStatus: view.serverStatus,
    siteStats: {
      l2vpnStats: view.sites.map((s) => ({
        name: s.name,
        tunnelStatus: s.status.up ? "up" : "down",
        establishedDate: s.establishedDate,
        failureMessage: s.status.up ? undefined : s.status.failureMessage,
        txBytesFromLocalSubnet: s.txBytesFromLocalSubnet,
        rxBytesOnLocalSubnet: s.rxBytesOnLocalSubnet,
        droppedTxPackets: s.droppedTxPackets,
        droppedRxPackets: s.droppedRxPackets,
        encryptionAlgorithm: s.encryptionAlgorithm,
      })),
    },
  };
}
