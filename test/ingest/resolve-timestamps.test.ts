import { describe, expect, test } from 'vitest';
import {
  DEFAULT_SECONDS_PER_WORD,
  interpolateTimes,
  locateChapterHeadings,
  locateChapters,
  resolveTimestamps,
  timestampQuality,
} from '../../ingest/resolve-timestamps.js';
import type { ParsedEpisode, ParsedTurn } from '../../src/domain.js';

function episode(turns: ParsedTurn[], extra: Partial<ParsedEpisode> = {}): ParsedEpisode {
  return {
    episodeId: 'e',
    title: 'E',
    date: null,
    durationSeconds: null,
    url: null,
    showNotes: null,
    chapters: [],
    turns,
    ...extra,
  };
}

describe('interpolateTimes', () => {
  test('exact on marks, linear by word position between them', () => {
    const times = interpolateTimes({
      count: 4,
      points: [
        { position: 0, seconds: 10 },
        { position: 4, seconds: 30 },
      ],
      durationSeconds: null,
      pointsAreExact: true,
    });
    expect(times).toStrictEqual([
      { seconds: 10, approximate: false },
      { seconds: 15, approximate: true },
      { seconds: 20, approximate: true },
      { seconds: 25, approximate: true },
      { seconds: 30, approximate: false },
    ]);
  });

  test('before the first mark: back at the default pace when that stays ≥ 0', () => {
    const times = interpolateTimes({
      count: 3,
      points: [{ position: 2, seconds: 100 }],
      durationSeconds: null,
      pointsAreExact: true,
    });
    expect(times[0]!.seconds).toBeCloseTo(100 - 2 * DEFAULT_SECONDS_PER_WORD);
    expect(times[1]!.seconds).toBeCloseTo(100 - DEFAULT_SECONDS_PER_WORD);
    expect(times[2]).toStrictEqual({ seconds: 100, approximate: false });
  });

  test('before the first mark: squeezed linearly from 0 when walking back would go below 0', () => {
    const times = interpolateTimes({
      count: 60,
      points: [{ position: 50, seconds: 5 }],
      durationSeconds: null,
      pointsAreExact: true,
    });
    expect(times[0]!.seconds).toBe(0);
    expect(times[25]!.seconds).toBeCloseTo(2.5);
    expect(times[50]!.seconds).toBe(5);
  });

  test('after the last mark: the measured pace, slowed only to end at the duration', () => {
    const points = [
      { position: 0, seconds: 0 },
      { position: 100, seconds: 50 },
    ];
    const free = interpolateTimes({ count: 120, points, durationSeconds: null, pointsAreExact: true });
    expect(free[120]!.seconds).toBeCloseTo(60);
    const capped = interpolateTimes({ count: 120, points, durationSeconds: 55, pointsAreExact: true });
    expect(capped[120]!.seconds).toBeCloseTo(55);
    expect(capped[110]!.seconds).toBeCloseTo(52.5);
  });

  test('estimated points are never exact', () => {
    const times = interpolateTimes({
      count: 2,
      points: [
        { position: 0, seconds: 0 },
        { position: 2, seconds: 10 },
      ],
      durationSeconds: 10,
      pointsAreExact: false,
    });
    expect(times.every((time) => time.approximate)).toBe(true);
  });
});

describe('resolveTimestamps', () => {
  test('marks are exact at their word, other words interpolated', () => {
    const resolved = resolveTimestamps(
      episode([
        { speaker: 'A', text: 'one two three four', marks: [{ offset: 0, seconds: 10 }] },
        { speaker: 'B', text: 'five six', marks: [{ offset: 0, seconds: 18 }] },
      ]),
    );
    expect(resolved[0]!.words).toStrictEqual([
      { offset: 0, seconds: 10, approximate: false },
      { offset: 4, seconds: 12, approximate: true },
      { offset: 8, seconds: 14, approximate: true },
      { offset: 14, seconds: 16, approximate: true },
    ]);
    expect(resolved[0]).toMatchObject({ start: 10, end: 18, approximate: false, chapter: null });
    expect(resolved[1]).toMatchObject({ start: 18, approximate: false });
  });

  test('a mark earlier than the one before it is ignored', () => {
    const resolved = resolveTimestamps(
      episode([
        { speaker: 'A', text: 'a b', marks: [{ offset: 0, seconds: 100 }] },
        { speaker: 'B', text: 'c d', marks: [{ offset: 0, seconds: 50 }] },
        { speaker: 'A', text: 'e', marks: [{ offset: 0, seconds: 104 }] },
      ]),
    );
    expect(resolved.map((turn) => turn.start)).toStrictEqual([100, 102, 104]);
    expect(resolved[1]!.approximate).toBe(true);
  });

  test('no marks: spread over the duration by word position, all approximate', () => {
    const resolved = resolveTimestamps(
      episode(
        [
          { speaker: 'A', text: 'w '.repeat(30).trim(), marks: [] },
          { speaker: 'B', text: 'w '.repeat(10).trim(), marks: [] },
        ],
        { durationSeconds: 400 },
      ),
    );
    expect(resolved[0]).toMatchObject({ start: 0, end: 300, approximate: true });
    expect(resolved[1]).toMatchObject({ start: 300, end: 400, approximate: true });
    expect(resolved.flatMap((turn) => turn.words).every((word) => word.approximate)).toBe(true);
  });

  test('no marks and no duration: the default pace from 0', () => {
    const resolved = resolveTimestamps(episode([{ speaker: 'A', text: 'a b c', marks: [] }]));
    expect(resolved[0]!.words.map((word) => word.seconds)).toStrictEqual([
      0,
      DEFAULT_SECONDS_PER_WORD,
      2 * DEFAULT_SECONDS_PER_WORD,
    ]);
  });

  test('a turn without a heading takes the listed chapter it starts in', () => {
    const resolved = resolveTimestamps(
      episode(
        [
          { speaker: 'A', text: 'a', marks: [{ offset: 0, seconds: 5 }] },
          { speaker: 'B', text: 'b', marks: [{ offset: 0, seconds: 65 }] },
          { speaker: 'B', text: 'c', marks: [{ offset: 0, seconds: 70 }], chapter: 'Heading' },
        ],
        {
          chapters: [
            { start: 0, title: 'Intro' },
            { start: 60, title: 'Main' },
          ],
        },
      ),
    );
    expect(resolved.map((turn) => turn.chapter)).toStrictEqual(['Intro', 'Main', 'Heading']);
  });
});

describe('locateChapters', () => {
  const filler = (count: number) => Array.from({ length: count }, (_, index) => `filler${index % 7}`);

  test('pins a chapter whose title words are spoken near where the duration puts them', () => {
    const words = [...filler(480), 'so', 'Windows', '95', 'in', 'JavaScript', 'was', 'fun', ...filler(515)];
    const points = locateChapters({
      words,
      chapters: [
        { start: 0, title: 'Intro' },
        { start: 500, title: 'Windows 95 in JavaScript' },
      ],
      durationSeconds: 1000,
    });
    expect(points).toStrictEqual([{ position: 481, seconds: 500 }]);
  });

  test('skips titles not spoken near where the duration puts them, or not spoken at all', () => {
    const words = [...filler(100), 'Windows', '95', 'JavaScript', ...filler(897)];
    expect(
      locateChapters({
        words,
        chapters: [{ start: 500, title: 'Windows 95 in JavaScript' }],
        durationSeconds: 1000,
      }),
    ).toStrictEqual([]);
    expect(
      locateChapters({
        words: filler(1000),
        chapters: [{ start: 500, title: 'Electron, Chromium, and desktop software lessons' }],
        durationSeconds: 1000,
      }),
    ).toStrictEqual([]);
  });
});

describe('locateChapters pace bound', () => {
  const filler = (count: number) => Array.from({ length: count }, (_, index) => `filler${index % 7}`);
  const place = (at: number) =>
    locateChapters({
      words: [...filler(at), 'Windows', '95', 'JavaScript', ...filler(997 - at)],
      chapters: [{ start: 500, title: 'Windows 95 in JavaScript' }],
      durationSeconds: 1000,
    });

  test('keeps a spoken title implying a pace within 1.5× of the average, drops one beyond', () => {
    // 1 s a word on average: at word 400 the chapter implies 1.25 s a word, at word 310 about 1.6.
    expect(place(400)).toStrictEqual([{ position: 400, seconds: 500 }]);
    expect(place(310)).toStrictEqual([]);
  });
});

describe('locateChapterHeadings', () => {
  const turn = (text: string, chapter?: string): ParsedTurn => ({ speaker: 'A', text, marks: [], chapter });

  test('pins the first word under a heading that names a listed chapter to its time', () => {
    const points = locateChapterHeadings({
      turns: [
        turn('a b c', 'Cold open'),
        turn('d e', 'Flow matching, for audio'),
        turn('f', 'Flow matching, for audio'),
      ],
      chapters: [
        { start: 0, title: 'Intro' },
        { start: 40, title: 'Flow Matching for Audio' },
      ],
    });
    expect(points).toStrictEqual([{ position: 3, seconds: 40 }]);
  });

  test('drops a heading whose time would run backwards, and a chapter named twice', () => {
    const points = locateChapterHeadings({
      turns: [turn('a', 'One'), turn('b c', 'Two'), turn('d', 'Three'), turn('e', 'Two')],
      chapters: [
        { start: 10, title: 'One' },
        { start: 60, title: 'Two' },
        { start: 30, title: 'Three' },
      ],
    });
    expect(points).toStrictEqual([
      { position: 0, seconds: 10 },
      { position: 1, seconds: 60 },
    ]);
  });
});

describe('resolveTimestamps without marks, with headings', () => {
  test('headings naming listed chapters pin their times; words between are spread by position', () => {
    const resolved = resolveTimestamps(
      episode(
        [
          { speaker: 'A', text: 'w '.repeat(10).trim(), marks: [], chapter: 'Intro' },
          { speaker: 'B', text: 'w '.repeat(10).trim(), marks: [], chapter: 'Main part' },
          { speaker: 'A', text: 'w '.repeat(20).trim(), marks: [] },
        ],
        {
          durationSeconds: 400,
          chapters: [
            { start: 30, title: 'Intro' },
            { start: 100, title: 'Main part' },
          ],
        },
      ),
    );
    // The first heading starts at 30 s: the intro before it was not transcribed.
    expect(resolved.map((turn) => [turn.start, turn.end])).toStrictEqual([
      [30, 100],
      [100, 200],
      [200, 400],
    ]);
    expect(resolved.every((turn) => turn.approximate)).toBe(true);
  });
});

describe('timestampQuality', () => {
  test.each([
    ['exact', [{ speaker: 'A', text: 'a', marks: [{ offset: 0, seconds: 1 }] }]],
    [
      'partial',
      [
        { speaker: 'A', text: 'a', marks: [] },
        { speaker: 'B', text: 'b (00:05) c', marks: [{ offset: 2, seconds: 5 }] },
      ],
    ],
    ['estimated', [{ speaker: 'A', text: 'a', marks: [] }]],
    ['none', []],
  ] as const)('%s', (quality, turns) => {
    expect(timestampQuality(episode(turns.map((turn) => ({ ...turn, marks: [...turn.marks] }))))).toBe(quality);
  });
});
