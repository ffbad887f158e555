/**
 * A map bounded to `capacity` entries that forgets the least recently used one first. A capacity of
 * 0 keeps nothing. Relies on `Map` iterating in insertion order: a read re-inserts the entry.
 */
export class LruCache<Key, Value> {
  readonly capacity: number;
  private readonly entries = new Map<Key, Value>();

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new RangeError(`An LRU cache needs a whole, non-negative capacity (got ${capacity}).`);
    }
    this.capacity = capacity;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: Key): Value | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  /** Forgets `key`; true when it was there. */
  delete(key: Key): boolean {
    return this.entries.delete(key);
  }

  set(key: Key, value: Value): void {
    if (this.capacity === 0) return;
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
}
