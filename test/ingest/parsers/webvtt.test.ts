import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseWebVtt } from '../../../ingest/parsers/webvtt.js';
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

const fixture = readFileSync(new URL('../../fixtures/formats/interview.vtt', import.meta.url), 'utf8');
const options = { fileName: 'talks/interview.vtt' };

function turnsOf(text: string) {
  return parseWebVtt(text, options)[0]?.turns;
}

describe('parseWebVtt', () => {
  test('reads the fixture: voice spans carried forward, blocks and settings skipped, hours read', () => {
    expect(parseWebVtt(fixture, options)).toStrictEqual([
      {
        episodeId: 'interview',
        title: 'Interview',
        date: null,
        durationSeconds: 3727,
        url: null,
        showNotes: null,
        chapters: [],
        turns: [
          {
            speaker: 'Grace Hopper',
            text: 'Welcome back to the show. Today we talk & compute. I am joined by a very special guest.',
            marks: [
              { offset: 0, seconds: 0 },
              { offset: 51, seconds: 4.5 },
            ],
          },
          {
            speaker: 'Ada Lovelace',
            text: 'Thank you, Grace. It is a pleasure to be here.',
            marks: [
              { offset: 0, seconds: 9 },
              { offset: 18, seconds: 12.25 },
            ],
          },
          {
            speaker: 'Grace Hopper',
            text: 'And that is the end of the hour.',
            marks: [{ offset: 0, seconds: 3723.5 }],
          },
        ],
      },
    ]);
  });

  test('a cue without a voice span before any speaker has a null speaker', () => {
    expect(turnsOf('WEBVTT\n\n00:01.000 --> 00:02.000\nHello there.\n')).toStrictEqual([
      { speaker: null, text: 'Hello there.', marks: [{ offset: 0, seconds: 1 }] },
    ]);
  });

  test('two voices in one cue make two turns; only the first gets the cue time', () => {
    expect(turnsOf('WEBVTT\n\n00:01.000 --> 00:04.000\n<v Ann>Hi.</v>\n<v Bob>Hello.</v>\n')).toStrictEqual([
      { speaker: 'Ann', text: 'Hi.', marks: [{ offset: 0, seconds: 1 }] },
      { speaker: 'Bob', text: 'Hello.', marks: [] },
    ]);
  });

  test('formatting tags inside a word keep it whole; timestamp tags become marks', () => {
    expect(
      turnsOf('WEBVTT\n\n00:01.000 --> 00:04.000\n<v Ann>un<i>believ</i>able <00:02.500>and <c.x>then</c> some\n'),
    ).toStrictEqual([
      {
        speaker: 'Ann',
        text: 'unbelievable and then some',
        marks: [
          { offset: 0, seconds: 1 },
          { offset: 13, seconds: 2.5 },
        ],
      },
    ]);
  });

  test.each([
    ['mm:ss.ttt', '01:02.500 --> 01:03.000', 62.5],
    ['hh:mm:ss.ttt', '01:00:02.500 --> 01:00:03.000', 3602.5],
    ['hours beyond two digits', '100:00:00.000 --> 100:00:01.000', 360000],
    ['a comma before the milliseconds', '00:00:02,760 --> 00:00:03,000', 2.76],
    ['a missing end time', '00:00:04.000 -->', 4],
    ['a missing end time before settings', '00:00:05.000 --> align:start', 5],
  ])('reads %s', (_name, timing, seconds) => {
    expect(turnsOf(`WEBVTT\n\n${timing}\nWords.\n`)).toStrictEqual([
      { speaker: null, text: 'Words.', marks: [{ offset: 0, seconds }] },
    ]);
  });

  test('a missing end time leaves the duration at the last start', () => {
    expect(parseWebVtt('WEBVTT\n\n00:00:04.000 -->\nWords.\n', options)[0]?.durationSeconds).toBe(4);
  });

  test('a cue that goes back in time keeps its words but not its time', () => {
    expect(turnsOf('WEBVTT\n\n00:10.000 --> 00:11.000\nLater.\n\n00:05.000 --> 00:06.000\nEarlier.\n')).toStrictEqual([
      { speaker: null, text: 'Later. Earlier.', marks: [{ offset: 0, seconds: 10 }] },
    ]);
  });

  test('files without voice spans may name speakers with a Name: prefix', () => {
    expect(
      turnsOf('WEBVTT\n\n00:01.000 --> 00:02.000\nAnn Lee: Hi.\n\n00:02.000 --> 00:03.000\nStill me.\n'),
    ).toStrictEqual([
      {
        speaker: 'Ann Lee',
        text: 'Hi. Still me.',
        marks: [
          { offset: 0, seconds: 1 },
          { offset: 4, seconds: 2 },
        ],
      },
    ]);
  });

  test.each([
    ['no signature', '00:01.000 --> 00:02.000\nHello\n', /must start with "WEBVTT"/],
    [
      'a bad start time',
      'WEBVTT\n\n00:61.000 --> 00:62.000\nHello\n',
      /line 3: cannot read the start time "00:61.000"/,
    ],
    ['a bad end time', 'WEBVTT\n\n00:01.000 --> 00:01:99.0\nHello\n', /line 3: cannot read the end time/],
    ['no cues', 'WEBVTT\n\nNOTE nothing here\n', /no cues/],
  ])('rejects %s with parse:webvtt', (_name, text, message) => {
    expect(() => parseWebVtt(text, options)).toThrow(PodciteError);
    expect(() => parseWebVtt(text, options)).toThrow(message);
    try {
      parseWebVtt(text, options);
    } catch (error) {
      expect((error as PodciteError).code).toBe('parse:webvtt');
    }
  });

  test('property: any text parses or throws a parse: PodciteError', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (body) => {
        parsesOrRejects(() => parseWebVtt(`WEBVTT\n\n${body}`, options));
        parsesOrRejects(() => parseWebVtt(body, options));
      }),
    );
  });

  test('property: generated cues lose no word, times never go backwards, speakers carry forward', () => {
    const cueArbitrary = fc.record({
      start: secondsArbitrary,
      speaker: fc.option(speakerArbitrary, { nil: undefined }),
      text: phraseArbitrary,
      note: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(cueArbitrary, { minLength: 1, maxLength: 12 }), (cues) => {
        const blocks = cues.map(
          (cue, index) =>
            `${cue.note ? 'NOTE skipped words\n\n' : ''}${index}\n${clock(cue.start)} --> ${clock(cue.start + 1)} line:0\n${cue.speaker ? `<v ${cue.speaker}>` : ''}${cue.text}`,
        );
        const episodes = parseWebVtt(`WEBVTT\n\n${blocks.join('\n\n')}\n`, options);
        expectWellFormed(episodes);
        expect(episodeWords(episodes)).toStrictEqual(cues.flatMap((cue) => wordsOf(cue.text)));
        let speaker: string | null = null;
        const expectedSpeakers: (string | null)[] = [];
        for (const cue of cues) {
          if (cue.speaker !== undefined && cue.speaker !== speaker) expectedSpeakers.push(cue.speaker);
          else if (expectedSpeakers.length === 0) expectedSpeakers.push(null);
          speaker = cue.speaker ?? speaker;
        }
        expect(episodes[0]?.turns.map((turn) => turn.speaker)).toStrictEqual(expectedSpeakers);
      }),
    );
  });
});
