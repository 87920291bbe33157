import { ApiError } from "../common/errors";
import { asArray, text, type XmlNode } from "../vcd/xml";

/**
 * Small readers over fast-xml-parser output. NSX elements that may repeat come back as a
 * single value or an array depending on the document, and empty elements as "", so every
 * mapper reads through these instead of indexing nodes directly.
 */
export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  const v = node?.[name];
  if (Array.isArray(v)) return v[0] as XmlNode | undefined;
  return v && typeof v === "object" ? (v as XmlNode) : undefined;
}

export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  return asArray(node?.[name] as XmlNode | XmlNode[] | undefined).filter(
    (v): v is XmlNode => typeof v === "object" && v !== null,
  );
}

/** Text of a child element; "" and absent both read as undefined. */
export function str(node: XmlNode | undefined, name: string): string | undefined {
  const v = node?.[name];
  const t = text(Array.isArray(v) ? v[0] : v);
  return t === undefined || t === "" ? undefined : t;
}

/** Texts of a repeated child element (e.g. `<index>` under `<vnics>`). */
export function strs(node: XmlNode | undefined, name: string): string[] {
  return asArray(node?.[name] as unknown)
    .map((v) => text(v))
    .filter((t): t is string => t !== undefined && t !== "");
}

export function num(node: XmlNode | undefined, name: string): number | undefined {
  const t = str(node, name);
  if (t === undefined) return undefined;
  const n = Number(t);
  if (!Number.isFinite(n))
    throw new ApiError("INVALID_RESPONSE", `NSX sent <${name}>${t}</${name}>, not a number`);
  return n;
}

export function bool(node: XmlNode | undefined, name: string, dflt: boolean): boolean {
  const t = str(node, name);
  return t === undefined ? dflt : t.toLowerCase() === "true";
}

/** The document root, or a typed error naming what was expected. */
export function root(xml: XmlNode | undefined, name: string, what: string): XmlNode {
  const r = xml?.[name];
  if (r === "") return {};
  if (!r || typeof r !== "object") {
    throw new ApiError("INVALID_RESPONSE", `${what}: expected a <${name}> document`);
  }
  return r as XmlNode;
}

/** Drops undefined members so built documents contain only elements that have a value. */
export function compact(node: Record<string, unknown>): XmlNode {
  return Object.fromEntries(Object.entries(node).filter(([, v]) => v !== undefined));
}
