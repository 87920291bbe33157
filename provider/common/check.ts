import type { ZodType, ZodTypeDef } from "zod";
import { checkWithSchema } from "../../contract/validation";
import { ConfigError } from "./errors";

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
