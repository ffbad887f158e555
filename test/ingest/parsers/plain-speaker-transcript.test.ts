import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  parsePlainSpeakerLines,
  parsePlainSpeakerTranscript,
} from '../../../ingest/parsers/plain-speaker-transcript.js';
import { PodciteError } from '../../../src/errors.js';

const fixture = readFileSync(new URL('../../fixtures/latent-space/plain-speaker-felix.txt', import.meta.url), 'utf8');

describe('parsePlainSpeakerTranscript', () => {
  test('reads labelled turns and folds unlabelled lines into the previous speaker (Felix excerpt)', () => {
    const [episode] = parsePlainSpeakerTranscript(fixture, { fileName: 'plain-speaker-felix.txt' });
    expect(episode!.chapters).toStrictEqual([]);
    expect(episode!.turns).toStrictEqual([
      {
        speaker: 'Alessio',
        text: 'Hey everyone. Welcome to the Latent Space Podcast, our first one in the new studio. This is Alessio, founder of Kernel Labs, and I’m joined by swyx, editor of Latent Space.',
        marks: [],
      },
      {
        speaker: 'swyx',
        text: 'Yeah, so nice to be here. Thanks to, uh, TJ, Alessio, Allen helping to set everything up. It looks beautiful. We even have the logo outside. Yeah, kind.',
        marks: [],
      },
      {
        speaker: 'Felix',
        text: 'It’s like really nice, right? When you walk in here as a guest, you’re like, ah, this is a serious production. You’re like, feel it immediately.',
        marks: [],
      },
      {
        speaker: 'swyx',
        text: 'Yeah. Felix, you’ve been, you’re, you’re currently a product manager of Cowork or,',
        marks: [],
      },
      { speaker: 'Felix', text: 'uh, really Technic', marks: [] },
      {
        speaker: 'swyx',
        text: 'Eng. Yeah. The, the identities are kind of vague member technical staff.',
        marks: [],
      },
      {
        speaker: 'Felix',
        text: 'I know member staff is like, the official title will carry around forever.',
        marks: [],
      },
    ]);
  });

  test('a lowercase one-off label is text, a repeated one is a speaker', () => {
    const result = parsePlainSpeakerLines(['swyx: Hi.', 'note: this is text', 'swyx: Bye.']);
    expect(result.turns).toStrictEqual([{ speaker: 'swyx', text: 'Hi. note: this is text Bye.', marks: [] }]);
    expect(result.structure).toStrictEqual(['swyx', 'swyx']);
  });

  test('throws parse:plain-speaker on a file with no transcript', () => {
    let error: unknown;
    try {
      parsePlainSpeakerTranscript('', { fileName: 'empty.txt' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PodciteError);
    expect((error as PodciteError).code).toBe('parse:plain-speaker');
  });
});
