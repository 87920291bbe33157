import { writesCompleted } from "./lock";

/**
 * Reads that many resources of one command need (an edge's vdcNetworks, a VDC's network
 * list) are made once and shared, as long as no write of this process has finished since the
 * read started: a preview or refresh of a hundred networks reads each edge once, while a read
 * after one of our own writes always goes to the vendor again. Changes made by others show up
 * in the next command (each command starts a new provider process), which is what refresh needs.
 */
export class SharedReads {
  private readonly entries = new Map<string, { generation: number; value: Promise<unknown> }>();

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const generation = writesCompleted();
    const hit = this.entries.get(key);
    if (hit && hit.generation === generation) return hit.value as Promise<T>;
    const value = load();
    this.entries.set(key, { generation, value });
    // A failed read is not remembered: the next caller tries again.
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }
}

const perOwner = new WeakMap<object, SharedReads>();

/** The shared reads of one client (a new configuration makes a new client, so nothing leaks across). */
export function sharedReads(owner: object): SharedReads {
  let reads = perOwner.get(owner);
  if (!reads) perOwner.set(owner, (reads = new SharedReads()));
  return reads;
}
