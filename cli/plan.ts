import { isDeepStrictEqual } from "node:util";
import type { EngineEvent, StepEventMetadata } from "@pulumi/pulumi/automation";

/**
 * What a preview or update plans and says, collected from the engine's event stream so a
 * CI job (or a test) can assert the plan instead of scraping the text output. Only names of
 * changed properties are kept, never values, so nothing secret can leak through it.
 */
export interface PlannedStep {
  op: string;
  urn: string;
  /** The resource name (last URN segment). */
  name: string;
  type: string;
  /** Top-level inputs that differ. */
  diffs: string[];
  /**
   * Paths that differ one level down, with `+`/`-`/`~` for added, removed and changed
   * entries: `~subInterfaces`, `-subInterfaces.app`. Named lists are maps (keyed by name),
   * so a removed network reads as `-subInterfaces.app`, not as a rename of the next one.
   */
  detailedDiff: string[];
  /** Inputs that force a replacement. */
  replaceKeys: string[];
}

export interface Diagnostic {
  severity: string;
  message: string;
  urn?: string;
}

export class PlanRecorder {
  readonly steps: PlannedStep[] = [];
  readonly diagnostics: Diagnostic[] = [];
  /** Operations by kind (create, update, same, …), from the engine's closing summary. */
  changeSummary: Record<string, number> | undefined;
  /** The stack's outputs as the engine reported them, every secret (at any depth) as "[secret]". */
  stackOutputs: Record<string, unknown> | undefined;

  readonly onEvent = (e: EngineEvent): void => {
    if (e.summaryEvent) this.changeSummary = { ...e.summaryEvent.resourceChanges };
    const outputs = e.resOutputsEvent?.metadata;
    if (outputs?.type === "pulumi:pulumi:Stack")
      this.stackOutputs = maskSecrets(outputs.new?.outputs ?? {}) as Record<string, unknown>;
    const pre = e.resourcePreEvent?.metadata;
    // The default provider "updates" whenever stack config changes; it is not a change to review.
    const defaultProvider = pre?.type.startsWith("pulumi:providers:") && pre.urn.endsWith("::default");
    if (pre && pre.op !== "same" && !defaultProvider) {
      const changes = inputChanges(pre);
      this.steps.push({
        op: pre.op,
        urn: pre.urn,
        name: pre.urn.split("::").pop() ?? pre.urn,
        type: pre.type,
        diffs: pre.diffs?.length ? [...pre.diffs] : changes.diffs,
        detailedDiff: changes.detailed,
        replaceKeys: pre.op.includes("replace") ? [...(pre.keys ?? [])] : [],
      });
    }
    const d = e.diagnosticEvent;
    if (d && (d.severity === "error" || d.severity === "warning")) {
      this.diagnostics.push({
        severity: d.severity,
        message: d.message.trim(),
        ...(d.urn ? { urn: d.urn } : {}),
      });
    }
  };
}

/**
 * What differs between the old and new inputs of an update. Dynamic providers report no
 * changed keys of their own, so the engine's list is often empty; the inputs tell.
 */
function inputChanges(pre: StepEventMetadata): { diffs: string[]; detailed: string[] } {
  if (pre.op !== "update" && !pre.op.includes("replace")) return { diffs: [], detailed: [] };
  const olds = pre.old?.inputs ?? {};
  const news = pre.new?.inputs ?? {};
  const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])].filter((k) => !k.startsWith("__"));
  const diffs = keys.filter((k) => !isDeepStrictEqual(olds[k], news[k])).sort();
  const detailed = diffs.flatMap((k) => changedPaths(k, olds[k], news[k]));
  return { diffs, detailed };
}

/**
 * `+path`/`-path`/`~path` for what differs under `path`. A named list (a map whose entries are
 * all maps: sub-interfaces, sites, gateway networks) is reported entry by entry; any other map
 * (a document such as a gateway config) is followed into the part that changed, so a network
 * added inside a document reads `+config.networks.red`, not `~config`.
 */
function changedPaths(path: string, o: unknown, n: unknown): string[] {
  if (!isMap(o) || !isMap(n)) return [`~${path}`];
  const namedList = [o, n].every((m) => Object.values(m).length > 0 && Object.values(m).every(isMap));
  return [...new Set([...Object.keys(o), ...Object.keys(n)])].sort().flatMap((i) => {
    if (!(i in o)) return [`+${path}.${i}`];
    if (!(i in n)) return [`-${path}.${i}`];
    if (isDeepStrictEqual(o[i], n[i])) return [];
    return namedList ? [`~${path}.${i}`] : changedPaths(`${path}.${i}`, o[i], n[i]);
  });
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Pulumi's marker of a secret value in engine events: the value itself is never in them. */
const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";

/** The value with every secret (the engine sends `{ <signature>, ciphertext }`) as "[secret]". */
function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (!isMap(value)) return value;
  if (SECRET_SIGNATURE in value) return "[secret]";
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecrets(v)]));
}
