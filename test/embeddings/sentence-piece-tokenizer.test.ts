import { readFile } from 'node:fs/promises';
import { Tokenizer } from '@tensorflow-models/universal-sentence-encoder/dist/tokenizer/index.js';
import { beforeAll, describe, expect, test } from 'vitest';
import { SentencePieceTokenizer } from '../../src/embeddings/sentence-piece-tokenizer.js';
import { readUseLiteVocabulary, type UseLiteVocabulary } from '../../src/embeddings/use-lite-files.js';

describe('SentencePieceTokenizer', () => {
  let vocabulary: UseLiteVocabulary;
  let reference: Tokenizer;
  let tokenizer: SentencePieceTokenizer;
  beforeAll(async () => {
    vocabulary = await readUseLiteVocabulary();
    reference = new Tokenizer(vocabulary);
    tokenizer = new SentencePieceTokenizer(vocabulary);
  });

  test('gives the ids of the USE package tokenizer on every line of the bundled corpus', async () => {
    const lines = (await readFile('data/latent-space-episodes.txt', 'utf8')).split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(500);
    const differing = lines.filter(
      (line) => JSON.stringify(tokenizer.encode(line)) !== JSON.stringify(reference.encode(line)),
    );
    expect(differing).toStrictEqual([]);
  });

  test.each([
    ['an empty text', ''],
    ['a lone space', ' '],
    ['runs of spaces', 'two  spaces   and three'],
    ['leading and trailing spaces', '  lead and trail  '],
    ['characters no piece covers', 'emoji 😀😀 and ☃ here'],
    ['compatibility forms NFKC folds', 'ﬁne ｗｉｄｅ ①'],
    ['the word mark itself', '\u2581x \u2581'],
  ])('agrees with the reference on %s', (_name, text) => {
    expect(tokenizer.encode(text)).toStrictEqual(reference.encode(text));
  });

  test('splits a word into the most likely pieces and repeats itself from its cache', () => {
    const first = tokenizer.encode('Unbelievably, tokenization works.');
    expect(first.map((id) => vocabulary[id]![0]).join('')).toBe('▁Unbelievably,▁tokenization▁works.');
    expect(tokenizer.encode('Unbelievably, tokenization works.')).toStrictEqual(first);
  });
});
