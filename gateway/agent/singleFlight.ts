/**
 * One read shared by every concurrent caller and reused for a short time. `GET /v1/status` and
 * `/metrics` read the same live state (ip, nft, swanctl); without sharing, 200 concurrent
 * requests start 200 reads of half a dozen processes each and queue behind one another.
 */
export class SingleFlight<T> {
  private inflight: Promise<T> | undefined;
  private cached: { value: T; at: number } | undefined;
  private generation = 0;

  /** `ttlMs` 0 turns sharing off: every caller reads on its own (the old behaviour, for benchmarks). */
  constructor(
    private readonly read: () => Promise<T>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<T> {
    if (this.ttlMs <= 0) return this.read();
    if (this.cached && this.now() - this.cached.at < this.ttlMs) return Promise.resolve(this.cached.value);
    if (this.inflight) return this.inflight;
    const gen = this.generation;
    const p = this.read()
      .then((value) => {
        // A read that started before invalidate() may describe the old state: never cache it.
        if (gen === this.generation) this.cached = { value, at: this.now() };
        return value;
      })
      .finally(() => {
        if (this.inflight === p) this.inflight = undefined;
      });
    this.inflight = p;
    return p;
  }

  /** After a change (apply, delete): the next caller reads afresh. */
  invalidate(): void {
    this.generation++;
    this.cached = undefined;
    this.inflight = undefined;
  }
}
