import type { XmlNode } from "../vcd/xml";
import type { L2VpnSiteStats, L2VpnStatus } from "./types";
import { child, children, num, str } from "./xmlNodes";

/**
 * `<l2vpnStatusAndStats>` → L2VpnStatus. Tunnel status is "up"/"down" in NSX examples and
 * "UP"/"DOWN" in the VMC model, so it is normalised; times stay epoch seconds.
 */
export function readL2VpnStatus(xml: XmlNode | undefined): L2VpnStatus {
  const r = child(xml, "l2vpnStatusAndStats") ?? {};
  return {
    timeStamp: num(r, "timeStamp") ?? 0,
    serverStatus: str(r, "serverStatus"),
    sites: children(child(r, "siteStats"), "l2vpnStats").map(readSiteStats),
  };
}

function readSiteStats(s: XmlNode): L2VpnSiteStats {
  return {
    name: str(s, "name") ?? "",
    tunnelStatus: (str(s, "tunnelStatus") ?? "down").toLowerCase() === "up" ? "up" : "down",
    establishedDate: num(s, "establishedDate"),
    failureMessage: str(s, "failureMessage"),
    txBytesFromLocalSubnet: num(s, "txBytesFromLocalSubnet") ?? 0,
    rxBytesOnLocalSubnet: num(s, "rxBytesOnLocalSubnet") ?? 0,
    droppedTxPackets: num(s, "droppedTxPackets") ?? 0,
    droppedRxPackets: num(s, "droppedRxPackets") ?? 0,
    encryptionAlgorithm: str(s, "encryptionAlgorithm"),
  };
}
