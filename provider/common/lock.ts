import { Mutex } from "async-mutex";

/**
 * Process-wide keyed lock. NSX-v edges accept one configuration change at a time and vCD
 * rejects concurrent network writes on one edge with BUSY_ENTITY, so every write to an
 * edge runs under the edge's key. Pulumi runs all resources of one provider in a single
 * process, so an in-process lock serialises them without any external coordination.
 */
const locks = new Map<string, Mutex>();

export async function withKeyLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  let mutex = locks.get(key);
  if (!mutex) {
    mutex = new Mutex();
    locks.set(key, mutex);
  }
  return mutex.runExclusive(fn);
}
