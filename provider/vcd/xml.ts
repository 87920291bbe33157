import { XMLBuilder, XMLParser } from "fast-xml-parser";

/**
 * XML in and out of vCD through fast-xml-parser. Attributes appear as "@_name", element
 * text stays a string (vCD's "true"/"0010" must not become booleans or numbers), and
 * namespace prefixes are dropped so callers read `Task` whatever prefix the server used.
 */
export const VCLOUD_NS = "http://www.vmware.com/vcloud/v1.5";

/** Elements that may repeat; the parser always returns arrays for these. */
const ALWAYS_ARRAY = new Set([
  "VersionInfo",
  "Link",
  "Task",
  "IpScope",
  "IpRange",
  "EdgeGatewayRecord",
  "OrgVdcNetworkRecord",
  "OrgVdcRecord",
  "AdminVdcRecord",
  "Org",
  "edgeInterface",
  "addressGroup",
  "vnic",
  "subInterface",
  "ipAddress",
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Never for the root element: a Task document is one Task, Tasks/Task is a list.
  isArray: (name, jpath) => String(jpath).includes(".") && ALWAYS_ARRAY.has(name),
});

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  suppressEmptyNode: true,
  format: false,
});

export type XmlNode = Record<string, unknown>;

export function parseXml(text: string): XmlNode {
  return parser.parse(text) as XmlNode;
}

/** Builds a document; key order of `body` is element order, which vCD validates. */
export function buildXml(rootName: string, body: XmlNode): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ [rootName]: body }) as string}`;
}

/** Reads a child that is either a plain string or an element with text and attributes. */
export function text(node: unknown): string | undefined {
  if (node === undefined || node === null) return undefined;
  if (typeof node === "string") return node;
  if (typeof node === "object" && "#text" in (node as XmlNode)) return String((node as XmlNode)["#text"]);
  return undefined;
}

export function asArray<T>(v: T | T[] | undefined): T[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}
