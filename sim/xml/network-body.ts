// Turns an OrgVdcNetwork request body into a NetworkSpec, validating it the way vCD does:
// namespace, element order (XSD), simple-type values, then the semantic rules of routed networks.
import { badRequest } from "../core/errors";
import { uuidOf } from "../core/ids";
import { maskToPrefix } from "../core/netmath";
import type { InterfaceType, NetworkSpec } from "../core/world";
import { ORG_VDC_NETWORK } from "./orgvdcnetwork-schema";
import { SchemaError, validateSequence } from "./schema";
import { child, children, childText, parseXml, VCLOUD_NS, XmlSyntaxError, type XNode } from "./xml";

export interface ParsedNetworkBody {
  spec: NetworkSpec;
  /** UUID from the EdgeGateway element's href (or id). */
  edgeId: string;
}

function bool(node: XNode | undefined, dflt: boolean): boolean {
  if (!node) return dflt;
  const t = node.text.trim();
  if (t === "true" || t === "1") return true;
  if (t === "false" || t === "0") return false;
  throw badRequest(`cvc-datatype-valid.1.2.1: '${t}' is not a valid value for 'boolean'.`);
}

export function parseNetworkBody(body: string): ParsedNetworkBody {
  let root: XNode;
  try {
    root = parseXml(body);
  } catch (e) {
    if (e instanceof XmlSyntaxError)
      throw badRequest(`Bad request: the request body is not well-formed XML: ${e.message}`);
    throw e;
  }
  if (root.name !== "OrgVdcNetwork" || root.ns !== VCLOUD_NS) {
    throw badRequest(`cvc-elt.1.a: Cannot find the declaration of element '${root.name}'.`);
  }
  try {
    validateSequence(root, ORG_VDC_NETWORK, VCLOUD_NS);
  } catch (e) {
    if (e instanceof SchemaError) throw badRequest(e.message);
    throw e;
  }
  const name = root.attrs["name"];
  if (!name) throw badRequest("cvc-complex-type.4: Attribute 'name' must appear on element 'OrgVdcNetwork'.");

  const config = child(root, "Configuration")!;
  const fenceMode = childText(config, "FenceMode")!.trim();
  if (!["natRouted", "isolated", "bridged"].includes(fenceMode)) {
    throw badRequest(
      `cvc-enumeration-valid: Value '${fenceMode}' is not facet-valid with respect to enumeration '[bridged, isolated, natRouted]'.`,
    );
  }
  if (fenceMode !== "natRouted")
    throw badRequest(`Only natRouted Org VDC networks are supported by this simulator (got ${fenceMode}).`);

  const subInterface = bool(child(config, "SubInterface"), false);
  const distributed = bool(child(config, "DistributedInterface"), false);
  if (subInterface && distributed) {
    throw badRequest("A network cannot be both a sub-interface and a distributed interface.");
  }
  if (distributed) {
    throw badRequest("Distributed interfaces require distributed routing to be enabled on the edge gateway.");
  }
  const interfaceType: InterfaceType = subInterface ? "subinterface" : "internal";

  const edgeNode = child(root, "EdgeGateway");
  if (!edgeNode)
    throw badRequest(
      "The EdgeGateway element is required for a natRouted network (OrgVdcNetwork/EdgeGateway is missing).",
    );
  const edgeRef = edgeNode.attrs["href"] ?? edgeNode.attrs["id"] ?? "";
  const edgeId = uuidOf(edgeRef);
  if (!edgeId) throw badRequest(`Invalid EdgeGateway reference '${edgeRef}'.`);

  const scope = children(child(config, "IpScopes"), "IpScope")[0]!;
  const netmask = childText(scope, "Netmask")!.trim();
  const prefixLength = maskToPrefix(netmask);
  if (prefixLength === undefined) throw badRequest(`Invalid netmask ${netmask}.`);
  const declaredPrefix = childText(scope, "SubnetPrefixLength");
  if (declaredPrefix !== undefined && Number(declaredPrefix) !== prefixLength) {
    throw badRequest(`SubnetPrefixLength ${declaredPrefix} does not match netmask ${netmask}.`);
  }

  const spec: NetworkSpec = {
    name,
    description: childText(root, "Description") ?? "",
    gateway: childText(scope, "Gateway")!.trim(),
    prefixLength,
    dns1: childText(scope, "Dns1")?.trim() ?? "",
    dns2: childText(scope, "Dns2")?.trim() ?? "",
    dnsSuffix: childText(scope, "DnsSuffix")?.trim() ?? "",
    ipRanges: children(child(scope, "IpRanges"), "IpRange").map((r) => ({
      start: childText(r, "StartAddress")!.trim(),
      end: childText(r, "EndAddress")!.trim(),
    })),
    isShared: bool(child(root, "IsShared"), false),
    guestVlanAllowed: bool(child(config, "GuestVlanAllowed"), false),
    retainNetInfo: bool(child(config, "RetainNetInfoAcrossDeployments"), false),
    interfaceType,
    // Kept as written (a PUT without them removes them), like vCD keeps extension data.
    vcloudExtensions: children(root, "VCloudExtension"),
  };
  return { spec, edgeId };
}
