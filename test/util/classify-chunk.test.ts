import { describe, expect, test } from 'vitest';
import { chunkShowNotes } from '../../ingest/chunk-turns.js';
import { classifyChunkText, isQuotableKind } from '../../src/util/classify-chunk.js';

describe('classifyChunkText', () => {
  test.each([
    [
      'a chapter list',
      '00:00 Benchmarking Gets Hard\n00:47 Meet Moonlake Founders\n01:26 Why Build World Models',
      'chapters',
    ],
    ['the one-line tail of a split list', '54:23 NLP Roots Hiring And Moon Lake Name', 'chapters'],
    [
      'a list glued into one line',
      '00:00 Intro 00:47 Meet the founders 01:26 Why world models 03:12 Structure',
      'chapters',
    ],
    ['bracketed times', '[00:00] Welcome\n[05:39] Flow matching for audio\n[17:56] Enterprise deployment', 'chapters'],
    [
      'links',
      'Felix Rieseberg\n* X: https://x.com/felixrieseberg\n* GitHub: https://github.com/felixrieseberg',
      'promo',
    ],
    [
      'a sponsor read',
      'This episode is brought to you by Acme Cloud. Use code PODCITE for 20% off your first month.',
      'promo',
    ],
    [
      'prose that mentions a time',
      'At 12:30 in the episode Heather explains why the datasets are boring, and it is the best part.',
      'shownotes',
    ],
    ['ordinary notes', 'Materials science is the unsung hero of the science world.', 'shownotes'],
  ] as const)('show notes: %s → %s', (_name, text, kind) => {
    expect(classifyChunkText({ text, source: 'shownotes' })).toBe(kind);
  });

  test.each([
    [
      'talk that mentions a sponsor once',
      'Our sponsor last year was a GPU cloud and we learned a lot from them.',
      'transcript',
    ],
    [
      'a read sponsor spot',
      'This episode is brought to you by Fastly. Head over to fastly.com and use the code PRACTICAL for a free trial.',
      'promo',
    ],
  ] as const)('transcript: %s → %s', (_name, text, kind) => {
    expect(classifyChunkText({ text, source: 'transcript' })).toBe(kind);
  });

  test('only transcript and show notes are evidence', () => {
    expect(
      ['transcript', 'shownotes', 'chapters', 'promo'].filter((kind) => isQuotableKind(kind as never)),
    ).toStrictEqual(['transcript', 'shownotes']);
  });
});

describe('chunkShowNotes with mixed notes', () => {
  test('a link list and a timestamp table in the notes get chunks of their own, apart from the prose', () => {
    const chunks = chunkShowNotes({
      episodeId: 'e',
      episodeTitle: 'E',
      showNotes: [
        'We talk about evaluation sets and why they keep agents honest.',
        '00:00 Intro',
        '03:10 Evaluation sets',
        'Guest: https://example.com/guest',
        'Slides: https://example.com/slides',
        'Thanks for listening.',
      ].join('\n'),
      chapters: [],
    });
    expect(chunks.map((chunk) => [chunk.kind, chunk.text])).toStrictEqual([
      ['shownotes', 'We talk about evaluation sets and why they keep agents honest.'],
      ['chapters', '00:00 Intro\n03:10 Evaluation sets'],
      ['promo', 'Guest: https://example.com/guest\nSlides: https://example.com/slides'],
      ['shownotes', 'Thanks for listening.'],
    ]);
  });
});
