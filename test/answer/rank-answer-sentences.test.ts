import { expect, test } from 'vitest';
import { rankAnswerSentences, withoutWhoIsFollowUp } from '../../src/answer/rank-answer-sentences.js';
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

test.each([
  ['Who is David Singleton, and what are they working on?', 'Who is David Singleton?'],
  ['who was Ian Goodfellow and what is his background', 'who was Ian Goodfellow?'],
  ['Who is Pavan and what does he do?', 'Who is Pavan?'],
  // Follow-ups that ask something else stay as asked.
  [
    'Who is Fan-yun Sun, and what did they say about game engines?',
    'Who is Fan-yun Sun, and what did they say about game engines?',
  ],
  ['Who founded Moonlake and what is their background?', 'Who founded Moonlake and what is their background?'],
])('withoutWhoIsFollowUp(%j) is %j', (question, expected) => {
  expect(withoutWhoIsFollowUp(question)).toBe(expected);
});

test('for "Which…?" a sentence that names something ranks above an equal one that names nothing', async () => {
  const chunk: Chunk = {
    ...sampleChunks[0]!,
    chunkId: 'moonlake#7',
    ordinal: 7,
    speaker: 'swyx',
    speakers: ['swyx', 'Fan-yun Sun'],
    text: 'swyx: We export our worlds to a game engine that many people know. Fan-yun Sun: We export our worlds to the Unreal game engine that people know.',
  };
  const index = await createSampleIndex([...sampleChunks, chunk]);
  const rank = (question: string) => {
    const scored = scoreSentences({ question, hits: [{ chunk, score: 1 }], index });
    return rankAnswerSentences({ scored, question, type: 'what', index }).map((entry) => ({
      speaker: entry.sentence.speaker,
    }));
  };
  const which = rank('Which game engine do they export worlds to?');
  expect(which.map((entry) => entry.speaker)).toStrictEqual(['Fan-yun Sun', 'swyx']);
});
