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

  test('pruned top-k search returns exactly what scoring every document does, ties and filters included', () => {
    // Zipf-like word frequencies, so queries mix words in most documents with rare ones (where pruning acts),
    // and every tenth document repeats an earlier one (exact score ties, broken by the earlier document).
    let seed = 11;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const word = () => `w${Math.floor(2000 ** random()).toString(36)}q`;
    const texts: string[] = [];
    for (let document = 0; document < 6000; document++) {
      texts.push(
        document % 10 === 9
          ? texts[Math.floor(random() * document)]!
          : Array.from({ length: 5 + Math.floor(random() * 40) }, word).join(' '),
      );
    }
    const corpus = Bm25Index.build(texts);
    const byScoringEach = (terms: string[], k: number, accept?: (document: number) => boolean) =>
      texts
        .map((_, document) => ({ document, score: corpus.score(terms, document) }))
        .filter((match) => match.score > 0 && (!accept || accept(match.document)))
        .sort((left, right) => right.score - left.score || left.document - right.document)
        .slice(0, k)
        .map((match) => match.document);
    let compared = 0;
    for (let query = 0; query < 60; query++) {
      const terms = tokenize(Array.from({ length: 1 + Math.floor(random() * 8) }, word).join(' '));
      for (const k of [1, 10, 100]) {
        for (const accept of [undefined, (document: number) => document % 3 !== 0]) {
          const pruned = corpus.search(terms, { k, accept });
          expect(pruned.map((match) => match.document)).toStrictEqual(byScoringEach(terms, k, accept));
          expect(corpus.searchExhaustive(terms, { k, accept })).toStrictEqual(
            pruned.map((match) => ({ document: match.document, score: expect.closeTo(match.score, 9) })),
          );
          compared++;
        }
      }
    }
    expect(compared).toBe(360);
  });
});

describe('Bm25Index.contains and documentLength', () => {
  test('say which documents hold a term and how many terms each has', () => {
    const texts = ['cassava photos from Tanzania', 'language models', 'photos of photos', 'the a an'];
    const index = Bm25Index.build(texts);
    const photo = tokenize('photos')[0]!;
    expect([0, 1, 2, 3].map((document) => index.contains(photo, document))).toStrictEqual([true, false, true, false]);
    expect(index.contains('nowhere', 0)).toBe(false);
    expect(index.contains(photo, 99)).toBe(false);
    expect([0, 1, 2, 3].map((document) => index.documentLength(document))).toStrictEqual(
      texts.map((text) => tokenize(text).length),
    );
    expect(index.documentLength(3)).toBe(0);
    expect(index.documentLength(99)).toBe(0);
  });

  test('agree with a plain scan on many documents (the binary search)', () => {
    const texts = Array.from({ length: 300 }, (_, document) =>
      document % 7 === 0 || document % 11 === 3 ? 'rare word' : 'common text',
    );
    const index = Bm25Index.build(texts);
    const rare = tokenize('rare')[0]!;
    const holding = texts.flatMap((text, document) => (text.startsWith('rare') ? [document] : []));
    expect(texts.map((_, document) => index.contains(rare, document))).toStrictEqual(
      texts.map((_, document) => holding.includes(document)),
    );
  });
});
