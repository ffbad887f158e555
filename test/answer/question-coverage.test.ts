import { describe, expect, test } from 'vitest';
import {
  boundedEditDistance,
  buildCorpusVocabulary,
  corpusMentions,
  salientTerms,
  unmentionedTerms,
  unseenWords,
} from '../../src/answer/question-coverage.js';
import { createSampleIndex, sampleChunks } from './sample-chunks.js';

const vocabulary = buildCorpusVocabulary([
  'Welcome to Latent Space. Today Mistral shows the new model, and Runway partners joined.',
  'We trained it on mini F2F problems and the Gen 4 release notes. Leanstral proves theorems on one GPU.',
]);

describe('salientTerms', () => {
  test('keeps names, mixed letter-digit tokens and inner capitals; skips the first word and stopwords', () => {
    expect(
      salientTerms('What did Runway say about Gen-4 and miniF2F? Which TTS model beat OpenAI, and did The team agree?'),
    ).toStrictEqual([
      { surface: 'Runway', words: ['runway'] },
      { surface: 'Gen-4', words: ['gen', '4'] },
      { surface: 'miniF2F', words: ['minif2f'] },
      { surface: 'TTS', words: ['tts'] },
      { surface: 'OpenAI', words: ['openai'] },
    ]);
  });

  test('a question with no names has no salient terms', () => {
    expect(salientTerms('How much venture funding did the seed round raise?')).toStrictEqual([]);
  });
});

describe('buildCorpusVocabulary', () => {
  test('pairs are neighbouring words written together, in order, within one text', () => {
    expect(vocabulary.hasPair('minif2f')).toBe(true);
    expect(vocabulary.hasPair('gen4')).toBe(true);
    expect(vocabulary.hasPair('latentspace')).toBe(true);
    // The same words, but not side by side, in the other order, or across two texts.
    expect(vocabulary.hasPair('mistralmodel')).toBe(false);
    expect(vocabulary.hasPair('4gen')).toBe(false);
    expect(vocabulary.hasPair('joinedwe')).toBe(false);
    expect(vocabulary.hasPair('g')).toBe(false);
  });
});

describe('corpusMentions', () => {
  test.each([
    ['Mistral', ['mistral'], true],
    // One edit away from a word the corpus says: a typo or a transcription variant, not a new name.
    ['Mistrall', ['mistrall'], true],
    ['Latnt', ['latnt'], true],
    // Compounds: side by side in the corpus ("Gen 4") or joined ("mini F2F" → "minif2f").
    ['Gen-4', ['gen', '4'], true],
    ['miniF2F', ['minif2f'], true],
    ['Gen-5', ['gen', '5'], false],
    // A plural the stemmer leaves alone still finds its singular.
    ['GPUs', ['gpus'], true],
    ['Voxtral', ['voxtral'], false],
    // Short words must match exactly: "Gen" is not "Geo".
    ['Geo', ['geo'], false],
  ])('%s → %s', (surface, words, expected) => {
    expect(corpusMentions(vocabulary, { surface, words })).toBe(expected);
  });
});

describe('boundedEditDistance', () => {
  test('counts edits up to the limit and gives up past it', () => {
    expect([
      boundedEditDistance('latent', 'latent', 2),
      boundedEditDistance('lean', 'latent', 2),
      boundedEditDistance('mistral', 'misra', 2),
      boundedEditDistance('kitten', 'sitting', 2),
    ]).toStrictEqual([0, 3, 2, 3]);
  });
});

describe('hasNearWord', () => {
  test('finds words within the limit, also when characters share a bit of the prefilter, and no others', () => {
    // '0' and 'p' share a bit of the character mask (codes 48 and 112 agree mod 32).
    const vocabulary = buildCorpusVocabulary(['p5000 transcript', 'kitten']);
    expect([
      vocabulary.hasNearWord('05000', 1),
      vocabulary.hasNearWord('transcipt', 1),
      vocabulary.hasNearWord('trnscipt', 1),
      vocabulary.hasNearWord('trnscipt', 2),
      vocabulary.hasNearWord('sitting', 2),
      vocabulary.hasNearWord('sittin', 2),
    ]).toStrictEqual([true, true, false, true, false, true]);
  });
});

describe('unmentionedTerms', () => {
  test('names the terms the index never says, as written, once each', async () => {
    const index = await createSampleIndex();
    expect(
      unmentionedTerms({ question: "What did Runway's founders say about Gen-4 on Moonlake? Did Runway ship?", index }),
    ).toStrictEqual(['Runway', 'Gen-4']);
  });

  test('names the index does say, with a typo, are not reported', async () => {
    const index = await createSampleIndex();
    expect(unmentionedTerms({ question: 'What game did Moonlaek build for Fan-yun Sun?', index })).toStrictEqual([]);
  });
});

describe('unseenWords', () => {
  test('content words the index never says, matched exactly (no fuzzy matching for ordinary words)', async () => {
    const index = await createSampleIndex();
    expect(unseenWords({ question: 'What is the recipe for sourdough bowling?', index })).toStrictEqual({
      unseen: ['recipe', 'sourdough'],
      total: 3,
    });
  });
});

/** Forty copies of the sample chunks, so a vocabulary build takes several 0 ms slices. */
function manyChunks() {
  return Array.from({ length: 40 }, (_, copy) =>
    sampleChunks.map((chunk) => ({
      ...chunk,
      chunkId: `${chunk.chunkId}-${copy}`,
      ordinal: chunk.ordinal + copy * 100,
    })),
  ).flat();
}

describe('IndexTables.prepare (the coverage vocabulary)', () => {
  test('builds the same vocabulary as vocabulary() on first use while letting other work run between slices', async () => {
    const chunks = manyChunks();
    const index = await createSampleIndex(chunks);
    const reference = (await createSampleIndex(chunks)).vocabulary();
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 0);
    await index.prepare({ sliceMs: 0 });
    clearInterval(ticker);
    expect(ticks).toBeGreaterThan(1);
    const prepared = index.vocabulary();
    expect([...prepared.words].sort()).toStrictEqual([...reference.words].sort());
    expect(prepared.pairCount).toBe(reference.pairCount);
  });

  test('a question asked while the build is under way finishes that build instead of starting another', async () => {
    const chunks = manyChunks();
    const index = await createSampleIndex(chunks);
    const preparing = index.prepare({ sliceMs: 0 });
    await new Promise((resolve) => setImmediate(resolve));
    const duringBuild = index.vocabulary();
    await preparing;
    expect(index.vocabulary()).toBe(duringBuild);
    const reference = (await createSampleIndex(chunks)).vocabulary();
    expect([...duringBuild.words].sort()).toStrictEqual([...reference.words].sort());
    expect(duringBuild.pairCount).toBe(reference.pairCount);
  });
});
