import { describe, expect, test } from 'vitest';
import { evidenceSupport, isTermVariant, stretchSupports } from '../../src/answer/answer-evidence.js';
import type { Chunk } from '../../src/domain.js';
import { createSampleIndex, sampleChunks } from './sample-chunks.js';

describe('isTermVariant', () => {
  test.each([
    ['decid', 'decide', true],
    ['build', 'builder', true],
    ['creative', 'creativity', true],
    ['model', 'model', true],
    ['inform', 'information', false],
    ['cat', 'cats', false],
    ['gpt4', 'gpt40', false],
    ['train', 'brain', false],
  ])('%s / %s → %s', (left, right, expected) => {
    expect(isTermVariant(left, right)).toBe(expected);
    expect(isTermVariant(right, left)).toBe(expected);
  });
});

describe('stretchSupports', () => {
  test('finds the question words in another form than the stemmer gives ("decided" for "decide")', async () => {
    const chunk: Chunk = {
      ...sampleChunks[0]!,
      chunkId: 'moonlake#8',
      ordinal: 8,
      text: 'We decided to build the renderer ourselves. It was a long year.',
    };
    const index = await createSampleIndex([...sampleChunks, chunk]);
    const stretches = stretchSupports({ question: 'Why did they decide on a renderer?', chunks: [chunk], index });
    expect(stretches.map((stretch) => [stretch.sentenceIndex, stretch.support])).toStrictEqual([
      [0, 1],
      [1, 1],
    ]);
    expect(evidenceSupport({ question: 'Why did they decide on a renderer?', chunks: [chunk], index })).toStrictEqual({
      support: 1,
      chunk,
    });
  });
});
