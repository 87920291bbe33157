import type { RequestLogEntry } from "../../sim";

/**
 * What one benchmark phase did to the vendors, from the simulator's request log: requests,
 * edge writes per edge, and the lower bound of the phase's duration — the writes on the
 * busiest edge, each costing one request and, for a vCD network write, its task.
 */
export interface VendorCost {
  latencyMs: number;
  taskMs: number;
}

export interface PhaseLoad {
  requests: number;
  writes: number;
  /** Writes per edge (edge-N). */
  writesByEdge: Record<string, number>;
  /** Σ cost of the writes on the busiest edge. */
  lowerBoundMs: number;
  /** From the first to the last vendor request of the phase. */
  vendorSpanMs: number;
  bytes: number;
}

const isWrite = (e: RequestLogEntry) => e.method !== "GET";
/** Writes that start a vCD task (network create/update/delete). */
const startsTask = (e: RequestLogEntry) =>
  /^\/api\/admin\/(vdc\/[^/]+\/networks|network\/)/.test(e.path) && e.method !== "GET";

export function writeCost(e: RequestLogEntry, cost: VendorCost): number {
  return cost.latencyMs + (startsTask(e) ? cost.taskMs : 0);
}

export function phaseLoad(entries: RequestLogEntry[], cost: VendorCost): PhaseLoad {
  const writesByEdge: Record<string, number> = {};
  const costByEdge: Record<string, number> = {};
  for (const e of entries.filter(isWrite)) {
    if (!e.edge || e.status >= 400) continue;
    writesByEdge[e.edge] = (writesByEdge[e.edge] ?? 0) + 1;
    costByEdge[e.edge] = (costByEdge[e.edge] ?? 0) + writeCost(e, cost);
  }
  const first = entries[0]?.atMs ?? 0;
  const last = Math.max(0, ...entries.map((e) => e.atMs + e.ms));
  return {
    requests: entries.length,
    writes: Object.values(writesByEdge).reduce((a, b) => a + b, 0),
    writesByEdge,
    lowerBoundMs: Math.max(0, ...Object.values(costByEdge)),
    vendorSpanMs: entries.length ? last - first : 0,
    bytes: entries.reduce((a, e) => a + e.bytes, 0),
  };
}

/** Resources the operation changed (created, updated, deleted, replaced), from its summary. */
export function changedResources(json: Record<string, unknown>): number {
  const summary = (json["changeSummary"] ?? {}) as Record<string, number>;
  return ["create", "update", "delete", "replace"].reduce((a, k) => a + (summary[k] ?? 0), 0);
}
