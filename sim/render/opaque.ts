// Renders stored, uninterpreted elements (world.ts OpaqueElement) back into a document tree,
// re-declaring a namespace wherever an element's differs from its parent's.
import type { OpaqueElement } from "../core/world";
import type { XmlTree, XmlValue } from "../xml/xml";

function elementTree(e: OpaqueElement, parentNs: string | undefined): XmlTree {
  const tree: XmlTree = {};
  if (e.ns !== parentNs) tree["@_xmlns"] = e.ns ?? "";
  for (const [k, v] of Object.entries(e.attrs)) tree[`@_${k}`] = v;
  Object.assign(tree, opaqueTrees(e.children, e.ns));
  if (e.text) tree["#text"] = e.text;
  return tree;
}

/**
 * The elements as tree members, to spread into a parent's tree where the schema puts them;
 * repeated names become arrays (in document order).
 */
export function opaqueTrees(elements: OpaqueElement[] | undefined, parentNs?: string): XmlTree {
  const out: Record<string, XmlValue[]> = {};
  for (const e of elements ?? []) (out[e.name] ??= []).push(elementTree(e, parentNs));
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.length === 1 ? v[0] : v]));
}
