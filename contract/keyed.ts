import { isUnknown } from "./validation";

/**
 * Named lists travel between the SDK and the provider as maps keyed by name, so that
 * `pulumi preview --diff` (which diffs inputs property by property) shows removing the
 * middle sub-interface as `- cache`, not as every later element being renamed. Handlers
 * still work on lists; these functions convert at the boundary.
 *
 * A list converts only when every element is an object with a unique string name: anything
 * else (duplicates, a missing name, an unknown) stays a list so validation can name the
 * problem in the user's terms.
 */
type Entry = Record<string, unknown>;

export function keyByName(list: unknown): unknown {
  if (!Array.isArray(list)) return list;
  const names = list.map((e) =>
    isEntry(e) && typeof e["name"] === "string" ? (e["name"] as string) : undefined,
  );
  if (names.some((n) => n === undefined || isUnknown(n)) || new Set(names).size !== names.length) return list;
  return Object.fromEntries(
    list.map((e) => {
      const { name, ...rest } = e as Entry;
      return [name as string, rest];
    }),
  );
}

/** The inverse: a keyed map back to a list, in key order; lists and unknowns pass through. */
export function listFromKeyed(v: unknown): unknown {
  if (!isEntry(v)) return v;
  return Object.entries(v).map(([name, rest]) => (isEntry(rest) ? { name, ...rest } : { name, value: rest }));
}

/** Applies `fn` to the value at a dotted path (e.g. "config.networks"), copying on the way. */
export function mapAtPath(obj: Entry, path: string, fn: (v: unknown) => unknown): Entry {
  const [head, ...rest] = path.split(".");
  if (!head || !(head in obj)) return obj;
  const inner = obj[head];
  if (rest.length === 0) return { ...obj, [head]: fn(inner) };
  return isEntry(inner) ? { ...obj, [head]: mapAtPath(inner, rest.join("."), fn) } : obj;
}

function isEntry(v: unknown): v is Entry {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
