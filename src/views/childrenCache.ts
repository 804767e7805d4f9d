// The children of tree nodes, loaded once per key and kept until invalidated. No `vscode` import: tested in Node.

/** How often a load is repeated because the cache was invalidated while it ran, before its answer is returned uncached. */
const MAX_LOADS = 3;

export class ChildrenCache<T> {
  private readonly entries = new Map<string, T[]>();
  /** Bumped by every invalidation: a load that saw it change may have read the inventory before the change. */
  private generation = 0;

  /**
   * The cached children of `key`, else what `load` returns. A load during which any part of the cache was invalidated
   * (a job ended and changed the inventory) is not kept: it may predate that change, and kept it would hide the change
   * until the next refresh. It loads again instead; if invalidations keep coming, the last answer is returned uncached.
   */
  async get(key: string, load: () => Promise<T[]>): Promise<T[]> {
    for (let attempt = 1; ; attempt++) {
      const cached = this.entries.get(key);
      if (cached) return cached;
      const started = this.generation;
      const children = await load();
      if (started === this.generation) {
        this.entries.set(key, children);
        return children;
      }
      if (attempt >= MAX_LOADS) return children;
    }
  }

  /**
   * Forgets nothing, but a load under way is not kept: the inventory changed in place (an event updated nodes that are
   * cached already) and that load may have read it before the change.
   */
  touch(): void {
    this.generation++;
  }

  /** Forgets `key` and every key below it (`key/…`), or everything. */
  invalidate(key?: string): void {
    this.generation++;
    if (key === undefined) this.entries.clear();
    else forgetBelow(this.entries, key);
  }
}

/** Deletes `key` and every key below it (`key/…`) from a map keyed by tree node keys. */
export function forgetBelow(map: Map<string, unknown>, key: string): void {
  for (const k of [...map.keys()]) if (k === key || k.startsWith(key + '/')) map.delete(k);
}
