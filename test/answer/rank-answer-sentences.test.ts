import { expect, test } from 'vitest';
import { rankAnswerSentences } from '../../src/answer/rank-answer-sentences.js';
import { scoreSentences } from '../../src/answer/score-sentences.js';
import type { Chunk } from '../../src/domain.js';
import { createSampleIndex, sampleChunks } from './sample-chunks.js';

test('a bare "Yes." after a matching host question inherits little of its score', async () => {
  const asked: Chunk = {
    ...sampleChunks[0]!,
    chunkId: 'moonlake#6',
    ordinal: 6,
    speaker: 'swyx',
    speakers: ['swyx', 'Fan-yun Sun'],
    text: 'swyx: Can the renderer restyle a world into other styles? Fan-yun Sun: Yes.',
  };
  const index = await createSampleIndex([...sampleChunks, asked]);
  const asking = 'Can the renderer restyle a world into other styles?';
  const scored = scoreSentences({ question: asking, hits: [{ chunk: asked, score: 1 }], index });
  const ranked = rankAnswerSentences({ scored, question: asking, type: 'what', index });
  const texts = ranked.map((entry) => asked.text.slice(entry.sentence.start, entry.sentence.end));
  expect(texts).toStrictEqual(['Can the renderer restyle a world into other styles?', 'Yes.']);
  // A reply inherits 0.9 of the question's score, scaled by its length up to six words: 1 of 6 here.
  const question = scored.find((entry) => entry.sentence.index === 0)!;
  expect(ranked[1]!.score).toBeCloseTo((0.9 * question.score) / 6, 10);
});
