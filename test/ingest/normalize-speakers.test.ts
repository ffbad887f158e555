import { describe, expect, test } from 'vitest';
import { normalizeSpeakers, speakerMap } from '../../ingest/normalize-speakers.js';
import type { ParsedEpisode } from '../../src/domain.js';

const mistralTitle =
  "Mistral: Voxtral TTS, Forge, Leanstral, & what's next for Mistral 4 — w/ Pavan Kumar Reddy & Guillaume Lample";
const felixTitle =
  'Why Anthropic Thinks AI Should Have Its Own Computer — Felix Rieseberg of Claude Cowork & Claude Code Desktop';

describe('speakerMap', () => {
  test('widens first names from the episode title', () => {
    expect(speakerMap(['swyx', 'Guillaume', 'Pavan', 'Vibhu'], mistralTitle)).toStrictEqual(
      new Map([
        ['swyx', 'swyx'],
        ['Guillaume', 'Guillaume Lample'],
        ['Pavan', 'Pavan Kumar Reddy'],
        ['Vibhu', 'Vibhu'],
      ]),
    );
    expect(speakerMap(['Felix', 'Alessio', 'swyx'], felixTitle).get('Felix')).toBe('Felix Rieseberg');
  });

  test('prefers exactly one longer label in the episode over the title', () => {
    expect(speakerMap(['Chris', 'Chris Manning', 'swyx'], 'A talk with Chris Evans').get('Chris')).toBe(
      'Chris Manning',
    );
  });

  test('leaves a first name alone when it is ambiguous', () => {
    expect(speakerMap(['Chris', 'Chris Manning', 'Chris Evans'], 'x').get('Chris')).toBe('Chris');
    expect(speakerMap(['Chris'], 'Chris Manning and Chris Evans').get('Chris')).toBe('Chris');
  });

  test('trims and collapses spaces', () => {
    expect(speakerMap(['  Fan-yun   Sun '], 'x').get('  Fan-yun   Sun ')).toBe('Fan-yun Sun');
  });
});

describe('normalizeSpeakers', () => {
  test('rewrites turn speakers and keeps null speakers', () => {
    const episode: ParsedEpisode = {
      episodeId: 'e',
      title: mistralTitle,
      date: null,
      durationSeconds: null,
      url: null,
      showNotes: null,
      chapters: [],
      turns: [
        { speaker: null, text: 'intro', marks: [] },
        { speaker: 'Guillaume', text: 'Thank you.', marks: [] },
      ],
    };
    expect(normalizeSpeakers(episode).turns).toStrictEqual([
      { speaker: null, text: 'intro', marks: [] },
      { speaker: 'Guillaume Lample', text: 'Thank you.', marks: [] },
    ]);
  });
});
