import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseSrt } from '../../../ingest/parsers/srt.js';
import { PodciteError } from '../../../src/errors.js';
import {
  clock,
  episodeWords,
  expectWellFormed,
  parsesOrRejects,
  phraseArbitrary,
  secondsArbitrary,
  speakerArbitrary,
  wordsOf,
} from './parser-properties.js';

const fixture = readFileSync(new URL('../../fixtures/formats/debate.srt', import.meta.url), 'utf8');
const options = { fileName: 'debate.srt' };

function turnsOf(text: string) {
  return parseSrt(text, options)[0]?.turns;
}

describe('parseSrt', () => {
  test('reads the fixture: CRLF, comma times, Name: prefixes carried forward, tags dropped', () => {
    expect(parseSrt(fixture, options)).toStrictEqual([
      {
        episodeId: 'debate',
        title: 'Debate',
        date: null,
        durationSeconds: 3603,
        url: null,
        showNotes: null,
        chapters: [],
        turns: [
          {
            speaker: 'Alan Turing',
            text: 'Can machines think? That is the question I want to ask today.',
            marks: [
              { offset: 0, seconds: 0 },
              { offset: 20, seconds: 2.76 },
            ],
          },
          {
            speaker: 'Joan Clarke',
            text: 'It depends on what you mean by think. And by machines.',
            marks: [
              { offset: 0, seconds: 5.1 },
              { offset: 38, seconds: 8 },
            ],
          },
          { speaker: 'Alan Turing', text: 'Let us find out.', marks: [{ offset: 0, seconds: 3600.25 }] },
        ],
      },
    ]);
  });

  test.each([
    ['a comma fraction', '00:00:02,760 --> 00:00:03,000', 2.76],
    ['a dot fraction', '00:00:02.760 --> 00:00:03.000', 2.76],
    ['a short fraction', '00:00:02,7 --> 00:00:03,0', 2.7],
    ['hours', '02:03:04,005 --> 02:03:05,000', 7384.005],
    ['no hours', '03:04,005 --> 03:05,000', 184.005],
    ['a missing end time', '00:00:09,000 -->', 9],
    ['display coordinates', '00:00:01,000 --> 00:00:02,000 X1:100 X2:200 Y1:10 Y2:20', 1],
  ])('reads %s', (_name, timing, seconds) => {
    expect(turnsOf(`1\n${timing}\nWords here.\n`)).toStrictEqual([
      { speaker: null, text: 'Words here.', marks: [{ offset: 0, seconds }] },
    ]);
  });

  test('cue numbers are optional and a BOM is ignored', () => {
    expect(
      turnsOf('\uFEFF00:00:01,000 --> 00:00:02,000\nAnn: One.\n\n00:00:02,000 --> 00:00:03,000\nTwo.\n'),
    ).toStrictEqual([
      {
        speaker: 'Ann',
        text: 'One. Two.',
        marks: [
          { offset: 0, seconds: 1 },
          { offset: 5, seconds: 2 },
        ],
      },
    ]);
  });

  test('a dialogue dash with a name changes speaker inside one cue', () => {
    expect(turnsOf('1\n00:00:01,000 --> 00:00:03,000\n- Ann: Ready?\n- Bob: Ready.\n')).toStrictEqual([
      { speaker: 'Ann', text: 'Ready?', marks: [{ offset: 0, seconds: 1 }] },
      { speaker: 'Bob', text: 'Ready.', marks: [] },
    ]);
  });

  test('a lower-case phrase before a colon is speech, not a speaker', () => {
    expect(turnsOf('1\n00:00:01,000 --> 00:00:03,000\nand he said: yes\n')).toStrictEqual([
      { speaker: null, text: 'and he said: yes', marks: [{ offset: 0, seconds: 1 }] },
    ]);
  });

  test('text split from its cue by a blank line stays with the turn', () => {
    expect(turnsOf('1\n00:00:01,000 --> 00:00:03,000\nAnn: First part\n\nsecond part.\n')).toStrictEqual([
      { speaker: 'Ann', text: 'First part second part.', marks: [{ offset: 0, seconds: 1 }] },
    ]);
  });

  test.each([
    [
      'a bad time',
      '1\n00:00:aa,000 --> 00:00:02,000\nHello\n',
      'debate.srt line 2: cannot read the start time "00:00:aa,000"',
    ],
    ['no cues', 'just some words\n', 'debate.srt: the file has no subtitle cues'],
  ])('rejects %s with parse:srt', (_name, text, message) => {
    const error = (() => {
      try {
        parseSrt(text, options);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(PodciteError);
    expect((error as PodciteError).code).toBe('parse:srt');
    expect((error as PodciteError).message).toBe(message);
  });

  test('property: any text parses or throws a parse: PodciteError', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (body) => {
        parsesOrRejects(() => parseSrt(body, options));
        parsesOrRejects(() => parseSrt(`1\n00:00:01,000 --> 00:00:02,000\n${body}`, options));
      }),
    );
  });

  test('property: generated cues lose no word, times never go backwards, speakers carry forward', () => {
    const cueArbitrary = fc.record({
      start: secondsArbitrary,
      speaker: fc.option(speakerArbitrary, { nil: undefined }),
      text: phraseArbitrary,
    });
    fc.assert(
      fc.property(fc.array(cueArbitrary, { minLength: 1, maxLength: 12 }), (cues) => {
        const blocks = cues.map(
          (cue, index) =>
            `${index + 1}\n${clock(cue.start, ',')} --> ${clock(cue.start + 1, ',')}\n${cue.speaker ? `${cue.speaker}: ` : ''}${cue.text}`,
        );
        const episodes = parseSrt(`${blocks.join('\n\n')}\n`, options);
        expectWellFormed(episodes);
        expect(episodeWords(episodes)).toStrictEqual(cues.flatMap((cue) => wordsOf(cue.text)));
        const speakers = episodes[0]?.turns.map((turn) => turn.speaker) ?? [];
        const named = cues.flatMap((cue) => (cue.speaker ? [cue.speaker] : []));
        expect(speakers.filter((speaker) => speaker !== null)).toStrictEqual(
          named.filter((speaker, index) => speaker !== named[index - 1]),
        );
      }),
    );
  });
});
