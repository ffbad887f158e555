import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseBracketedLines, parseBracketedTranscript } from '../../../ingest/parsers/bracketed-transcript.js';
import { PodciteError } from '../../../src/errors.js';

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

const fixture = readFileSync(new URL('../../fixtures/latent-space/bracketed-moonlake.txt', import.meta.url), 'utf8');

describe('parseBracketedTranscript', () => {
  test('reads turns, headings, continuation lines and inline marks from the Moonlake excerpt', () => {
    const [episode] = parseBracketedTranscript(fixture, { fileName: 'transcripts/bracketed-moonlake.txt' });
    expect(episode).toBeDefined();
    expect({ ...episode!, turns: undefined }).toStrictEqual({
      episodeId: 'bracketed-moonlake',
      title: 'Bracketed Moonlake',
      date: null,
      durationSeconds: null,
      url: null,
      showNotes: null,
      chapters: [
        { start: 41, title: 'Meet the Founders' },
        { start: 336, title: 'Defining World Models vs Video Generation' },
        { start: 1408, title: 'Beyond Unity: Cognitive Tools for World Building' },
        { start: 1586, title: 'Rie: Neural Rendering & Skins for Worlds' },
      ],
      turns: undefined,
    });
    expect(episode!.turns).toStrictEqual([
      {
        speaker: 'swyx',
        text: 'Okay. We’re back in the studio with Moon Lake’s, two leads. I, I guess there’s other founders as well, but, sun and Chris Manning. Welcome to the studio.',
        marks: [{ offset: 0, seconds: 41 }],
        chapter: 'Meet the Founders',
      },
      {
        speaker: 'Fan-yun Sun',
        text: 'Thanks. Thanks, Chris. Thanks for having us.',
        marks: [{ offset: 0, seconds: 54 }],
        chapter: 'Meet the Founders',
      },
      {
        speaker: 'swyx',
        text: 'You’ve got, you guys have, come burst onto the scene with a really refreshing new take of mold models.',
        // `[00:01:00]` sat before "new": offset 78 is that word.
        marks: [
          { offset: 0, seconds: 56 },
          { offset: 78, seconds: 60 },
        ],
        chapter: 'Meet the Founders',
      },
      {
        speaker: 'Chris Manning',
        text: 'Yeah. Well, scale is good too.',
        marks: [{ offset: 0, seconds: 297 }],
        chapter: 'Meet the Founders',
      },
      {
        // `[00:04:59] lot,` has no label: swyx's words, not a heading.
        speaker: 'swyx',
        text: 'Yeah. Scale is good. Too lot,',
        marks: [
          { offset: 0, seconds: 298 },
          { offset: 25, seconds: 299 },
        ],
        chapter: 'Meet the Founders',
      },
      {
        // `[00:04:59] Chris Manning: [00:05:00] lots…`: two marks on one word keep the later.
        speaker: 'Chris Manning',
        text: 'lots of data is good as well and scale, but nevertheless, you want the structure Yeah. To be able to much more efficiently learn.',
        marks: [{ offset: 0, seconds: 300 }],
        chapter: 'Meet the Founders',
      },
      {
        speaker: 'swyx',
        text: 'Yeah. The other thing I really liked also is you put out an example of what your kind of reasoning traces look like. Right. Which you would distill is the word that comes to mind. I don’t even think that’s a good, good description, but it would involve, for example, geometry, physics, affordances, symbolic logic, perceptual mappings, and what, what have you. But like that, that is the kind of example that involves, let’s call it spatial reasoning, role model reasoning as as compared to normal LM reasoning. Yeah.',
        // `[00:05:35] Yeah.` continues swyx.
        marks: [
          { offset: 0, seconds: 307 },
          { offset: 117, seconds: 312 },
          { offset: 512, seconds: 335 },
        ],
        chapter: 'Meet the Founders',
      },
      {
        speaker: 'Vibhu',
        text: 'But also like taking it a step back. So how do you guys define world models? A lot of people see okay, you can do diffusion, you can do video generation. But, you guys put out quite a few blog posts. You put out a essay recently, we can even pull it up about efficient world models. You have a pretty like structural definition here, but for the general audience that don’t super follow the space, right.',
        marks: [{ offset: 0, seconds: 336 }],
        chapter: 'Defining World Models vs Video Generation',
      },
      {
        speaker: 'swyx',
        text: 'There,',
        marks: [{ offset: 0, seconds: 1408 }],
        chapter: 'Defining World Models vs Video Generation',
      },
      {
        // The heading `Beyond Unity: …` has a colon but labels no one: it splits swyx's words.
        speaker: 'swyx',
        text: 'there’s two cheeky elements of that. I mean, the, the, the I guess, less ambitious one is, let’s really establish for listeners, why is this fundamentally different than writing Unity code, right?',
        marks: [{ offset: 0, seconds: 1411 }],
        chapter: 'Beyond Unity: Cognitive Tools for World Building',
      },
      {
        speaker: 'Fan-yun Sun',
        text: 'Yeah.',
        marks: [{ offset: 0, seconds: 1585 }],
        chapter: 'Beyond Unity: Cognitive Tools for World Building',
      },
      {
        speaker: 'Vibhu',
        text: 'Introduce,',
        marks: [{ offset: 0, seconds: 1585 }],
        chapter: 'Beyond Unity: Cognitive Tools for World Building',
      },
      {
        speaker: 'Fan-yun Sun',
        text: 'yeah, totally.',
        marks: [{ offset: 0, seconds: 1586 }],
        chapter: 'Beyond Unity: Cognitive Tools for World Building',
      },
      {
        speaker: 'Fan-yun Sun',
        text: 'So within our world modeling framework, we think there are two models that we train, right?',
        marks: [{ offset: 0, seconds: 1586 }],
        chapter: 'Rie: Neural Rendering & Skins for Worlds',
      },
    ]);
  });

  test('reports every heading and label it consumed', () => {
    const result = parseBracketedLines(fixture.split('\n'));
    expect(result.headings).toStrictEqual([
      { title: 'Meet the Founders', seconds: 41 },
      { title: 'Defining World Models vs Video Generation', seconds: 336 },
      { title: 'Beyond Unity: Cognitive Tools for World Building', seconds: 1408 },
      { title: 'Rie: Neural Rendering & Skins for Worlds', seconds: 1586 },
    ]);
    expect(result.structure).toStrictEqual([
      'swyx',
      'Fan-yun Sun',
      'swyx',
      'Chris Manning',
      'swyx',
      'Chris Manning',
      'swyx',
      'Vibhu',
      'swyx',
      'swyx',
      'Fan-yun Sun',
      'Vibhu',
      'Fan-yun Sun',
      'Fan-yun Sun',
    ]);
  });

  test.each([
    [
      'a heading far before the next turn is text',
      '[00:10:00] Big Ideas Here\n[00:11:00] swyx: Yes.\n[00:11:05] swyx: No.',
    ],
    [
      'a heading with no labelled turn after it is text',
      '[00:10:00] swyx: Hi.\n[00:10:01] Big Ideas Here\n[00:10:02] and more',
    ],
  ])('%s', (_name, text) => {
    const result = parseBracketedLines(text.split('\n'));
    expect(result.headings).toStrictEqual([]);
  });

  test('a continuation line before any label has no speaker', () => {
    const result = parseBracketedLines([
      '[00:00:03] so we begin',
      '[00:00:05] swyx: Welcome.',
      '[00:00:07] swyx: Again.',
    ]);
    expect(result.turns).toStrictEqual([
      { speaker: null, text: 'so we begin', marks: [{ offset: 0, seconds: 3 }] },
      {
        speaker: 'swyx',
        text: 'Welcome. Again.',
        marks: [
          { offset: 0, seconds: 5 },
          { offset: 9, seconds: 7 },
        ],
      },
    ]);
  });

  test('throws parse:bracketed on a file with no transcript', () => {
    const error = thrown(() => parseBracketedTranscript('\n\n', { fileName: 'empty.txt' }));
    expect(error).toBeInstanceOf(PodciteError);
    expect((error as PodciteError).code).toBe('parse:bracketed');
  });
});
