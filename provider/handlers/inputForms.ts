import { isDeepStrictEqual } from "node:util";
import { keyByName, listFromKeyed, mapAtPath } from "../../contract/keyed";
import { containsUnknown, type CheckFailure } from "../../contract/validation";
import { ConfigError } from "../common/errors";
import type { InputSpec, Props, ResourceHandler } from "./types";

/**
 * Wraps a handler with what every resource needs at Pulumi's boundary:
 * - named lists arrive keyed by name (readable diffs) and leave keyed again, while the
 *   handler works on lists;
 * - `diff` with inputs that are not known yet (a preview where another resource's output
 *   feeds this one) answers "may change" for exactly the inputs that hold unknowns or
 *   differ, and "may replace" when one of those forces replacement, instead of parsing
 *   values that do not exist yet;
 * - check failures name the property as the user wrote it, once each.
 */
export function withInputForms(inner: ResourceHandler, spec: InputSpec): ResourceHandler {
  const keyed = spec.keyedLists ?? [];
  const toLists = (p: Props): Props => keyed.reduce((acc, path) => mapAtPath(acc, path, listFromKeyed), p);
  const toKeyed = (p: Props): Props => keyed.reduce((acc, path) => mapAtPath(acc, path, keyByName), p);
  const userPath = spec.userPath ?? ((p: string) => p);
  return {
    async check(olds, news) {
      const lists = toLists(news);
      const r = await inner.check(toLists(olds), lists);
      const failures = inUserWords(r.failures, lists, keyed, userPath);
      if (!containsUnknown(news)) return { inputs: toKeyed(r.inputs), failures };
      // Normalise what is known, so the preview diff shows only what really changes.
      const probe = knownPart(news, olds, keyed);
      const p = await inner.check(toLists(olds), toLists(probe.inputs));
      const inputs = p.failures.length === 0 ? probe.restore(toKeyed(p.inputs)) : news;
      // Checks that need every input (the edge exists, the listener is on it) ran on the probe:
      // what they found about inputs that hold no unknown is true of the real inputs too.
      const top = (property: string) => /^[^.[]*/.exec(property)![0];
      const decided = p.failures.filter((f) => f.property && !containsUnknown(news[top(f.property)]));
      return { inputs, failures: dedupe([...failures, ...inUserWords(decided, lists, keyed, userPath)]) };
    },
    async diff(id, olds, news) {
      if (containsUnknown(news)) return diffWithUnknowns(spec, toKeyed(olds), toKeyed(news));
      try {
        return await inner.diff(id, toLists(olds), toLists(news));
      } catch (e) {
        // State that no longer parses (written by hand, or by a release with other rules) must
        // not turn a preview red with a stack trace: compare it as stored instead.
        if (e instanceof ConfigError) return diffWithUnknowns(spec, toKeyed(olds), toKeyed(news));
        throw e;
      }
    },
    async create(inputs) {
      const r = await inner.create(toLists(inputs));
      return { id: r.id, outs: toKeyed(r.outs) };
    },
    async read(id, props) {
      const r = await inner.read(id, toLists(props));
      return {
        id: r.id,
        ...(r.props ? { props: toKeyed(r.props) } : {}),
        ...(r.inputs ? { inputs: toKeyed(r.inputs) } : {}),
      };
    },
    async update(id, olds, news) {
      return { outs: toKeyed((await inner.update(id, toLists(olds), toLists(news))).outs) };
    },
    delete(id, props) {
      return inner.delete(id, toLists(props));
    },
  };
}

/**
 * The known part of inputs that hold unknowns, and how to put the unknowns back: entries of
 * keyed lists that hold an unknown take their previous value, or are left out when new (a
 * new sub-interface whose tunnel ID is not known yet); other inputs that hold one take their
 * previous value. After normalising the
 * known part (defaults filled, values canonical, exactly as stored before), `restore` puts
 * the raw unknown-holding values back in place.
 */
export function knownPart(
  news: Props,
  olds: Props,
  keyed: readonly string[],
): { inputs: Props; restore: (normalised: Props) => Props } {
  const held: { path: string; entries: Props }[] = [];
  let inputs = news;
  for (const path of keyed) {
    const before = path.split(".").reduce<unknown>((v, k) => (isMap(v) ? v[k] : undefined), olds);
    inputs = mapAtPath(inputs, path, (v) => {
      if (!isMap(v)) return v;
      const unknown = Object.entries(v).filter(([, e]) => containsUnknown(e));
      if (unknown.length) held.push({ path, entries: Object.fromEntries(unknown) });
      // An entry that holds an unknown is probed as it was before (a site whose stretched
      // tunnel IDs grow keeps validating as that site), or left out when it is new.
      const probed = Object.entries(v).flatMap(([name, e]) =>
        !containsUnknown(e) ? [[name, e]] : isMap(before) && name in before ? [[name, before[name]]] : [],
      );
      return Object.fromEntries(probed);
    });
  }
  const swapped = Object.keys(inputs).filter((k) => containsUnknown(inputs[k]));
  inputs = Object.fromEntries(
    Object.entries(inputs)
      .map(([k, v]) => [k, swapped.includes(k) ? olds[k] : v] as const)
      .filter(([, v]) => v !== undefined),
  );
  return {
    inputs,
    restore: (normalised) => {
      let out: Props = { ...normalised };
      for (const k of swapped) out[k] = news[k];
      for (const h of held) out = mapAtPath(out, h.path, (v) => (isMap(v) ? { ...v, ...h.entries } : v));
      return out;
    },
  };
}

function isMap(v: unknown): v is Props {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Preview with unknowns: an input may change when it holds an unknown or differs from the
 * stored one (compared as stored, since unknown inputs cannot be normalised yet).
 */
export function diffWithUnknowns(
  spec: InputSpec,
  olds: Props,
  news: Props,
): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean } {
  const blank = (v: unknown) => v === undefined || v === null || (Array.isArray(v) && v.length === 0);
  const differs = (k: string) =>
    containsUnknown(news[k]) || (!(blank(olds[k]) && blank(news[k])) && !isDeepStrictEqual(olds[k], news[k]));
  const changed = spec.inputKeys.filter(differs);
  return {
    changes: true,
    replaces: changed.filter((k) => spec.replaceOn.includes(k)),
    deleteBeforeReplace: false,
  };
}

/**
 * `subInterfaces[1].vlanId` becomes `subInterfaces[app].vlanId` for a keyed list (the user
 * wrote a list, the engine shows a map: the name is what both agree on); internal paths are
 * rewritten; a failure reported twice (by the schema and a live check) is kept once.
 *
 * The engine prints a failure with a property as "property P value {V} has a problem", V in
 * its internal notation (`{[{10.0.0.1}]}`, or `{<nil>}` for a nested path), so every failure
 * goes out without a property and names its path in the reason:
 * "resource 'x' has a problem: dnsServers[0]: …".
 */
function inUserWords(
  failures: CheckFailure[],
  lists: Props,
  keyed: readonly string[],
  userPath: (p: string) => string,
): CheckFailure[] {
  const seen = new Set<string>();
  return failures
    .map((f) => ({ property: userPath(withNames(f.property, lists, keyed)), reason: f.reason }))
    .filter((f) => {
      const key = `${f.property}\u0000${f.reason}`;
      return !seen.has(key) && (seen.add(key), true);
    })
    .map((f) => ({
      property: "",
      reason: !f.property || f.reason.startsWith(f.property) ? f.reason : `${f.property}: ${f.reason}`,
    }));
}

function dedupe(failures: CheckFailure[]): CheckFailure[] {
  const seen = new Set<string>();
  return failures.filter((f) => !seen.has(f.reason) && (seen.add(f.reason), true));
}

function withNames(property: string, lists: Props, keyed: readonly string[]): string {
  for (const path of keyed) {
    const m = new RegExp(`^${path.replace(/\./g, "\\.")}\\[(\\d+)\\]`).exec(property);
    if (!m) continue;
    const list = path.split(".").reduce<unknown>((v, k) => (v as Props | undefined)?.[k], lists);
    const name = Array.isArray(list) ? (list[Number(m[1])] as Props | undefined)?.["name"] : undefined;
    if (typeof name === "string" && name) return `${path}[${name}]${property.slice(m[0].length)}`;
  }
  return property;
}
