/**
 * How many of one edge's network operations a stretch lets the Pulumi engine hold at once.
 *
 * The provider writes one edge at a time (its edge lock; vCD refuses concurrent tasks on an
 * edge with BUSY_ENTITY), while the engine runs at most `--parallel` operations (4 per CPU by
 * default) and starts them in the order the program registered them. Left alone, the first
 * stretch's queued creates fill every engine slot, all but one waiting at its edge's lock, and
 * another edge's creates wait for a slot: 100 networks on two edges ran one edge after the
 * other (208 s where the busiest edge needs 105 s). Two keep an edge busy without a gap — one
 * writing, the next already past its reads and waiting at the lock — and leave the other
 * slots to the other edges.
 *
 * Per stretch, not per edge across the program: a dependency is recorded in state, and one
 * tenant's networks must not become dependents of another's (`destroy --target` of one
 * stretch would then need the other's too).
 */
export const OPERATIONS_PER_EDGE = 2;

/**
 * What the next network of a stretch waits for, given the ones it registered before on the
 * same edge: the one OPERATIONS_PER_EDGE places back. This paces `up` and `destroy` only; a
 * preview plans every network at once.
 */
export function laneDependencies<T>(earlier: readonly T[]): T[] {
  const before = earlier[earlier.length - OPERATIONS_PER_EDGE];
  return before === undefined ? [] : [before];
}
