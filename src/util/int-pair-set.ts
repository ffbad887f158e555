/**
 * A set of pairs of non-negative 32-bit integers, open-addressed in one Int32Array. Storing a pair
 * allocates nothing, where a `Set<number>` of combined keys past 2^30 boxes every key as a heap number:
 * building the coverage vocabulary's 2.1M neighbouring-word pairs that way spent as long collecting
 * garbage as adding.
 */
export class IntPairSet {
  /** Two slots per pair (first, second); −1 marks an empty slot. */
  private slots: Int32Array;
  private mask: number;
  private count = 0;

  constructor(expected = 1024) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.slots = new Int32Array(capacity * 2).fill(-1);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.count;
  }

  add(first: number, second: number): void {
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    if (this.insert(first, second)) this.count += 1;
  }

  has(first: number, second: number): boolean {
    return this.slots[this.slotOf(first, second) * 2] !== -1;
  }

  /** True when the pair was not there yet. */
  private insert(first: number, second: number): boolean {
    const slot = this.slotOf(first, second);
    if (this.slots[slot * 2] !== -1) return false;
    this.slots[slot * 2] = first;
    this.slots[slot * 2 + 1] = second;
    return true;
  }

  /** The pair's slot, or the empty slot where it would go. The table always has one (load ≤ 1/2). */
  private slotOf(first: number, second: number): number {
    for (let slot = hash(first, second) & this.mask; ; slot = (slot + 1) & this.mask) {
      const stored = this.slots[slot * 2]!;
      if (stored === -1 || (stored === first && this.slots[slot * 2 + 1] === second)) return slot;
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2).fill(-1);
    this.mask = this.mask * 2 + 1;
    for (let slot = 0; slot < old.length; slot += 2) {
      if (old[slot] !== -1) this.insert(old[slot]!, old[slot + 1]!);
    }
  }
}

/** Mixes both numbers into one (multiplicative hashing with a final avalanche). */
function hash(first: number, second: number): number {
  let value = Math.imul(first, 0x9e3779b1) ^ Math.imul(second + 0x7f4a7c15, 0x85ebca6b);
  value ^= value >>> 15;
  value = Math.imul(value, 0x2c1b3c6d);
  return (value ^ (value >>> 13)) >>> 0;
}
