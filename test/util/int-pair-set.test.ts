import { describe, expect, test } from 'vitest';
import { IntPairSet } from '../../src/util/int-pair-set.js';

describe('IntPairSet', () => {
  test('holds the same pairs as a Set of joined keys, through many growths', () => {
    const pairs = new IntPairSet(4);
    const reference = new Set<string>();
    let state = 7;
    const next = (limit: number) => {
      state = (state * 1_103_515_245 + 12_345) & 0x7fffffff;
      return state % limit;
    };
    for (let step = 0; step < 50_000; step++) {
      // Small ranges make repeats common; a few huge ids check the full 31-bit range.
      const first = step % 97 === 0 ? 2_000_000_000 + next(5) : next(300);
      const second = next(300);
      pairs.add(first, second);
      reference.add(`${first},${second}`);
    }
    expect(pairs.size).toBe(reference.size);
    for (let first = 0; first < 300; first += 7) {
      for (let second = 0; second < 300; second += 3) {
        expect(pairs.has(first, second)).toBe(reference.has(`${first},${second}`));
      }
    }
    for (let offset = 0; offset < 5; offset++) {
      expect(pairs.has(2_000_000_000 + offset, 0)).toBe(reference.has(`${2_000_000_000 + offset},0`));
    }
    // Order matters: (a, b) is not (b, a).
    const ordered = new IntPairSet();
    ordered.add(1, 2);
    expect([ordered.has(1, 2), ordered.has(2, 1), ordered.size]).toStrictEqual([true, false, 1]);
  });
});
