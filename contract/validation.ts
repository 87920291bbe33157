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

/** True when the value at `path`, or any value on the way to it, is or holds an unknown. */
function undecidable(root: unknown, path: readonly (string | number)[]): boolean {
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
  const failures = parsed.error.issues
    .filter((i) => !undecidable(own, i.path))
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
  const near = known.find((k) => k.toLowerCase() === key.toLowerCase().replace(/[-_]/g, ""));
  if (near) return `"${key}" is not an input; did you mean "${near}"?`;
  return `"${key}" is not an input${known.length ? `; inputs here: ${known.join(", ")}` : ""}`;
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
