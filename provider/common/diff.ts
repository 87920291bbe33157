import { isDeepStrictEqual } from "node:util";

/**
 * One diff for every dynamic resource. Each handler declares which top-level inputs force a
 * replacement; everything else that differs is an in-place update. Values are compared
 * after the handler's normalisation, so "10.1.1.1/24 " and "10.1.1.1/24" or a reordered
 * DNS list do not show up as changes in `pulumi preview --diff`.
 */
export interface DiffSpec<T> {
  /** Inputs whose change needs a new object (the vendor API cannot change them in place). */
  replaceOn: readonly (keyof T & string)[];
  /** Inputs that are bookkeeping only (e.g. `adopt`) and never cause a change. */
  ignore?: readonly (keyof T & string)[];
  /**
   * When a replacement must delete first because the old and new objects would collide
   * (for example the same name in the same VDC).
   */
  deleteBeforeReplace?: (olds: T, news: T) => boolean;
}

export interface DiffResult {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** Names of all inputs that changed (replacing or not), for messages and tests. */
  changed: string[];
}

export function computeDiff<T extends object>(spec: DiffSpec<T>, olds: T, news: T): DiffResult {
  const ignore = new Set<string>(spec.ignore ?? []);
  const keys = new Set([...Object.keys(olds), ...Object.keys(news)].filter((k) => !k.startsWith("__")));
  const changed = [...keys]
    .filter((k) => !ignore.has(k))
    .filter(
      (k) =>
        !isDeepStrictEqual(
          normalizeUndefined((olds as Record<string, unknown>)[k]),
          normalizeUndefined((news as Record<string, unknown>)[k]),
        ),
    )
    .sort();
  const replaces = changed.filter((k) => (spec.replaceOn as readonly string[]).includes(k));
  return {
    changes: changed.length > 0,
    replaces,
    deleteBeforeReplace: replaces.length > 0 && (spec.deleteBeforeReplace?.(olds, news) ?? false),
    changed,
  };
}

/** Treats a missing key, undefined, and an empty array as the same "not set". */
function normalizeUndefined(v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v) && v.length === 0) return undefined;
  return v;
}
