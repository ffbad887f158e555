import { describe, expect, test } from 'vitest';
import { normalizeForMatch } from '../../src/eval/normalize-for-match.js';
import { chunkContainsQuote, quoteVariants, spansBoundary } from '../../src/eval/quote-matching.js';

describe('normalizeForMatch', () => {
  test('folds typographic quotes, dashes, ellipses, whitespace and case', () => {
    expect(normalizeForMatch('  That’s “Dreamer\u00a0Purple” —\n really…  ')).toBe(
      'that\'s "dreamer purple" - really...',
    );
  });
});

describe('chunkContainsQuote', () => {
  const chunk = {
    text: 'So it ended up being Moon Lake,   partly because of the DreamWorks vibe. The reflection part too.',
  };

  test.each([
    ['exact words', 'it ended up being Moon Lake', true],
    ['case and whitespace differ', 'IT ENDED UP being moon lake, partly', true],
    ['typographic apostrophe in the quote', 'the DreamWorks vibe. The reflection part too', true],
    ['words not in the chunk', 'it ended up being Sun Lake', false],
  ])('%s', (_name, quote, expected) => {
    expect(chunkContainsQuote({ quote, chunk })).toBe(expected);
  });

  test('apostrophes match in either typography', () => {
    expect(chunkContainsQuote({ quote: "that's right", chunk: { text: 'Yes, that’s right.' } })).toBe(true);
    expect(chunkContainsQuote({ quote: 'that’s right', chunk: { text: "Yes, that's right." } })).toBe(true);
  });

  test('a leading "Speaker Name: " may be stripped', () => {
    const single = { text: 'That’s right. Dreamer Purple.' };
    expect(chunkContainsQuote({ quote: 'David Singleton: That’s right. Dreamer Purple.', chunk: single })).toBe(true);
    const grouped = { text: 'swyx: Same colour? David Singleton: That’s right. Dreamer Purple.' };
    expect(chunkContainsQuote({ quote: 'David Singleton: That’s right. Dreamer Purple.', chunk: grouped })).toBe(true);
    expect(quoteVariants('17:56 Enterprise Deployment')).toStrictEqual(['17:56 enterprise deployment']);
  });

  test('a quote split across two adjacent chunks counts for either', () => {
    const left = { text: 'We put lots of facts into a vector' };
    const right = { text: 'database with embeddings. It was too complex.' };
    const quote = 'facts into a vector database with embeddings';
    expect(chunkContainsQuote({ quote, chunk: left, next: right })).toBe(true);
    expect(chunkContainsQuote({ quote, chunk: right, previous: left })).toBe(true);
    expect(chunkContainsQuote({ quote, chunk: left })).toBe(false);
    // Adjacent, but the words do not continue across the boundary.
    expect(chunkContainsQuote({ quote, chunk: left, next: { text: 'It was too complex.' } })).toBe(false);
    // The neighbour in the wrong direction does not help.
    expect(chunkContainsQuote({ quote, chunk: right, next: left })).toBe(false);
  });

  test('overlapping chunks that repeat the end of the previous one still match across the boundary', () => {
    expect(
      spansBoundary({
        quote: 'into a vector database with embeddings',
        left: 'lots of facts into a vector',
        right: 'a vector database with embeddings here',
      }),
    ).toBe(true);
    expect(spansBoundary({ quote: 'vector store', left: 'a vector', right: 'a shop' })).toBe(false);
  });
});
