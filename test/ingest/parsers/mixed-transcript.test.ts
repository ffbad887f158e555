import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { looksMixed, parseMixedLines, parseMixedTranscript } from '../../../ingest/parsers/mixed-transcript.js';
import { PodciteError } from '../../../src/errors.js';

const fixture = readFileSync(new URL('../../fixtures/latent-space/mixed-mistral.txt', import.meta.url), 'utf8');

describe('parseMixedTranscript', () => {
  test('reads plain labels, name/role blocks, inline (mm:ss) marks and headings from the Mistral excerpt', () => {
    const [episode] = parseMixedTranscript(fixture, { fileName: 'mixed-mistral.txt' });
    expect(episode!.chapters).toStrictEqual([
      { start: null, title: 'Announcing Voxtral TTS' },
      { start: null, title: 'Architecture and Codec' },
    ]);
    expect(episode!.turns).toStrictEqual([
      {
        speaker: 'swyx',
        text: "Pavan, you are leading audio research at Mistral and Guillaume, you're Chief Scientist,",
        marks: [],
      },
      {
        speaker: 'swyx',
        text: 'Okay. Welcome to Lean Space. We’re here in the studio with trustee co-hosts, Vibhu. Welcome.',
        marks: [
          { offset: 0, seconds: 5 },
          { offset: 6, seconds: 5 },
          { offset: 29, seconds: 6 },
          { offset: 84, seconds: 9 },
        ],
        chapter: 'Announcing Voxtral TTS',
        role: 'Host',
      },
      {
        speaker: 'Vibhu',
        text: 'Very excited for this one.',
        marks: [{ offset: 0, seconds: 11 }],
        chapter: 'Announcing Voxtral TTS',
        role: 'Host',
      },
      {
        // A second text line with no name block continues swyx.
        speaker: 'swyx',
        text: 'As well as Guillaume and Pavan from Mistral. Welcome. Excited to be here. Thank you for having us. Pavan, you are leading audio research at Mistral and Guillaume, you’re a chief scientist. What are we announcing today where we’re coordinating this release with you guys?',
        marks: [
          { offset: 0, seconds: 12 },
          { offset: 45, seconds: 15 },
          { offset: 54, seconds: 16 },
          { offset: 74, seconds: 17 },
          { offset: 99, seconds: 18 },
          { offset: 189, seconds: 23 },
        ],
        chapter: 'Announcing Voxtral TTS',
        role: 'Host',
      },
      {
        speaker: 'Guillaume',
        text: 'Yeah, so we are releasing Voxtral TTS. So it’s our first audio model that generates speech. It’s not our first audio model. We had a couple of releases before. And we are also releasing the work that this model is running.',
        marks: [
          { offset: 0, seconds: 26 },
          { offset: 160, seconds: 82 },
        ],
        chapter: 'Announcing Voxtral TTS',
        role: 'Guest',
      },
      // `swyx What’s the decision factor?` — a known name, a space, then the words.
      { speaker: 'swyx', text: 'What’s the decision factor?', marks: [], chapter: 'Announcing Voxtral TTS' },
      { speaker: 'Guillaume', text: 'It’s a good question.', marks: [], chapter: 'Announcing Voxtral TTS' },
      {
        speaker: 'swyx',
        text: 'There will be more. Yeah, Pavan, any sort of research notes to add on?',
        marks: [],
        chapter: 'Announcing Voxtral TTS',
      },
      {
        speaker: 'Pavan',
        text: 'But it’s a novel architecture that we develop inhouse.',
        marks: [],
        chapter: 'Architecture and Codec',
      },
    ]);
  });

  test('accounts for every name and role line it consumed', () => {
    const result = parseMixedLines(fixture.split('\n'));
    expect(result.structure).toStrictEqual([
      'swyx',
      'swyx',
      'Host',
      'Vibhu',
      'Host',
      'swyx',
      'Host',
      'Guillaume',
      'Guest',
      'swyx',
      'Guillaume',
      'swyx',
      'Pavan',
    ]);
  });

  test('a text line that is not a heading continues the speaker ("Smaller.", "Where is this going gonna end up?")', () => {
    const result = parseMixedLines([
      'Vibhu: It is cheaper.',
      'Smaller.',
      'swyx: Right.',
      'Where is this going gonna end up?',
      'Vibhu: Nobody knows.',
    ]);
    expect(result.headings).toStrictEqual([]);
    expect(result.turns.map((turn) => [turn.speaker, turn.text])).toStrictEqual([
      ['Vibhu', 'It is cheaper. Smaller.'],
      ['swyx', 'Right. Where is this going gonna end up?'],
      ['Vibhu', 'Nobody knows.'],
    ]);
  });

  test('detects the dialect by its marks or role lines', () => {
    expect(looksMixed(fixture.split('\n'))).toBe(true);
    expect(looksMixed(['swyx: Hi.', 'Felix: Hello.'])).toBe(false);
  });

  test('throws parse:mixed on a file with no transcript', () => {
    let error: unknown;
    try {
      parseMixedTranscript('   \n', { fileName: 'empty.txt' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PodciteError);
    expect((error as PodciteError).code).toBe('parse:mixed');
  });
});
