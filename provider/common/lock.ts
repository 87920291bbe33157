import { Mutex } from "async-mutex";

/**
 * Process-wide keyed lock. NSX-v edges accept one configuration change at a time and vCD
 * rejects concurrent network writes on one edge with BUSY_ENTITY, so every write to an
 * edge runs under the edge's key (common/edgeIdentity.ts), taken inside the vendor clients.
 * Pulumi runs all resources of one provider in a single process, so an in-process lock
 * serialises them without any external coordination.
 */
const locks = new Map<string, Mutex>();
let completed = 0;

export async function withKeyLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  let mutex = locks.get(key);
  if (!mutex) {
    mutex = new Mutex();
    locks.set(key, mutex);
  }
  try {
    return await mutex.runExclusive(fn);
  } finally {
    completed++;
  }
}

/**
 * How many locked writes have finished (or failed) in this process. A read taken while this
 * number stayed the same saw every write this process made, so it may be shared (sharedReads.ts).
 */
export function writesCompleted(): number {
  return completed;
}
