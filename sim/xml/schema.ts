// A small validator for XSD-style sequences, producing the same messages as Xerces (the Java
// validating parser behind vCD), e.g.
//   cvc-complex-type.2.4.a: Invalid content was found starting with element 'FenceMode'.
//   One of '{"http://www.vmware.com/vcloud/v1.5":IpScopes}' is expected.
import type { XNode } from "./xml";

export interface Particle {
  name: string;
  min: number;
  max: number;
  /** Nested sequence; "any" = content not checked; undefined = simple (text) content. */
  content?: Particle[] | "any";
}

export class SchemaError extends Error {}

export const opt = (name: string, content?: Particle[] | "any"): Particle => ({
  name,
  min: 0,
  max: 1,
  content,
});
export const req = (name: string, content?: Particle[] | "any"): Particle => ({
  name,
  min: 1,
  max: 1,
  content,
});
export const many = (name: string, min: number, content?: Particle[] | "any"): Particle => ({
  name,
  min,
  max: Infinity,
  content,
});

/** Names that may appear next when `count` occurrences of seq[i] have been consumed. */
function expectedAt(seq: Particle[], i: number, count: number): string[] {
  const names: string[] = [];
  for (let j = i; j < seq.length; j++) {
    const p = seq[j]!;
    const used = j === i ? count : 0;
    if (used < p.max) names.push(p.name);
    if (used < p.min) break;
  }
  return names;
}

function formatExpected(ns: string, names: string[]): string {
  return `'{${names.map((n) => `"${ns}":${n}`).join(", ")}}'`;
}

export function validateSequence(parent: XNode, seq: Particle[], ns: string): void {
  let i = 0;
  let count = 0;
  for (const c of parent.children) {
    // Find the particle this child can be: the current one if it still has room, else a later
    // one reachable by skipping only particles whose minimum is already satisfied.
    let j = i;
    let used = count;
    let found = -1;
    while (j < seq.length) {
      const p = seq[j]!;
      if (p.name === c.name && used < p.max) {
        found = j;
        break;
      }
      if (used < p.min) break;
      j++;
      used = 0;
    }
    if (found < 0) {
      const expected = expectedAt(seq, i, count);
      if (expected.length === 0) {
        throw new SchemaError(
          `cvc-complex-type.2.4.d: Invalid content was found starting with element '${c.name}'. No child element is expected at this point.`,
        );
      }
      throw new SchemaError(
        `cvc-complex-type.2.4.a: Invalid content was found starting with element '${c.name}'. One of ${formatExpected(ns, expected)} is expected.`,
      );
    }
    count = found === i ? count + 1 : 1;
    i = found;
    const content = seq[found]!.content;
    if (Array.isArray(content)) validateSequence(c, content, ns);
    else if (content === undefined && c.children.length > 0) {
      throw new SchemaError(
        `cvc-type.3.1.2: Element '${c.name}' is a simple type, so it must have no element information item [children].`,
      );
    }
  }
  const missing = expectedAt(seq, i, count);
  const incomplete = seq.some((p, j) => j >= i && (j === i ? count : 0) < p.min);
  if (incomplete) {
    throw new SchemaError(
      `cvc-complex-type.2.4.b: The content of element '${parent.name}' is not complete. One of ${formatExpected(ns, missing)} is expected.`,
    );
  }
}
