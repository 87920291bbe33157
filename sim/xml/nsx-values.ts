// Reading NSX request bodies: NSX's XML has no namespace and no strict element order, so values
// are looked up by name; malformed values become 400 NSX errors naming the element.
import { NSX_CODE, nsxBad } from "../core/nsx/errors";
import { maskToPrefix } from "../core/netmath";
import type { AddressGroup } from "../core/world";
import { child, children, parseXml, XmlSyntaxError, type XNode } from "./xml";

export function parseNsxBody(body: string, root: string): XNode {
  let node: XNode;
  try {
    node = parseXml(body);
  } catch (e) {
    if (e instanceof XmlSyntaxError) throw nsxBad(`The request body is not well-formed XML: ${e.message}`);
    throw e;
  }
  if (node.name !== root) throw nsxBad(`Expected the root element <${root}>, got <${node.name}>.`);
  return node;
}

export function text(n: XNode | undefined, name: string): string | undefined {
  const c = child(n, name);
  return c === undefined ? undefined : c.text.trim();
}

export function int(n: XNode | undefined, name: string): number | undefined {
  const t = text(n, name);
  if (t === undefined || t === "") return undefined;
  if (!/^-?\d+$/.test(t)) throw nsxBad(`Invalid value '${t}' for <${name}>: expected a whole number.`);
  return Number(t);
}

export function bool(n: XNode | undefined, name: string): boolean | undefined {
  const t = text(n, name);
  if (t === undefined || t === "") return undefined;
  if (t === "true") return true;
  if (t === "false") return false;
  throw nsxBad(`Invalid value '${t}' for <${name}>: expected true or false.`);
}

/** Text of every `<name>` child of `<list>` (e.g. vnics/index, egressOptimization/gatewayIpAddress). */
export const texts = (list: XNode | undefined, name: string): string[] =>
  children(list, name).map((c) => c.text.trim());

export function ints(list: XNode | undefined, name: string): number[] {
  return texts(list, name).map((t) => {
    if (!/^\d+$/.test(t)) throw nsxBad(`Invalid value '${t}' for <${name}>: expected a whole number.`);
    return Number(t);
  });
}

/** One addressGroup; `subnetMask` wins over `subnetPrefixLength` when both are given (as in NSX). */
export function addressGroup(n: XNode): AddressGroup {
  const primaryAddress = text(n, "primaryAddress");
  if (!primaryAddress) throw nsxBad("addressGroup/primaryAddress is required.", NSX_CODE.vnic);
  const mask = text(n, "subnetMask");
  let prefixLength = int(n, "subnetPrefixLength");
  if (mask) {
    prefixLength = maskToPrefix(mask);
    if (prefixLength === undefined) throw nsxBad(`Invalid subnetMask ${mask}.`, NSX_CODE.vnic);
  }
  if (prefixLength === undefined)
    throw nsxBad(
      `addressGroup ${primaryAddress}: subnetMask or subnetPrefixLength is required.`,
      NSX_CODE.vnic,
    );
  const secondary = texts(child(n, "secondaryAddresses"), "ipAddress");
  return { primaryAddress, prefixLength, secondaryAddresses: secondary.length ? secondary : undefined };
}
