import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { buildCitation, createMarkerRewriter, mediaUrlAt, renumberCitations } from '../../src/answer/citations.js';
import type { Citation } from '../../src/domain.js';
import { BOWLING_SECOND_SENTENCE, BOWLING_TEXT, BOWLING_THIRD_SENTENCE, sampleChunks } from './sample-chunks.js';

const bowlingChunk = sampleChunks[1]!;
const manifest = {
  episodes: [
    {
      episodeId: 'moonlake',
      title: 'Moonlake',
      date: null,
      durationSeconds: null,
      url: 'https://example.com/moonlake.mp3',
      timestamps: 'exact' as const,
      chunks: 3,
      contentHash: 'x',
      source: 'memory',
      chapters: [],
    },
  ],
};

function source(n: number): Citation {
  return {
    n,
    chunkId: `chunk#${n}`,
    episodeId: 'episode',
    episodeTitle: 'Episode',
    speaker: null,
    start: n,
    end: n + 1,
    timestampLabel: `00:0${n}`,
    approximate: false,
    url: null,
    quote: `quote ${n}`,
  };
}

describe('buildCitation', () => {
  test('quotes the span verbatim and times it at the span, not the chunk', () => {
    const end = BOWLING_TEXT.indexOf('scoring.') + 'scoring.'.length;
    const citation = buildCitation({
      n: 2,
      chunk: bowlingChunk,
      span: { start: BOWLING_SECOND_SENTENCE, end },
      manifest,
    });
    const between = BOWLING_THIRD_SENTENCE - BOWLING_SECOND_SENTENCE;
    expect(citation).toStrictEqual({
      n: 2,
      chunkId: 'moonlake#1',
      episodeId: 'moonlake',
      episodeTitle: 'Moonlake: Causal World Models',
      speaker: 'Fan-yun Sun',
      start: 1245,
      end: 1245 + (7 * (between - 1)) / between,
      timestampLabel: '20:45',
      approximate: false,
      url: 'https://example.com/moonlake.mp3#t=1245',
      quote: 'So okay it prompted to create a bowling game with pins falling and scoring.',
      kind: 'transcript',
    });
  });

  test('a span between anchors is approximate and its time interpolated', () => {
    const citation = buildCitation({
      n: 1,
      chunk: bowlingChunk,
      span: { start: BOWLING_TEXT.indexOf('bowling'), end: BOWLING_TEXT.indexOf(' with pins') },
      manifest,
      speaker: 'Someone Else',
    });
    const ratio =
      (BOWLING_TEXT.indexOf('bowling') - BOWLING_SECOND_SENTENCE) / (BOWLING_THIRD_SENTENCE - BOWLING_SECOND_SENTENCE);
    expect([citation.quote, citation.start, citation.approximate, citation.speaker]).toStrictEqual([
      'bowling game',
      1245 + ratio * 7,
      true,
      'Someone Else',
    ]);
    expect(citation.url).toBe(`https://example.com/moonlake.mp3#t=${Math.floor(1245 + ratio * 7)}`);
  });

  test('no episode URL gives a null url', () => {
    const citation = buildCitation({
      n: 1,
      chunk: bowlingChunk,
      span: { start: 0, end: 2 },
      manifest: { episodes: [] },
    });
    expect(citation.url).toBeNull();
  });

  test('rejects a span outside the chunk', () => {
    expect(() =>
      buildCitation({ n: 1, chunk: bowlingChunk, span: { start: 5, end: BOWLING_TEXT.length + 1 }, manifest }),
    ).toThrow(RangeError);
    expect(() => buildCitation({ n: 1, chunk: bowlingChunk, span: { start: 5, end: 5 }, manifest })).toThrow(
      RangeError,
    );
  });
});

describe('mediaUrlAt', () => {
  test.each([
    ['https://a.example/e.mp3', 61.9, 'https://a.example/e.mp3#t=61'],
    ['https://a.example/e.mp3#t=5', 10, 'https://a.example/e.mp3#t=10'],
    ['https://a.example/e.mp3', null, 'https://a.example/e.mp3'],
    [null, 10, null],
  ])('%s at %s → %s', (url, seconds, expected) => {
    expect(mediaUrlAt(url, seconds)).toBe(expected);
  });
});

describe('renumberCitations', () => {
  const sources = [source(1), source(2), source(3)];

  test('drops markers naming no source and renumbers in order of first use', () => {
    const result = renumberCitations({ text: 'A [3]. B [9]. C [1, 3] and [7, 2]. D [2][3].', sources });
    expect(result.text).toBe('A [1]. B. C [2, 1] and [3]. D [3][1].');
    expect(result.citations).toStrictEqual([
      { ...source(3), n: 1 },
      { ...source(1), n: 2 },
      { ...source(2), n: 3 },
    ]);
  });

  test('a removed marker mid-sentence leaves one space', () => {
    expect(renumberCitations({ text: 'Claim [0] goes on [1]', sources }).text).toBe('Claim goes on [1]');
  });

  test('text without markers cites nothing', () => {
    expect(renumberCitations({ text: 'No [sources] here.', sources })).toStrictEqual({
      text: 'No [sources] here.',
      citations: [],
    });
  });
});

describe('createMarkerRewriter', () => {
  const sources = [source(1), source(2), source(3)];
  const text = 'Felix says local machines matter [2]. He buys laptops [9]. Both [3, 2] [1][4] agree [x].';

  test('streamed one character at a time, it yields the same text as renumbering the whole', () => {
    const rewriter = createMarkerRewriter(sources);
    let output = '';
    for (const character of text) output += rewriter.push(character);
    output += rewriter.flush();
    expect(output).toBe(renumberCitations({ text, sources }).text);
    expect(output).toBe('Felix says local machines matter [1]. He buys laptops. Both [2, 1] [3] agree [x].');
    expect(rewriter.citations()).toStrictEqual(renumberCitations({ text, sources }).citations);
  });

  test('any split of any text into deltas gives the whole-text result', () => {
    const piece = fc.constantFrom('[', ']', '1', '2', '9', ',', ' ', 'a', '.', '\n');
    fc.assert(
      fc.property(
        fc.array(
          fc.array(piece, { maxLength: 6 }).map((parts) => parts.join('')),
          { maxLength: 12 },
        ),
        (deltas) => {
          const rewriter = createMarkerRewriter(sources);
          const output = deltas.map((delta) => rewriter.push(delta)).join('') + rewriter.flush();
          expect(output).toBe(renumberCitations({ text: deltas.join(''), sources }).text);
        },
      ),
      { numRuns: 300 },
    );
  });
});
