import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parsePodcastingChapters, parsePodcastingJson } from '../../../ingest/parsers/podcasting-json.js';
import { PodciteError } from '../../../src/errors.js';
import {
  episodeWords,
  expectWellFormed,
  parsesOrRejects,
  phraseArbitrary,
  secondsArbitrary,
  speakerArbitrary,
  wordsOf,
} from './parser-properties.js';

const fixtureUrl = (name: string) => new URL(`../../fixtures/formats/${name}`, import.meta.url);
const options = { fileName: 'words.json' };

function errorOf(run: () => unknown): PodciteError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PodciteError);
    return error as PodciteError;
  }
  throw new Error('expected a PodciteError');
}

describe('parsePodcastingJson', () => {
  test('merges word segments into turns, marking turn starts and sentence starts', () => {
    expect(parsePodcastingJson(readFileSync(fixtureUrl('words.json'), 'utf8'), options)).toStrictEqual([
      {
        episodeId: 'words',
        title: 'Words',
        date: null,
        durationSeconds: 4.2,
        url: null,
        showNotes: null,
        chapters: [],
        turns: [
          {
            speaker: 'Hedy',
            text: 'Frequency hopping works. Trust me!',
            marks: [
              { offset: 0, seconds: 0.5 },
              { offset: 25, seconds: 2 },
            ],
          },
          // The last segment names no speaker: it continues George's turn.
          { speaker: 'George', text: 'Show me how.', marks: [{ offset: 0, seconds: 3.1 }] },
        ],
      },
    ]);
  });

  test('phrase segments each get a mark; numeric strings are read as seconds', () => {
    const text = JSON.stringify({
      version: '1.0.0',
      segments: [
        { speaker: 'Ann', startTime: '1.5', endTime: 3, body: 'Good morning everyone.' },
        { speaker: 'Ann', startTime: 3, endTime: 5, body: 'Let us begin now.' },
        { speaker: 'Bob', startTime: 5.25, body: 'Agreed, let us.' },
      ],
    });
    expect(parsePodcastingJson(text, options)[0]?.turns).toStrictEqual([
      {
        speaker: 'Ann',
        text: 'Good morning everyone. Let us begin now.',
        marks: [
          { offset: 0, seconds: 1.5 },
          { offset: 23, seconds: 3 },
        ],
      },
      { speaker: 'Bob', text: 'Agreed, let us.', marks: [{ offset: 0, seconds: 5.25 }] },
    ]);
  });

  test('word-level segments get a mark at least every 15 words without a sentence end', () => {
    const segments = Array.from({ length: 31 }, (_, index) => ({
      speaker: 'Ann',
      startTime: index,
      endTime: index + 1,
      body: `w${index}`,
    }));
    const [turn] = parsePodcastingJson(JSON.stringify({ version: '1', segments }), options)[0]?.turns ?? [];
    expect(turn?.marks.map((mark) => mark.seconds)).toStrictEqual([0, 15, 30]);
  });

  test.each([
    ['invalid JSON', '{"segments": [', /words\.json: not valid JSON/],
    ['a missing segments array', '{"version": "1.0.0"}', /unexpected JSON at segments/],
    ['a negative time', '{"segments": [{"startTime": -1, "body": "x"}]}', /unexpected JSON at segments\.0\.startTime/],
    ['a missing body', '{"segments": [{"startTime": 1}]}', /unexpected JSON at segments\.0\.body/],
  ])('rejects %s with parse:podcasting-json', (_name, text, message) => {
    const error = errorOf(() => parsePodcastingJson(text, options));
    expect(error.code).toBe('parse:podcasting-json');
    expect(error.message).toMatch(message);
  });

  test('property: any text parses or throws a parse: PodciteError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.json()), (text) => {
        parsesOrRejects(() => parsePodcastingJson(text, options));
      }),
    );
  });

  test('property: generated segments lose no word and times never go backwards', () => {
    const segmentArbitrary = fc.record({
      speaker: fc.option(speakerArbitrary, { nil: undefined }),
      startTime: secondsArbitrary,
      body: fc.oneof(
        phraseArbitrary,
        phraseArbitrary.map((phrase) => `${phrase}.`),
      ),
    });
    fc.assert(
      fc.property(fc.array(segmentArbitrary, { maxLength: 20 }), (segments) => {
        const episodes = parsePodcastingJson(JSON.stringify({ version: '1.0.0', segments }), options);
        expectWellFormed(episodes);
        expect(episodeWords(episodes)).toStrictEqual(segments.flatMap((segment) => wordsOf(segment.body)));
      }),
    );
  });
});

describe('parsePodcastingChapters', () => {
  test('sorts chapters and leaves out untitled and toc:false ones', () => {
    expect(
      parsePodcastingChapters(readFileSync(fixtureUrl('interview.chapters.json'), 'utf8'), {
        fileName: 'interview.chapters.json',
      }),
    ).toStrictEqual([
      { start: 0, title: 'Welcome' },
      { start: 9, title: 'Ada joins' },
      { start: 3723.5, title: 'Wrap-up' },
    ]);
  });

  test('property: any chapters JSON gives sorted, titled chapters or a parse: PodciteError', () => {
    const chapterArbitrary = fc.record({
      startTime: fc.oneof(secondsArbitrary, fc.constant(-1)),
      title: fc.option(fc.string({ maxLength: 10 }), { nil: undefined }),
      toc: fc.option(fc.boolean(), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.json(),
          fc.array(chapterArbitrary).map((chapters) => JSON.stringify({ chapters })),
        ),
        (text) => {
          let chapters: ReturnType<typeof parsePodcastingChapters>;
          try {
            chapters = parsePodcastingChapters(text, { fileName: 'c.json' });
          } catch (error) {
            expect(error).toBeInstanceOf(PodciteError);
            expect((error as PodciteError).code).toBe('parse:podcasting-chapters');
            return;
          }
          const starts = chapters.map((chapter) => chapter.start ?? 0);
          expect(starts).toStrictEqual([...starts].sort((left, right) => left - right));
          expect(chapters.every((chapter) => chapter.title.length > 0 && chapter.title === chapter.title.trim())).toBe(
            true,
          );
        },
      ),
    );
  });

  test('rejects a document without chapters with parse:podcasting-chapters', () => {
    const error = errorOf(() => parsePodcastingChapters('{"version":"1.2.0"}', { fileName: 'x.chapters.json' }));
    expect(error.code).toBe('parse:podcasting-chapters');
    expect(error.message).toBe(
      'x.chapters.json: unexpected JSON at chapters: Invalid input: expected array, received undefined',
    );
  });
});
