import { describe, expect, test } from 'vitest';
import { splitWords, stem, tokenize, tokenizeQuery } from '../../src/retrieval/tokenize.js';

describe('tokenize', () => {
  test('lower-cases, drops stopwords and stems', () => {
    expect(tokenize('What did Felix say about the Skills?')).toStrictEqual(['felix', 'skill']);
  });

  test('folds typographic apostrophes and possessives', () => {
    expect(splitWords('Don’t touch Anthropic’s models')).toStrictEqual(['dont', 'touch', 'anthropic', 'models']);
    expect(tokenize("Anthropic's model")).toStrictEqual(tokenize('Anthropic’s models'));
  });

  test('keeps numbers and non-Latin letters as words', () => {
    expect(tokenize('GPT-4 cost $10,000 in 2024 — café')).toStrictEqual([
      'gpt',
      '4',
      'cost',
      '10',
      '000',
      '2024',
      'café',
    ]);
  });

  test('returns nothing for stopwords and punctuation only', () => {
    expect(tokenize('and so, what is it?')).toStrictEqual([]);
  });
});

describe('stem', () => {
  test.each([
    ['models', 'model'],
    ['stories', 'story'],
    ['demoing', 'demo'],
    ['running', 'run'],
    ['installed', 'install'],
    ['processes', 'process'],
    ['finishes', 'finish'],
    ['matches', 'match'],
    ['boxes', 'box'],
    ['class', 'class'],
    ['focus', 'focus'],
    ['cats', 'cat'],
    ['gpt', 'gpt'],
    ['2020s', '2020s'],
    // "founded" is a form of "founder", not of "found" (the past of "find").
    ['founded', 'founder'],
    ['founding', 'founder'],
    ['founders', 'founder'],
    ['finding', 'find'],
    ['vs', 'versus'],
  ])('%s → %s', (word, expected) => {
    expect(stem(word)).toBe(expected);
  });
});

describe('tokenizeQuery', () => {
  test('drops the words that only frame a question about a podcast', () => {
    expect(tokenizeQuery('When does David start talking about the conference app in this episode?')).toStrictEqual([
      'david',
      'conference',
      'app',
    ]);
  });

  test('keeps framing words when nothing else is left', () => {
    expect(tokenizeQuery('Which episode?')).toStrictEqual(['episode']);
  });
});
