import { describe, expect, test } from 'vitest';
import { firstRelevantRank, mean, meanReciprocalRank, percentile, recallAt, share } from '../../src/eval/metrics.js';
import { keywordRecall } from '../../src/eval/run-eval.js';

describe('retrieval metrics on a toy run', () => {
  // Four questions: gold at rank 1, rank 3, rank 7, and never retrieved.
  const ranks = [1, 3, 7, null];

  test('recall@k', () => {
    expect([recallAt(ranks, 1), recallAt(ranks, 5), recallAt(ranks, 10)]).toStrictEqual([0.25, 0.5, 0.75]);
  });

  test('MRR@10 and a cut-off that drops rank 7', () => {
    expect(meanReciprocalRank(ranks, 10)).toBeCloseTo((1 + 1 / 3 + 1 / 7 + 0) / 4, 12);
    expect(meanReciprocalRank(ranks, 5)).toBeCloseTo((1 + 1 / 3) / 4, 12);
  });

  test('first relevant rank', () => {
    expect(firstRelevantRank([false, false, true, true])).toBe(3);
    expect(firstRelevantRank([false, false])).toBeNull();
    expect(firstRelevantRank([false, true], 1)).toBeNull();
  });

  test('empty runs', () => {
    expect([recallAt([], 5), meanReciprocalRank([]), share([]), mean([]), percentile([], 50)]).toStrictEqual([
      0,
      0,
      null,
      null,
      null,
    ]);
  });
});

describe('summary statistics', () => {
  test('nearest-rank percentiles', () => {
    const values = [40, 10, 30, 20, 50, 60, 70, 80, 90, 100];
    expect([percentile(values, 50), percentile(values, 95), percentile(values, 0)]).toStrictEqual([50, 100, 10]);
  });

  test('share and mean', () => {
    expect(share([true, false, true, true])).toBe(0.75);
    expect(mean([1, 0.5, 0])).toBe(0.5);
  });

  test('keyword recall matches whole words after normalisation', () => {
    expect(keywordRecall('Dreamer Purple — same as Latent Space’s [1]', ['purple', 'latent space'])).toBe(1);
    expect(keywordRecall('It starts at 14:53 [1]', ['14', '53'])).toBe(1);
    expect(keywordRecall('It took 159 minutes', ['15', 'minutes'])).toBe(0.5);
  });
});
