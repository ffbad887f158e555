import { describe, expect, test } from 'vitest';
import { Bm25Index } from '../../src/retrieval/bm25-index.js';
import { tokenize } from '../../src/retrieval/tokenize.js';

const documents = [
  'the cat sat on the mat',
  'dogs chase cats in the park',
  'a cat and another cat and a third cat',
  'stock markets fell sharply today',
  'the dog slept',
];

function okapi(options: { tf: number; df: number; length: number; averageLength: number; n: number }): number {
  const idf = Math.log(1 + (options.n - options.df + 0.5) / (options.df + 0.5));
  return (idf * options.tf * 2.2) / (options.tf + 1.2 * (0.25 + (0.75 * options.length) / options.averageLength));
}

describe('Bm25Index', () => {
  const index = Bm25Index.build(documents);
  // Token counts after stopword removal: [cat sat mat], [dog chase cat park], [cat another cat third cat],
  // [stock market fell sharply today], [dog slept].
  const averageLength = (3 + 4 + 5 + 5 + 2) / 5;

  test('ranks documents by Okapi BM25', () => {
    const ranking = index.search(tokenize('cat'), { k: 10 }).map((match) => match.document);
    expect(ranking).toStrictEqual([2, 0, 1]);
  });

  test('scores match the Okapi formula', () => {
    const [best] = index.search(['cat'], { k: 1 });
    expect(best?.document).toBe(2);
    expect(best?.score).toBeCloseTo(okapi({ tf: 3, df: 3, length: 5, averageLength, n: 5 }), 10);
    expect(index.score(['cat'], 0)).toBeCloseTo(okapi({ tf: 1, df: 3, length: 3, averageLength, n: 5 }), 10);
  });

  test('a rare term outweighs a common one', () => {
    const ranking = index.search(tokenize('cat park'), { k: 10 }).map((match) => match.document);
    expect(ranking).toStrictEqual([1, 2, 0]);
  });

  test('the filter applies inside the search', () => {
    const ranking = index.search(['cat'], { k: 2, accept: (document) => document !== 2 }).map((m) => m.document);
    expect(ranking).toStrictEqual([0, 1]);
  });

  test('score of a single document equals its search score', () => {
    const terms = tokenize('dog in the park');
    for (const match of index.search(terms, { k: 10 })) {
      expect(index.score(terms, match.document)).toBeCloseTo(match.score, 12);
    }
    expect(index.score(terms, 3)).toBe(0);
  });

  test('reference score is the sum of IDFs and unknown terms add nothing', () => {
    const expected = index.inverseDocumentFrequency('cat') + index.inverseDocumentFrequency('park');
    expect(index.referenceScore(['cat', 'park', 'cat', 'zebra'])).toBeCloseTo(expected, 12);
    expect(index.search(['zebra'], { k: 5 })).toStrictEqual([]);
  });

  test('builds and searches an index of 30k documents', () => {
    const vocabulary = Array.from({ length: 5000 }, (_, position) => `word${position.toString(36)}x`);
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const texts = Array.from({ length: 30_000 }, () =>
      Array.from({ length: 20 }, () => vocabulary[Math.floor(random() * vocabulary.length)]).join(' '),
    );
    const big = Bm25Index.build(texts);
    expect(big.documentCount).toBe(30_000);
    expect(big.search([texts[123]!.split(' ')[0]!], { k: 1 }).length).toBe(1);
  });
});
