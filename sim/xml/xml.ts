// XML in and out through fast-xml-parser. Parsing keeps document order (needed to validate
// element order like vCD's validating parser); building escapes every text and attribute value.
import { XMLBuilder, XMLParser, XMLValidator } from "fast-xml-parser";

export const VCLOUD_NS = "http://www.vmware.com/vcloud/v1.5";

/** An element with namespace prefix stripped from its name; `ns` is the resolved namespace URI. */
export interface XNode {
  name: string;
  ns: string | undefined;
  attrs: Record<string, string>;
  children: XNode[];
  text: string;
}

export class XmlSyntaxError extends Error {}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
});

type Ordered = Record<string, unknown>;

function splitName(qname: string): { prefix: string | undefined; local: string } {
  const i = qname.indexOf(":");
  return i < 0
    ? { prefix: undefined, local: qname }
    : { prefix: qname.slice(0, i), local: qname.slice(i + 1) };
}

function toNode(entry: Ordered, scope: Map<string | undefined, string>): XNode | undefined {
  const tag = Object.keys(entry).find((k) => k !== ":@");
  if (!tag || tag === "#text" || tag.startsWith("?") || tag === "#comment") return undefined;
  const attrs: Record<string, string> = {};
  const raw = (entry[":@"] ?? {}) as Record<string, unknown>;
  const local = new Map(scope);
  for (const [k, v] of Object.entries(raw)) {
    const value = String(v);
    if (k === "xmlns") local.set(undefined, value);
    else if (k.startsWith("xmlns:")) local.set(k.slice(6), value);
    else attrs[splitName(k).local] = value;
  }
  const { prefix, local: name } = splitName(tag);
  const node: XNode = { name, ns: local.get(prefix), attrs, children: [], text: "" };
  for (const child of (entry[tag] ?? []) as Ordered[]) {
    if ("#text" in child) node.text += String(child["#text"]);
    else {
      const c = toNode(child, local);
      if (c) node.children.push(c);
    }
  }
  return node;
}

/** Far deeper than any vCD or NSX document; the parsers below recurse once per level. */
export const MAX_XML_DEPTH = 64;

/** Refuses a body nested deeper than MAX_XML_DEPTH before a recursive parser overflows its stack. */
function checkDepth(body: string): void {
  let depth = 0;
  for (const m of body.matchAll(/<(\/?)([A-Za-z_][^>]*?)?(\/?)>/g)) {
    if (m[1]) depth--;
    else if (m[2] && !m[3] && ++depth > MAX_XML_DEPTH)
      throw new XmlSyntaxError(`Elements are nested deeper than ${MAX_XML_DEPTH} levels.`);
  }
}

/** Parses a request body into its root element. Rejects DTDs (vCD does too; avoids entity tricks). */
export function parseXml(body: string): XNode {
  if (/<!DOCTYPE/i.test(body)) throw new XmlSyntaxError("DOCTYPE is disallowed.");
  checkDepth(body);
  const valid = XMLValidator.validate(body);
  if (valid !== true) {
    throw new XmlSyntaxError(`${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  }
  const entries = parser.parse(body) as Ordered[];
  for (const e of entries) {
    const n = toNode(e, new Map());
    if (n) return n;
  }
  throw new XmlSyntaxError("Premature end of file.");
}

export const child = (n: XNode | undefined, name: string): XNode | undefined =>
  n?.children.find((c) => c.name === name);
export const children = (n: XNode | undefined, name: string): XNode[] =>
  n?.children.filter((c) => c.name === name) ?? [];
export const childText = (n: XNode | undefined, name: string): string | undefined => child(n, name)?.text;

/**
 * The children of `n` a body parser does not interpret (names not in `known`), for storing as
 * they are; undefined when there are none.
 */
export function otherChildren(n: XNode | undefined, known: ReadonlySet<string>): XNode[] | undefined {
  const others = n?.children.filter((c) => !known.has(c.name)) ?? [];
  return others.length ? others : undefined;
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  suppressEmptyNode: true,
  suppressBooleanAttributes: false,
  processEntities: true,
});

/**
 * A document tree for the builder: keys starting with `@_` are attributes, arrays repeat an
 * element, `#text` is text content. Undefined values are dropped (optional elements).
 */
export type XmlTree = { [key: string]: XmlValue };
export type XmlValue = string | number | boolean | undefined | XmlTree | XmlValue[];

function prune(v: XmlValue): XmlValue {
  if (Array.isArray(v)) return v.filter((x) => x !== undefined).map(prune);
  if (v !== null && typeof v === "object") {
    const out: XmlTree = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = prune(x);
    return out;
  }
  return v;
}

export function buildXml(root: string, tree: XmlTree): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ [root]: prune(tree) }) as string}`;
}
