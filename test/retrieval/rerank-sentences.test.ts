import { describe, expect, test } from 'vitest';
import { rankSentences } from '../../src/retrieval/rerank-sentences.js';
import { timeAtOffset } from '../../src/util/time-label.js';
import { makeChunk } from './chunk-factory.js';

describe('rankSentences', () => {
  const first = makeChunk({
    episodeId: 'moon',
    ordinal: 4,
    speaker: 'Fan-yun Sun',
    start: 1230,
    end: 1290,
    anchors: [
      { offset: 0, seconds: 1230, approximate: false },
      { offset: 60, seconds: 1245, approximate: false },
    ],
    text: 'We wanted a demo people would enjoy. So we prompted it to create a bowling game with pins.',
  });
  const second = makeChunk({
    episodeId: 'moon',
    ordinal: 9,
    speaker: 'Chris Manning',
    text: 'Games are a good test bed for world models. The renderer restyles the world.',
  });

  test('the sentence with the rare question terms wins, with its own offset and time', () => {
    const ranked = rankSentences('What game did they prompt it to create, bowling?', [
      { chunk: second, score: 1 },
      { chunk: first, score: 0.8 },
    ]);
    const [best] = ranked;
    expect(best?.text).toBe('So we prompted it to create a bowling game with pins.');
    expect(best?.offset).toBe(37);
    expect(best?.hitRank).toBe(1);
    expect(best?.speaker).toBe('Fan-yun Sun');
    expect(timeAtOffset(first, best!.offset)).toStrictEqual({ seconds: 1230 + (37 / 60) * 15, approximate: true });
  });

  test('short filler sentences are skipped and limit bounds the list', () => {
    const chunk = makeChunk({
      episodeId: 'x',
      ordinal: 0,
      text: 'Yeah. Right. The bowling game was the demo we built.',
    });
    const ranked = rankSentences('bowling demo', [{ chunk, score: 1 }], { limit: 5 });
    expect(ranked.map((sentence) => sentence.text)).toStrictEqual(['The bowling game was the demo we built.']);
  });

  test('the chunk score breaks ties between equally matching sentences', () => {
    const weak = makeChunk({ episodeId: 'a', ordinal: 0, text: 'The renderer restyles every frame here.' });
    const strong = makeChunk({ episodeId: 'b', ordinal: 0, text: 'The renderer restyles every frame there.' });
    const ranked = rankSentences('renderer restyles', [
      { chunk: strong, score: 2 },
      { chunk: weak, score: 1 },
    ]);
    expect(ranked.map((sentence) => sentence.chunk.episodeId)).toStrictEqual(['b', 'a']);
    expect(ranked[0]!.score - ranked[1]!.score).toBeCloseTo(0.3 * 0.5, 12);
  });

  test('a "when" question prefers a timed sentence over a better-matching untimed one', () => {
    const notes = makeChunk({
      episodeId: 'n',
      ordinal: 0,
      kind: 'shownotes',
      speaker: null,
      start: null,
      end: null,
      anchors: [],
      text: 'Chapters: Chris Manning lays out his disagreement with LeCun.',
    });
    const talk = makeChunk({
      episodeId: 'n',
      ordinal: 3,
      start: 893,
      text: 'There are philosophical differences with LeCun here.',
    });
    const hits = [
      { chunk: notes, score: 1 },
      { chunk: talk, score: 0.9 },
    ];
    expect(rankSentences('When does Chris Manning lay out his disagreement with LeCun?', hits)[0]?.chunk.chunkId).toBe(
      'n#3',
    );
    expect(rankSentences('Does Chris Manning lay out his disagreement with LeCun?', hits)[0]?.chunk.chunkId).toBe(
      'n#0',
    );
  });
});
