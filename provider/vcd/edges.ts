import type { VcdExecutor } from "./executor";
import type { EdgeInterface, SubInterface, Vnic } from "./types";
import { document, edgeInterfacesDoc, vnicsDoc } from "./responses";
import { asArray, text, type XmlNode } from "./xml";

/**
 * Read-only views of an NSX-v edge through vCD's `/network` proxy, which wants the vCD
 * edge gateway UUID rather than NSX's edge-N id.
 */
export async function getVdcNetworks(exec: VcdExecutor, edgeUuid: string): Promise<EdgeInterface[]> {
  const res = await exec.request({ method: "GET", path: `/network/edges/${edgeUuid}/vdcNetworks` });
  const root = document(res, "edgeInterfaces", edgeInterfacesDoc);
  return asArray(root["edgeInterface"] as XmlNode[]).map((n) => {
    const ref = (n["networkReference"] ?? {}) as XmlNode;
    return {
      name: text(n["name"]) ?? "",
      type: text(n["type"]) ?? "",
      index: Number(text(n["index"])),
      networkId: text(ref["id"]),
      tunnelId: optionalNumber(text(n["tunnelId"])),
    };
  });
}

export async function getVnics(exec: VcdExecutor, edgeUuid: string): Promise<Vnic[]> {
  const res = await exec.request({ method: "GET", path: `/network/edges/${edgeUuid}/vnics` });
  const root = document(res, "vnics", vnicsDoc);
  return asArray(root["vnic"] as XmlNode[]).map((v) => ({
    index: Number(text(v["index"])),
    name: text(v["name"]) ?? "",
    type: text(v["type"]) ?? "",
    isConnected: text(v["isConnected"]) === "true",
    subInterfaces: asArray((v["subInterfaces"] as XmlNode | undefined)?.["subInterface"] as XmlNode[]).map(
      (s): SubInterface => ({
        name: text(s["name"]) ?? "",
        index: Number(text(s["index"])),
        tunnelId: optionalNumber(text(s["tunnelId"])),
        logicalSwitchName: text(s["logicalSwitchName"]),
        logicalSwitchId: text(s["logicalSwitchId"]),
      }),
    ),
  }));
}

function optionalNumber(v: string | undefined): number | undefined {
  return v === undefined || v === "" ? undefined : Number(v);
}
