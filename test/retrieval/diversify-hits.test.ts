import { describe, expect, test } from 'vitest';
import { diversifyHits } from '../../src/retrieval/diversify-hits.js';
import { makeChunk } from './chunk-factory.js';

const hit = (episodeId: string, ordinal: number, score: number) => ({
  chunk: makeChunk({ episodeId, ordinal, text: `${episodeId} ${ordinal}` }),
  score,
});

describe('diversifyHits', () => {
  test('neighbouring chunks of one turn yield to other passages', () => {
    const hits = [hit('a', 5, 1), hit('a', 6, 0.95), hit('a', 4, 0.94), hit('b', 1, 0.9), hit('a', 20, 0.85)];
    const chosen = diversifyHits(hits, { k: 3, neighbourPenalty: 0.85 });
    expect(chosen.map((h) => h.chunk.chunkId)).toStrictEqual(['a#5', 'b#1', 'a#20']);
    expect(chosen.map((h) => h.score)).toStrictEqual([1, 0.9, 0.85]);
  });

  test('a penalty of 1 keeps the input order', () => {
    const hits = [hit('a', 5, 1), hit('a', 6, 0.95), hit('b', 1, 0.9)];
    expect(diversifyHits(hits, { k: 2, neighbourPenalty: 1 })).toStrictEqual(hits.slice(0, 2));
  });

  test('negative scores are discounted, not raised', () => {
    const hits = [hit('a', 1, 0.5), hit('a', 2, -0.1), hit('b', 1, -0.11)];
    expect(diversifyHits(hits, { k: 3, neighbourPenalty: 0.5 }).map((h) => h.chunk.chunkId)).toStrictEqual([
      'a#1',
      'b#1',
      'a#2',
    ]);
  });
});
