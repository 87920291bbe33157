import type { ZodIssue, ZodType, ZodTypeDef } from "zod";

/**
 * Turns a zod schema into a dynamic provider `check()` result: every issue becomes a
 * failure with its property path, so `pulumi preview` lists all problems at once.
 *
 * Values not known until apply (outputs of resources still to be created or updated, such
 * as a new network's tunnel ID) arrive as Pulumi's unknown sentinel. They are never
 * invalid: an issue about an unknown value, or about an object that contains one (a
 * cross-field rule that cannot be decided yet), is dropped, while every issue about known
 * values is still reported at preview.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface CheckFailure {
  property: string;
  reason: string;
}

export interface CheckResult<T> {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
  /** The parsed, normalised value when every input is known and valid. */
  value?: T;
}

export function isUnknown(v: unknown): boolean {
  return v === UNKNOWN;
}

export function containsUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v && typeof v === "object") return Object.values(v).some(containsUnknown);
  return false;
}

export function formatPath(path: readonly (string | number)[]): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p),
    "",
  );
}

/**
 * Rules that span several values (a VLAN used twice, overlapping subnets) never run while an
 * element is unparseable, and an unknown tunnel ID makes its sub-interface unparseable. So
 * validate once more with each unknown replaced by a stand-in of the right type that no rule
 * accepts (out of range, or an unusable string): the leaf itself then fails (undecidable, so
 * dropped), the cross-value rules run, and what they say about known values is reported. An
 * issue that mentions a stand-in is about the unknown, and dropped too.
 */
function issuesAroundUnknowns(schema: unknown, own: Record<string, unknown>): ZodIssue[] {
  if (!containsUnknown(own)) return [];
  const standIns: string[] = [];
  const fill = (v: unknown, path: (string | number)[]): unknown => {
    if (v === UNKNOWN) {
      const s = standIn(schemaAt(schema, path), standIns.length);
      if (s !== UNKNOWN) standIns.push(String(s));
      return s;
    }
    if (Array.isArray(v)) return v.map((x, i) => fill(x, [...path, i]));
    if (v && typeof v === "object")
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x, [...path, k])]));
    return v;
  };
  const r = (schema as ZodType).safeParse(fill(own, []));
  if (r.success) return [];
  return r.error.issues.filter((i) => !standIns.some((s) => i.message.includes(s)));
}

function standIn(s: unknown, n: number): unknown {
  switch ((s as { _def?: { typeName?: string } } | undefined)?._def?.typeName) {
    case "ZodNumber":
      return -987650 - n;
    case "ZodString":
      return `<not known yet ${n}>`;
    case "ZodBoolean":
      return false;
    case "ZodArray":
      return [];
    default:
      return UNKNOWN;
  }
}

/** The schema of the value at `path`, through objects, arrays, records and wrappers. */
function schemaAt(schema: unknown, path: readonly (string | number)[]): unknown {
  let s = unwrap(schema);
  for (const p of path) {
    const def = (s as { _def?: { type?: unknown; valueType?: unknown; typeName?: string } } | undefined)
      ?._def;
    if (def?.typeName === "ZodArray") s = unwrap(def.type);
    else if (def?.typeName === "ZodRecord") s = unwrap(def.valueType);
    else s = unwrap((s as { shape?: Record<string, unknown> } | undefined)?.shape?.[String(p)]);
  }
  return s;
}

/** True when the value at `path`, or any value on the way to it, is or holds an unknown. */
export function undecidable(root: unknown, path: readonly (string | number)[]): boolean {
  let v: unknown = root;
  for (const p of path) {
    if (v === UNKNOWN) return true;
    if (v === null || typeof v !== "object") return false;
    v = (v as Record<string | number, unknown>)[p];
  }
  return containsUnknown(v);
}

export function checkWithSchema<In, Out>(
  schema: ZodType<In, ZodTypeDef, unknown>,
  news: Record<string, unknown>,
  normalize: (v: In) => Out,
): CheckResult<Out> {
  // Output-only properties arrive as undefined/null; they are not inputs to validate.
  const own = Object.fromEntries(
    Object.entries(news).filter(([k, v]) => !k.startsWith("__") && v !== undefined && v !== null),
  );
  const parsed = schema.safeParse(own);
  if (parsed.success) {
    const value = normalize(parsed.data);
    return { inputs: { ...news, ...(value as object) }, failures: [], value };
  }
  const issues = [...parsed.error.issues, ...issuesAroundUnknowns(schema, own)].filter(
    (i, n, all) =>
      !undecidable(own, i.path) &&
      all.findIndex((j) => j.message === i.message && formatPath(j.path) === formatPath(i.path)) === n,
  );
  // A misspelt input is one mistake: "did you mean tunnelId?", not also "tunnelId is required".
  const meant = new Set<string>();
  for (const i of issues)
    if (i.code === "unrecognized_keys")
      for (const k of i.keys) {
        const near = nearest(k, objectKeys(schema, i.path));
        if (near) meant.add(formatPath([...i.path, near]));
      }
  const failures = issues
    .filter((i) => i.code === "unrecognized_keys" || !meant.has(formatPath(i.path)))
    .flatMap((i) =>
      // "Unrecognized key(s) in object" names no property; name each key the user wrote.
      i.code === "unrecognized_keys"
        ? i.keys.map((k) => ({
            property: formatPath([...i.path, k]),
            reason: notAnInput(k, objectKeys(schema, i.path)),
          }))
        : [{ property: formatPath(i.path), reason: inUserWords(i) }],
    );
  return { inputs: news, failures };
}

/** "did you mean …" for a misspelt input, else the list of inputs there are. */
function notAnInput(key: string, known: string[]): string {
  const near = nearest(key, known);
  if (near) return `"${key}" is not an input; did you mean "${near}"?`;
  return `"${key}" is not an input${known.length ? `; inputs here: ${known.join(", ")}` : ""}`;
}

/** The known input a typo most likely meant: same letters but case and `-`/`_`, or 2 edits. */
function nearest(key: string, known: string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_]/g, "");
  const exact = known.find((k) => norm(k) === norm(key));
  if (exact) return exact;
  const scored = known
    .map((k) => ({ k, d: editDistance(norm(k), norm(key)) }))
    .filter((x) => x.d <= Math.min(2, Math.floor(x.k.length / 3)))
    .sort((a, b) => a.d - b.d);
  return scored[0]?.k;
}

/** Levenshtein distance, for input names of a few dozen characters. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** The keys of the object schema at `path` (through refinements, defaults and optionals). */
function objectKeys(schema: unknown, path: readonly (string | number)[]): string[] {
  let s = unwrap(schema);
  for (const p of path) {
    if (typeof p === "number") s = unwrap((s as { _def?: { type?: unknown } })?._def?.type);
    else s = unwrap((s as { shape?: Record<string, unknown> })?.shape?.[p]);
  }
  const shape = (s as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

function unwrap(s: unknown): unknown {
  for (let i = 0; i < 10 && s; i++) {
    const def = (s as { _def?: { schema?: unknown; innerType?: unknown } })._def;
    const next = def?.schema ?? def?.innerType;
    if (!next) return s;
    s = next;
  }
  return s;
}

/** zod's generic messages ("Required", "Expected number, received string") in plain words. */
function inUserWords(i: ZodIssue): string {
  const what = formatPath(i.path) || "this input";
  if (i.code !== "invalid_type") return i.message;
  // Custom messages (required_error / invalid_type_error) already speak to the user.
  if (i.received === "undefined") return i.message === "Required" ? `${what} is required` : i.message;
  return i.message.startsWith("Expected ")
    ? `${what} must be a ${i.expected}, not a ${i.received}`
    : i.message;
}
