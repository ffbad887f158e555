import { describe, expect, test } from 'vitest';
import { asksForQuantity, questionTerms, scoreSentences } from '../../src/answer/score-sentences.js';
import type { Chunk } from '../../src/domain.js';
import { createSampleIndex, sampleChunks } from './sample-chunks.js';

describe('questionTerms', () => {
  test('drops meta words when topical terms remain, and weighs rare terms higher', async () => {
    const index = await createSampleIndex();
    const terms = questionTerms(index, 'At what timestamp in the episode does Felix discuss local machines?');
    expect([...terms.keys()]).toStrictEqual(['felix', 'local', 'machine']);
    expect(questionTerms(index, 'What time?').size).toBe(1);
  });
});

describe('scoreSentences', () => {
  test('coverage is the IDF share of question terms in the sentence; chunk and speaker terms count partly', async () => {
    const index = await createSampleIndex();
    const felix = sampleChunks[4]!;
    const scored = scoreSentences({ question: 'Felix laptop memory', hits: [{ chunk: felix, score: 1 }], index });
    const quotes = scored.map((entry) => [felix.text.slice(entry.sentence.start, entry.sentence.end), entry.coverage]);
    expect(quotes[0]).toStrictEqual(['I still buy a laptop with a lot of memory.', 1]);
    expect(quotes[1]?.[1]).toBeGreaterThan(0.35);
    expect(quotes[1]?.[1]).toBeLessThan(1);
  });

  test('a question in the transcript ranks below a statement with the same words', async () => {
    const chunk: Chunk = {
      ...sampleChunks[0]!,
      chunkId: 'q#0',
      text: 'Why do world models need action in the world? World models need action in the world to learn.',
    };
    const index = await createSampleIndex([chunk]);
    const scored = scoreSentences({ question: 'Why do world models need action?', hits: [{ chunk, score: 1 }], index });
    expect(scored.map((entry) => chunk.text.slice(entry.sentence.start, entry.sentence.end))).toStrictEqual([
      'World models need action in the world to learn.',
      'Why do world models need action in the world?',
    ]);
    const asking = scoreSentences({
      question: 'When does he ask why world models need action?',
      hits: [{ chunk, score: 1 }],
      index,
    });
    expect(chunk.text.slice(asking[0]!.sentence.start, asking[0]!.sentence.end)).toBe(
      'Why do world models need action in the world?',
    );
  });
});

describe('asksForQuantity', () => {
  test.each([
    ['How much hands-on time did David spend?', true],
    ['How many episodes mention Runway?', true],
    ['What does the Pro tier cost?', true],
    ['What score did Leanstral get?', true],
    ['How does Felix triage crash reports?', false],
    ['What is the story behind the name?', false],
  ])('%s → %s', (question, expected) => {
    expect(asksForQuantity(question)).toBe(expected);
  });
});
