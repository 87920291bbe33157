import { XMLBuilder, XMLParser, XMLValidator } from "fast-xml-parser";
import { ApiError } from "../common/errors";
import { parseXml, type XmlNode } from "./xml";

/**
 * A response document kept as the server sent it, for read-modify-write.
 *
 * The typed readers (orgNetworkFromXml, readVnic, readL2Vpn) see a simplified tree: prefixes
 * stripped, unknown elements ignored. Building a PUT from that tree drops whatever we do not
 * model — another tool's settings, a newer release's elements, vCD's VCloudExtension. Writers
 * therefore edit this document instead and change only the elements they own.
 *
 * fast-xml-parser in `preserveOrder` mode keeps every element, attribute, namespace prefix,
 * comment, CDATA section and whitespace in document order. Values stay raw (entities are not
 * decoded) so untouched text is written back as it came; values we write are escaped here.
 * What may change on the way through: the XML declaration's trailing newline, single-quoted
 * attributes (written with double quotes) and the spelling of empty elements (`<a></a>`
 * becomes `<a/>`) — none changes the document's content. Shared by the vCD and NSX clients,
 * like xml.ts.
 */
type Entry = Record<string, unknown>;

const OPTIONS = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  commentPropName: "#comment",
  cdataPropName: "#cdata",
} as const;

const parser = new XMLParser(OPTIONS);
const builder = new XMLBuilder({ ...OPTIONS, format: false, suppressEmptyNode: true });

const ATTRS = ":@";
const SPECIAL = new Set(["#text", "#comment", "#cdata", ATTRS]);

/** The tag of an element entry, or undefined for text, comments, CDATA and the declaration. */
function tagOf(e: Entry): string | undefined {
  const k = Object.keys(e).find((x) => !SPECIAL.has(x));
  return k === undefined || k.startsWith("?") ? undefined : k;
}

const isWhitespace = (e: Entry | undefined): e is { "#text": string } =>
  e !== undefined && Object.keys(e).length === 1 && typeof e["#text"] === "string" && !e["#text"].trim();

const escapeText = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const escapeAttr = (s: string): string => escapeText(s).replace(/"/g, "&quot;");

/**
 * Why `body` is not one complete XML document, or undefined when it is. fast-xml-parser's
 * parser is lenient — a body cut off after `</vnic>` parses as a shorter list — so every
 * response is validated before anything is read from it.
 */
export function xmlProblem(body: string): string | undefined {
  const r = XMLValidator.validate(body);
  if (r !== true) return `${r.err.msg} (line ${r.err.line}, column ${r.err.col})`;
  const roots = (parser.parse(body) as Entry[]).filter((e) => tagOf(e) !== undefined).length;
  return roots === 1 ? undefined : `${roots} root elements`;
}

/** One element of an XmlDoc; edits change the document it belongs to. */
export class XEl {
  constructor(readonly entry: Entry) {}

  /** Qualified name as written, e.g. `vcloud:IpScope`. */
  get tag(): string {
    return tagOf(this.entry)!;
  }

  get local(): string {
    return this.tag.slice(this.tag.indexOf(":") + 1);
  }

  get prefix(): string | undefined {
    const i = this.tag.indexOf(":");
    return i < 0 ? undefined : this.tag.slice(0, i);
  }

  private get content(): Entry[] {
    return this.entry[this.tag] as Entry[];
  }

  elements(): XEl[] {
    return this.content.filter((e) => tagOf(e) !== undefined).map((e) => new XEl(e));
  }

  child(local: string): XEl | undefined {
    return this.elements().find((c) => c.local === local);
  }

  children(local: string): XEl[] {
    return this.elements().filter((c) => c.local === local);
  }

  /** The element as the typed readers see it (prefixes stripped, entities decoded). */
  plain(): XmlNode {
    const v = parseXml(builder.build([this.entry]) as string)[this.local];
    return v !== null && typeof v === "object" ? (v as XmlNode) : {};
  }

  setAttr(name: string, value: string): void {
    const attrs = (this.entry[ATTRS] ??= {}) as Record<string, string>;
    attrs[`@_${name}`] = escapeAttr(value);
  }

  /** Replaces the element's content by `value`. */
  setText(value: string): void {
    this.entry[this.tag] = [{ "#text": escapeText(value) }];
  }

  /** A new, detached child element in this element's namespace prefix. */
  newChild(local: string): XEl {
    return new XEl({ [this.prefix ? `${this.prefix}:${local}` : local]: [] });
  }

  /**
   * A detached element parsed from `xml` (e.g. built by the typed writers for a new list
   * item), with unprefixed names moved into this element's namespace prefix.
   */
  fragment(xml: string): XEl {
    const root = (parser.parse(xml) as Entry[]).find((e) => tagOf(e) !== undefined);
    if (!root) throw new Error(`not an XML element: ${xml}`);
    return new XEl(this.prefix ? withPrefix(root, this.prefix) : root);
  }

  /**
   * Inserts `child` where `order` (the schema's sequence of local names) puts it: before the
   * first existing child that comes later in that sequence, else at the end. Elements not
   * in `order` stay where they are. Indentation of a pretty-printed document is copied.
   */
  insert(child: XEl, order: readonly string[]): XEl {
    const content = this.content;
    const pos = order.indexOf(child.local);
    const later = pos < 0 ? -1 : content.findIndex((e) => order.indexOf(localOf(e)) > pos);
    if (later >= 0) {
      const ws = content[later - 1];
      content.splice(later, 0, child.entry, ...(isWhitespace(ws) ? [{ ...ws }] : []));
      return child;
    }
    let end = content.length;
    if (isWhitespace(content[end - 1])) end--;
    const indent = content[end - 2];
    const indented = end > 0 && isWhitespace(indent) && tagOf(content[end - 1]!) !== undefined;
    content.splice(end, 0, ...(indented ? [{ ...indent }] : []), child.entry);
    return child;
  }

  /** The child `local`, inserted empty in schema order when absent. */
  ensure(local: string, order: readonly string[]): XEl {
    return this.child(local) ?? this.insert(this.newChild(local), order);
  }

  /** Sets the text of child `local`, inserting it in schema order when absent. */
  set(local: string, value: string | number | boolean, order: readonly string[]): void {
    this.ensure(local, order).setText(String(value));
  }

  /** Sets child `local` to `value`, or removes it when `value` is undefined. */
  setOrRemove(local: string, value: Scalar | undefined, order: readonly string[]): void {
    if (value === undefined) this.removeAll(local);
    else this.set(local, value, order);
  }

  /**
   * Writes each `[element, was, wants]` whose value changed (removing it when it becomes
   * undefined) and leaves every other element as the server sent it.
   */
  setChanged(
    changes: readonly (readonly [string, Scalar | undefined, Scalar | undefined])[],
    order: readonly string[],
  ): void {
    for (const [local, was, wants] of changes) if (was !== wants) this.setOrRemove(local, wants, order);
  }

  /**
   * Brings the `local` children in line with `wanted`: a child whose key matches is edited in
   * place (keeping what we do not model), a wanted one without a match is appended, and a
   * child nobody wants is removed.
   */
  mergeChildren<T>(
    local: string,
    wanted: readonly T[],
    read: (el: XEl) => T,
    sameKey: (have: T, want: T) => boolean,
    edit: (el: XEl, have: T, want: T) => void,
    fresh: (want: T) => string,
  ): void {
    const existing = this.children(local).map((el) => ({ el, have: read(el) }));
    const used = new Set<XEl>();
    for (const want of wanted) {
      const match = existing.find((x) => !used.has(x.el) && sameKey(x.have, want));
      if (match) {
        used.add(match.el);
        edit(match.el, match.have, want);
      } else this.insert(this.fragment(fresh(want)), [local]);
    }
    for (const x of existing) if (!used.has(x.el)) this.remove(x.el);
  }

  remove(child: XEl): void {
    const content = this.content;
    const i = content.indexOf(child.entry);
    if (i < 0) return;
    // Take the indentation in front of it along, so no blank line is left behind.
    if (isWhitespace(content[i - 1])) content.splice(i - 1, 2);
    else content.splice(i, 1);
  }

  removeAll(local: string): void {
    for (const c of this.children(local)) this.remove(c);
  }
}

type Scalar = string | number | boolean;

function localOf(e: Entry): string {
  const t = tagOf(e);
  return t === undefined ? "" : t.slice(t.indexOf(":") + 1);
}

function withPrefix(e: Entry, prefix: string): Entry {
  const tag = tagOf(e);
  if (tag === undefined) return e;
  const out: Entry = {
    [tag.includes(":") ? tag : `${prefix}:${tag}`]: (e[tag] as Entry[]).map((c) => withPrefix(c, prefix)),
  };
  if (e[ATTRS]) out[ATTRS] = e[ATTRS];
  return out;
}

/** Attribute values in double quotes, whatever quotes the server used. */
function normaliseQuotes(entries: Entry[]): void {
  for (const e of entries) {
    const tag = tagOf(e);
    if (tag === undefined) continue;
    const attrs = e[ATTRS] as Record<string, string> | undefined;
    if (attrs) for (const k of Object.keys(attrs)) attrs[k] = String(attrs[k]).replace(/"/g, "&quot;");
    normaliseQuotes(e[tag] as Entry[]);
  }
}

export class XmlDoc {
  private constructor(
    private readonly top: Entry[],
    readonly root: XEl,
  ) {}

  /**
   * Parses a response body. An ill-formed or truncated body is a MALFORMED_RESPONSE, which
   * the write loops retry with a fresh read: nothing is ever written from half a document.
   */
  static parse(text: string): XmlDoc {
    const problem = xmlProblem(text);
    if (problem) {
      throw new ApiError(
        "MALFORMED_RESPONSE",
        `the server's XML document is ill-formed or cut off (${problem}); not writing anything based on it`,
      );
    }
    const top = parser.parse(text) as Entry[];
    normaliseQuotes(top);
    return new XmlDoc(top, new XEl(top.find((e) => tagOf(e) !== undefined)!));
  }

  toString(): string {
    return builder.build(this.top) as string;
  }
}
