import type { ZodType, ZodTypeDef } from "zod";
import { ConfigError } from "./errors";

/**
 * Turns a zod schema into a dynamic provider `check()` result: every issue becomes a
 * failure with its property path, so `pulumi preview` lists all problems at once.
 * Values not known until apply (outputs of resources still to be created) are skipped
 * rather than reported as wrong.
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

export function formatPath(path: readonly (string | number)[]): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p),
    "",
  );
}

function containsUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v && typeof v === "object") return Object.values(v).some(containsUnknown);
  return false;
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
  const unknownKeys = new Set(Object.keys(own).filter((k) => containsUnknown(own[k])));
  const parsed = schema.safeParse(own);
  if (parsed.success) {
    const value = normalize(parsed.data);
    return { inputs: { ...news, ...(value as object) }, failures: [], value };
  }
  const failures = parsed.error.issues
    .filter((i) => !unknownKeys.has(String(i.path[0])) && !(unknownKeys.size > 0 && i.path.length === 0))
    .map((i) => ({ property: formatPath(i.path) || "(resource)", reason: i.message }));
  return { inputs: news, failures };
}

/**
 * Validated, normalised inputs out of stored inputs or outputs (outputs also carry
 * output-only keys, hence `keys`). Handlers call it on every CRUD entry so they only ever
 * work with values that passed the same checks as `pulumi preview`.
 */
export function parseInputs<In, Out>(
  type: string,
  schema: ZodType<In, ZodTypeDef, unknown>,
  normalize: (v: In) => Out,
  keys: readonly string[],
  props: Record<string, unknown>,
): Out {
  const own = Object.fromEntries(
    keys.filter((k) => props[k] !== undefined && props[k] !== null).map((k) => [k, props[k]]),
  );
  const r = checkWithSchema(schema, own, normalize);
  if (r.value === undefined) {
    throw new ConfigError(
      `invalid ${type} inputs: ${r.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`,
    );
  }
  return r.value;
}
