import { describe, expect, test } from 'vitest';
import type { Answerer, ChatAnswer, Citation } from '../../src/domain.js';
import { createGoldMatcher, goldTimes } from '../../src/eval/gold-matcher.js';
import { parseQaSet } from '../../src/eval/qa-set.js';
import { runEval } from '../../src/eval/run-eval.js';
import { makeChunk } from '../retrieval/chunk-factory.js';
import { HashingEmbeddings } from '../support/hashing-embeddings.js';
import { createInMemoryIndex } from '../support/in-memory-index.js';

const chunks = [
  makeChunk({
    episodeId: 'moon',
    episodeTitle: 'Moonlake — world models',
    ordinal: 0,
    text: 'We built a bowling game demo with falling pins.',
  }),
  makeChunk({
    episodeId: 'moon',
    episodeTitle: 'Moonlake — world models',
    ordinal: 1,
    text: 'The renderer restyles the world into photorealistic',
  }),
  makeChunk({
    episodeId: 'moon',
    episodeTitle: 'Moonlake — world models',
    ordinal: 2,
    text: 'styles while keeping it interactive.',
  }),
  makeChunk({
    episodeId: 'dream',
    episodeTitle: 'Dreamer — agents',
    ordinal: 0,
    start: 600,
    text: 'Every agent gets a SQLite database spun up on demand.',
  }),
];

const qaSet = parseQaSet(
  [
    {
      id: 'a',
      kind: 'factual',
      question: 'What game was the bowling demo?',
      evidence: [{ episode: 'Moonlake — world models', quote: 'a bowling game demo' }],
      keywords: ['bowling'],
    },
    {
      id: 'b',
      kind: 'factual',
      question: 'What does the renderer do to styles?',
      evidence: [{ episode: 'moonlake — WORLD models', quote: 'restyles the world into photorealistic styles' }],
      keywords: ['photorealistic', 'missing'],
    },
    {
      id: 'c',
      kind: 'when',
      question: 'When does the database come up?',
      evidence: [{ episode: 'Dreamer — agents', timestamp: '00:10:20', quote: 'SQLite database spun up' }],
      keywords: [],
    },
    { id: 'd', kind: 'unanswerable', question: 'How much funding was raised?', evidence: [], keywords: [] },
  ]
    .map((item) => JSON.stringify(item))
    .join('\n'),
);

/** Answers every question with a citation of chunk `dream#0` at 600 s, and abstains on "funding". */
function scriptedAnswerer(): Answerer {
  const citation: Citation = {
    n: 1,
    chunkId: 'dream#0',
    episodeId: 'dream',
    episodeTitle: 'Dreamer — agents',
    speaker: 'Host',
    start: 600,
    end: 630,
    timestampLabel: '10:00',
    approximate: false,
    url: null,
    quote: 'Every agent gets a SQLite database',
  };
  return {
    mode: 'extractive',
    async *answer(request) {
      const abstain = request.message.includes('funding');
      const answer: ChatAnswer = abstain
        ? { answer: 'Not covered.', answerable: false, mode: 'extractive', citations: [] }
        : { answer: 'It was a bowling game [1].', answerable: true, mode: 'extractive', citations: [citation] };
      yield { type: 'end', answer };
    },
  };
}

describe('runEval', () => {
  test('scores retrieval and answers on a toy index with known answers', async () => {
    const embeddings = new HashingEmbeddings();
    const index = await createInMemoryIndex({ chunks, embeddings });
    const report = await runEval({
      items: qaSet,
      index,
      embeddings,
      modes: ['lexical'],
      answerers: [{ name: 'scripted', create: () => scriptedAnswerer() }],
    });
    expect([report.questions, report.answerable, report.unanswerable, report.unknownTitles]).toStrictEqual([
      4,
      3,
      1,
      [],
    ]);
    const [lexical] = report.retrieval;
    expect(lexical?.perQuestion.map((result) => [result.id, result.rank])).toStrictEqual([
      ['a', 1],
      ['b', 1],
      ['c', 1],
    ]);
    expect([lexical?.recallAt1, lexical?.mrrAt10]).toStrictEqual([1, 1]);
    const [answers] = report.answers;
    // The answer text mentions bowling only: a 1/1, b 0/2, c has no keywords. Citations: dream#0 is gold only for c. c cites 600 s vs gold 620 s.
    expect(answers?.keywordRecall).toBe(0.5);
    expect(answers?.citationHitRate).toBeCloseTo(1 / 3, 12);
    expect(answers?.whenWithin30s).toBe(1);
    expect([answers?.abstention, answers?.falseAbstention]).toStrictEqual([1, 0]);
  });
});

describe('createGoldMatcher', () => {
  test('matches titles loosely, needs the right episode, and honours chunk boundaries', async () => {
    const embeddings = new HashingEmbeddings();
    const matcher = createGoldMatcher(await createInMemoryIndex({ chunks, embeddings }));
    const [, split, when] = qaSet;
    expect(chunks.map((chunk) => matcher.isGold(split!, chunk))).toStrictEqual([false, true, true, false]);
    expect(chunks.map((chunk) => matcher.isGold(when!, chunk))).toStrictEqual([false, false, false, true]);
    const wrongEpisode = {
      ...when!,
      evidence: [{ episode: 'Moonlake — world models', quote: 'SQLite database spun up' }],
    };
    expect(matcher.isGold(wrongEpisode, chunks[3]!)).toBe(false);
    expect(matcher.unknownTitles([{ ...when!, evidence: [{ episode: 'Nope', quote: 'x' }] }])).toStrictEqual(['Nope']);
    expect(goldTimes(when!)).toStrictEqual([620]);
  });
});
