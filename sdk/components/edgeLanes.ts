import type * as pulumi from "@pulumi/pulumi";

/**
 * How many of one edge's network operations a program lets the Pulumi engine hold at once.
 *
 * The provider writes one edge at a time (its edge lock; vCD refuses concurrent tasks on an
 * edge with BUSY_ENTITY), while the engine runs at most `--parallel` operations (4 per CPU by
 * default) and starts them in the order the program registered them. Left alone, the first
 * edge's queued creates fill every engine slot, all but one waiting at that edge's lock, and a
 * second edge's creates wait for a slot: 100 networks on two edges ran one edge after the
 * other (208 s where the busiest edge needs 105 s). Two per edge keep an edge busy without
 * a gap — one writing, the next already past its reads and waiting at the lock — and leave
 * the other slots to the other edges.
 */
export const OPERATIONS_PER_EDGE = 2;

const lanes = new Map<string, pulumi.Resource[]>();

/**
 * The resources a new network on `edge` waits for: the one registered OPERATIONS_PER_EDGE
 * networks before it on the same edge, across every stretch of the program. The order only
 * paces `up` and `destroy`; a preview plans every network at once.
 */
export function edgeLaneDependencies(edge: string): pulumi.Resource[] {
  const queued = lanes.get(edge) ?? [];
  return queued.length >= OPERATIONS_PER_EDGE ? [queued[queued.length - OPERATIONS_PER_EDGE]!] : [];
}

/** Records a network registered on `edge`, for the next one's edgeLaneDependencies. */
export function joinEdgeLane(edge: string, resource: pulumi.Resource): void {
  const queued = lanes.get(edge) ?? [];
  // Only the last OPERATIONS_PER_EDGE are ever waited for.
  lanes.set(edge, [...queued, resource].slice(-OPERATIONS_PER_EDGE));
}
