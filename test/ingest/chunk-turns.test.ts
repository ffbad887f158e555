import { describe, expect, test } from 'vitest';
import { chunkShowNotes, chunkTurns, MAX_CHUNK_WORDS, packSpans } from '../../ingest/chunk-turns.js';
import { resolveTimestamps } from '../../ingest/resolve-timestamps.js';
import { chunkSchema, type ParsedTurn } from '../../src/domain.js';
import { timeAtOffset } from '../../src/util/time-label.js';

const base = { episodeId: 'ep', episodeTitle: 'Episode' };

/** `count` words as sentences of `perSentence` words: "Alpha w1 w2 … wN." */
function sentences(count: number, perSentence: number, word = 'w'): string {
  const out: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const first = index % perSentence === 0;
    const last = index % perSentence === perSentence - 1 || index === count - 1;
    out.push(`${first ? 'Alpha' : word}${last ? '.' : ''}`);
  }
  return out.join(' ');
}

function chunk(turns: ParsedTurn[], durationSeconds: number | null = null) {
  const resolved = resolveTimestamps({
    episodeId: 'ep',
    title: 'Episode',
    date: null,
    durationSeconds,
    url: null,
    showNotes: null,
    chapters: [],
    turns,
  });
  return chunkTurns({ ...base, turns: resolved });
}

const wordCount = (text: string) => text.split(/\s+/).filter(Boolean).length;

describe('chunkTurns', () => {
  test('a long turn splits at sentence boundaries into pieces of at most 80 words, each with its own start', () => {
    const text = sentences(200, 10);
    const chunks = chunk([{ speaker: 'Felix', text, marks: [{ offset: 0, seconds: 100 }] }], 200);
    expect(chunks.length).toBe(3);
    for (const piece of chunks) {
      expect(wordCount(piece.text)).toBeLessThanOrEqual(MAX_CHUNK_WORDS);
      expect(piece.text.startsWith('Alpha')).toBe(true);
      expect(piece.text.endsWith('.')).toBe(true);
      expect(piece.speaker).toBe('Felix');
      expect(piece.speakers).toStrictEqual(['Felix']);
    }
    expect(chunks.map((piece) => piece.text).join(' ')).toBe(text);
    expect(chunks[0]!.start).toBe(100);
    expect(chunks[0]!.approximate).toBe(false);
    expect(chunks[1]!.start).toBeGreaterThan(chunks[0]!.start!);
    expect(chunks[2]!.start).toBeGreaterThan(chunks[1]!.start!);
    expect(chunks[1]!.approximate).toBe(true);
    expect(chunks[0]!.end).toBe(chunks[1]!.start);
    // One anchor per sentence start.
    expect(chunks[0]!.anchors.map((anchor) => anchor.offset)).toStrictEqual(
      [...chunks[0]!.text.matchAll(/Alpha/g)].map((match) => match.index),
    );
  });

  test('short turns are grouped with their neighbours, each line `Name: text`', () => {
    const chunks = chunk([
      { speaker: 'swyx', text: 'Yeah.', marks: [{ offset: 0, seconds: 10 }] },
      { speaker: 'Vibhu', text: 'So how do you guys define world models?', marks: [{ offset: 0, seconds: 11 }] },
      { speaker: 'Chris Manning', text: sentences(40, 8), marks: [{ offset: 0, seconds: 14 }] },
      { speaker: 'swyx', text: 'Right.', marks: [{ offset: 0, seconds: 30 }] },
    ]);
    expect(chunks).toHaveLength(1);
    const [grouped] = chunks;
    expect(grouped!.text).toBe(
      `swyx: Yeah.\nVibhu: So how do you guys define world models?\nChris Manning: ${sentences(40, 8)}\nswyx: Right.`,
    );
    expect(grouped!.speaker).toBe('Chris Manning');
    expect(grouped!.speakers).toStrictEqual(['swyx', 'Vibhu', 'Chris Manning']);
    expect(grouped!.start).toBe(10);
    // The anchor on Vibhu's line lets a citation of it carry Vibhu's time.
    const vibhuLine = grouped!.text.indexOf('Vibhu:');
    expect(timeAtOffset(grouped!, vibhuLine)).toStrictEqual({ seconds: 11, approximate: false });
    const chrisWords = grouped!.text.indexOf('Chris Manning: ') + 'Chris Manning: '.length;
    expect(timeAtOffset(grouped!, chrisWords)).toStrictEqual({ seconds: 14, approximate: false });
  });

  test('grouping stops at a chapter boundary', () => {
    const chunks = chunk([
      { speaker: 'A', text: 'one two three four five six seven eight nine ten.', marks: [], chapter: 'First' },
      {
        speaker: 'B',
        text: 'eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen.',
        marks: [],
        chapter: 'Second',
      },
      {
        speaker: 'A',
        text: 'nineteen twenty twenty-one twenty-two twenty-three twenty-four twenty-five.',
        marks: [],
        chapter: 'Second',
      },
    ]);
    expect(chunks.map((piece) => [piece.chapter, piece.speakers])).toStrictEqual([
      ['First', ['A']],
      ['Second', ['B', 'A']],
    ]);
    expect(chunks[0]!.text).toBe('one two three four five six seven eight nine ten.');
  });

  test('a scrap alone in its chapter joins a neighbour rather than stand alone', () => {
    const chunks = chunk([
      { speaker: 'A', text: sentences(30, 10), marks: [], chapter: 'First' },
      { speaker: 'B', text: 'There,', marks: [], chapter: 'Second' },
      { speaker: 'A', text: sentences(75, 15), marks: [], chapter: 'Third' },
    ]);
    expect(chunks).toHaveLength(2);
    expect(chunks[0]!.text.endsWith('\nB: There,')).toBe(true);
    expect(chunks[0]!.chapter).toBe('First');
  });

  test('chunks validate against the schema and number from firstOrdinal', () => {
    const resolved = resolveTimestamps({
      episodeId: 'ep',
      title: 'Episode',
      date: null,
      durationSeconds: 60,
      url: null,
      showNotes: null,
      chapters: [],
      turns: [{ speaker: 'A', text: sentences(100, 10), marks: [] }],
    });
    const chunks = chunkTurns({ ...base, turns: resolved, firstOrdinal: 5 });
    expect(chunks.map((piece) => piece.chunkId)).toStrictEqual(['ep#5', 'ep#6']);
    for (const piece of chunks) expect(chunkSchema.parse(piece)).toStrictEqual(piece);
  });
});

describe('packSpans', () => {
  test('balances pieces instead of leaving a scrap at the end', () => {
    const spans = Array.from({ length: 9 }, (_, index) => ({ start: index * 10, end: index * 10 + 9, words: 10 }));
    expect(packSpans(spans, 80).map((piece) => piece.words)).toStrictEqual([50, 40]);
  });

  test('cuts one over-long sentence at word boundaries', () => {
    const text = Array.from({ length: 100 }, (_, index) => `w${index}`).join(' ');
    const pieces = packSpans([{ start: 0, end: text.length, words: 100 }], 80, text);
    expect(pieces.map((piece) => piece.words)).toStrictEqual([50, 50]);
    expect(pieces.map((piece) => text.slice(piece.start, piece.end)).join(' ')).toBe(text);
  });
});

describe('chunkShowNotes', () => {
  test('groups paragraphs up to 80 words, then the chapter list with an exact anchor per line', () => {
    const chunks = chunkShowNotes({
      ...base,
      showNotes: `First paragraph here.\nSecond one.\n${sentences(90, 15)}`,
      chapters: [
        { start: 0, title: 'Welcome and Guests' },
        { start: 1076, title: 'Enterprise Deployment and Privacy' },
        { start: 3686, title: 'Windows 95 in JavaScript' },
        { start: null, title: 'Untimed' },
      ],
    });
    // 5 words, then the 90-word paragraph cut at sentences into 45 + 45.
    expect(chunks.map((piece) => piece.kind)).toStrictEqual(['shownotes', 'shownotes', 'chapters']);
    expect(chunks.slice(0, 2).map((piece) => wordCount(piece.text))).toStrictEqual([50, 45]);
    expect(chunks[0]!.text.startsWith('First paragraph here.\nSecond one.\nAlpha')).toBe(true);
    for (const piece of chunks.slice(0, 2)) {
      expect(wordCount(piece.text)).toBeLessThanOrEqual(MAX_CHUNK_WORDS);
      expect(piece).toMatchObject({
        speaker: null,
        speakers: [],
        start: null,
        end: null,
        approximate: true,
        anchors: [],
      });
    }
    const list = chunks[2]!;
    expect(list.text).toBe(
      '00:00 Welcome and Guests\n17:56 Enterprise Deployment and Privacy\n1:01:26 Windows 95 in JavaScript',
    );
    expect(list.anchors).toStrictEqual([
      { offset: 0, seconds: 0, approximate: false },
      { offset: 25, seconds: 1076, approximate: false },
      { offset: 65, seconds: 3686, approximate: false },
    ]);
    expect(list).toMatchObject({ start: 0, end: 3686, approximate: false, ordinal: 2, chunkId: 'ep#2' });
    const line = list.text.indexOf('17:56');
    expect(timeAtOffset(list, line)).toStrictEqual({ seconds: 1076, approximate: false });
  });

  test('no show notes and no chapters: no chunks', () => {
    expect(chunkShowNotes({ ...base, showNotes: null, chapters: [] })).toStrictEqual([]);
  });
});
