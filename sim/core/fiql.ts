// FIQL filter expressions as used by vCD queries and CloudAPI: `a==x;b!=y,c==z*`.
// `;` (AND) binds tighter than `,` (OR); parentheses group; `*` in a value is a wildcard.
// Parsing is separated from evaluation so both can be unit tested and reused by both APIs.

export type FiqlNode =
  | { kind: "cmp"; selector: string; op: "==" | "!="; value: string }
  | { kind: "and" | "or"; items: FiqlNode[] };

export class FiqlError extends Error {}

/** @param decode applied to every value (vCD's filterEncoded=true URL-encodes values once more). */
export function parseFiql(text: string, decode: (v: string) => string = (v) => v): FiqlNode {
  let pos = 0;
  const peek = (): string | undefined => text[pos];

  const parseOr = (): FiqlNode => {
    const items = [parseAnd()];
    while (peek() === ",") {
      pos++;
      items.push(parseAnd());
    }
    return items.length === 1 ? items[0]! : { kind: "or", items };
  };
  const parseAnd = (): FiqlNode => {
    const items = [parseTerm()];
    while (peek() === ";") {
      pos++;
      items.push(parseTerm());
    }
    return items.length === 1 ? items[0]! : { kind: "and", items };
  };
  const parseTerm = (): FiqlNode => {
    if (peek() === "(") {
      pos++;
      const inner = parseOr();
      if (peek() !== ")") throw new FiqlError(`Expected ')' at position ${pos} of filter '${text}'`);
      pos++;
      return inner;
    }
    const sel = /^[A-Za-z_][\w.]*/.exec(text.slice(pos));
    if (!sel) throw new FiqlError(`Expected a property name at position ${pos} of filter '${text}'`);
    pos += sel[0].length;
    const op = text.slice(pos, pos + 2);
    if (op !== "==" && op !== "!=")
      throw new FiqlError(`Unsupported operator at position ${pos} of filter '${text}'`);
    pos += 2;
    let value = "";
    while (pos < text.length && !";,)".includes(text[pos]!)) value += text[pos++];
    if (value === "") throw new FiqlError(`Missing value for '${sel[0]}' in filter '${text}'`);
    return { kind: "cmp", selector: sel[0], op, value: decode(value) };
  };

  const tree = parseOr();
  if (pos !== text.length)
    throw new FiqlError(`Unexpected '${text[pos]}' at position ${pos} of filter '${text}'`);
  return tree;
}

/** Glob match where `*` matches any run of characters; everything else is literal. */
export function globMatch(pattern: string, actual: string): boolean {
  if (!pattern.includes("*")) return pattern === actual;
  const re = pattern
    .split("*")
    .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${re}$`, "s").test(actual);
}

/**
 * @param lookup returns the record's value for a selector, or undefined when the selector is
 * not a known property (which is an error, as in vCD).
 * @param equals compares a record value with a filter value (lets callers compare hrefs by id).
 */
export function evaluateFiql(
  node: FiqlNode,
  lookup: (selector: string) => string | undefined,
  equals: (selector: string, actual: string, expected: string) => boolean = (_s, a, e) => globMatch(e, a),
): boolean {
  switch (node.kind) {
    case "and":
      return node.items.every((n) => evaluateFiql(n, lookup, equals));
    case "or":
      return node.items.some((n) => evaluateFiql(n, lookup, equals));
    case "cmp": {
      const actual = lookup(node.selector);
      if (actual === undefined) throw new FiqlError(`Unknown property '${node.selector}' in filter`);
      const eq = equals(node.selector, actual, node.value);
      return node.op === "==" ? eq : !eq;
    }
  }
}
