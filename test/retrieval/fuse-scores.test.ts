import { describe, expect, test } from 'vitest';
import { fuseScores, reciprocalRankFusion } from '../../src/retrieval/fuse-scores.js';

describe('fuseScores', () => {
  test('a weak lexical side cannot pull a strong dense hit down', () => {
    // Lexical matched only a weak word (0.2 of the reference score) and prefers chunk 1;
    // dense clearly prefers chunk 2. Rank fusion would tie them; weighted fusion keeps dense's choice.
    const fused = fuseScores({
      candidates: [
        { id: 1, lexical: 0.4, dense: 0.3 },
        { id: 2, lexical: 0, dense: 0.7 },
        { id: 3, lexical: 0.1, dense: 0.5 },
      ],
      weights: { lexical: 0.5, dense: 0.5 },
      lexicalReference: 2,
    });
    expect([...fused.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id)).toStrictEqual([2, 3, 1]);
    expect(fused.get(2)).toBeCloseTo(0.5, 12);
    expect(fused.get(1)).toBeCloseTo(0.5 * 0.2, 12);
    const rrf = reciprocalRankFusion([
      [1, 3],
      [2, 3, 1],
    ]);
    expect(rrf.get(1)).toBeCloseTo(1 / 61 + 1 / 63, 12);
    expect(rrf.get(3)).toBeCloseTo(1 / 62 + 1 / 62, 12);
  });

  test('a strong lexical match wins over a middling dense one', () => {
    const fused = fuseScores({
      candidates: [
        { id: 1, lexical: 4, dense: 0.45 },
        { id: 2, lexical: 0.5, dense: 0.5 },
        { id: 3, lexical: 0, dense: 0.4 },
      ],
      weights: { lexical: 0.5, dense: 0.5 },
      lexicalReference: 4,
    });
    expect(fused.get(1)).toBeCloseTo(0.5 * 1 + 0.5 * 0.5, 12);
    expect(fused.get(2)).toBeCloseTo(0.5 * 0.125 + 0.5 * 1, 12);
    expect(fused.get(3)).toBeCloseTo(0, 12);
  });

  test('candidates missing from the dense list get its lowest cosine; lexical is capped', () => {
    const fused = fuseScores({
      candidates: [
        { id: 1, lexical: 10, dense: undefined },
        { id: 2, lexical: 0, dense: 0.6 },
        { id: 3, lexical: 0, dense: 0.2 },
      ],
      weights: { lexical: 1, dense: 1 },
      lexicalReference: 2,
      lexicalCap: 1.5,
      denseNormalisation: 'raw',
    });
    expect(fused).toStrictEqual(
      new Map([
        [1, 1.5 + 0.2],
        [2, 0.6],
        [3, 0.2],
      ]),
    );
  });

  test('z-score normalisation centres the dense list', () => {
    const fused = fuseScores({
      candidates: [
        { id: 1, lexical: 0, dense: 0.2 },
        { id: 2, lexical: 0, dense: 0.6 },
      ],
      weights: { lexical: 1, dense: 1 },
      lexicalReference: 0,
      denseNormalisation: 'z-score',
    });
    expect(fused.get(1)).toBeCloseTo(-1, 12);
    expect(fused.get(2)).toBeCloseTo(1, 12);
  });

  test('floor normalisation maps the list’s lowest cosine to 0 and a perfect match to 1', () => {
    const candidates = [
      { id: 1, lexical: 0, dense: 0.2 },
      { id: 2, lexical: 0, dense: 0.6 },
      { id: 3, lexical: 0, dense: undefined },
    ];
    const fuse = (denseNormalisation: 'floor' | 'min-max') =>
      fuseScores({ candidates, weights: { lexical: 0, dense: 1 }, lexicalReference: 0, denseNormalisation });
    const floor = fuse('floor');
    expect(floor.get(1)).toBeCloseTo(0, 12);
    // Weak matches stay weak: 0.6 is half-way from the floor to 1, where min-max would make it the best (1).
    expect(floor.get(2)).toBeCloseTo(0.5, 12);
    expect(floor.get(3)).toBeCloseTo(0, 12);
    expect(fuse('min-max').get(2)).toBeCloseTo(1, 12);
  });
});
