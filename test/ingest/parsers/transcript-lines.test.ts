import { describe, expect, test } from 'vitest';
import { appendMarkedLine, isHeadingLike, readLabel } from '../../../ingest/parsers/transcript-lines.js';
import { TurnBuilder } from '../../../ingest/parsers/turn-builder.js';

describe('isHeadingLike', () => {
  test.each([
    'Cold Open',
    'Meet the Founders',
    'What is Moon Lake?',
    'Structure, Not Scale: The Vision',
    'The Bitter Lesson & Data Abstraction',
    'Hiring, Closing & The Name “Moon Lake”',
    'Chris Manning’s Journey: From NLP to World Models',
    'Rie: Neural Rendering & Skins for Worlds',
    'Long-Form Speech Models',
    'AI for Science Partnerships',
    'Wrap Up and Thanks',
  ])('heading: %s', (line) => {
    expect(isHeadingLike(line)).toBe(true);
  });

  // Continuation lines from the page that sit right before a labelled line.
  test.each([
    'lot,',
    'Yeah.',
    'Yeah',
    'Later.',
    'Easy. Yeah.',
    'ski',
    'Like,',
    'Many of those, yeah.',
    'And what are they gonna do with it?',
    'Where is this going gonna end up?',
    'Not to say it’s not like',
    'Perfect. It’s',
    'Uh, clear bit',
    'But these days so much of what people are wanting to do is nothing like that, right?',
    'refreshing [00:01:00] New Take',
  ])('not a heading: %s', (line) => {
    expect(isHeadingLike(line)).toBe(false);
  });
});

describe('readLabel', () => {
  test.each([
    ['swyx: Okay.', { label: 'swyx', text: 'Okay.' }],
    ['Fan-yun Sun: Thanks.', { label: 'Fan-yun Sun', text: 'Thanks.' }],
    ['David Singleton:', { label: 'David Singleton', text: '' }],
    ['Speaker 1: Hi.', { label: 'Speaker 1', text: 'Hi.' }],
    ['So the question is: why?', null],
    ['Uh, well: no', null],
  ])('%j', (line, expected) => {
    expect(readLabel(line)).toStrictEqual(expected);
  });
});

describe('appendMarkedLine', () => {
  test('keeps each mark on the word after it while collapsing whitespace', () => {
    const builder = new TurnBuilder();
    builder.chapter = 'Intro';
    builder.startTurn('swyx');
    appendMarkedLine(builder, '  first   words [00:01:00]   next ', 50);
    appendMarkedLine(builder, '(01:05) more (01:06), attached (01:10)');
    builder.startTurn('Alessio');
    appendMarkedLine(builder, 'reply');
    expect(builder.finish()).toStrictEqual([
      {
        speaker: 'swyx',
        text: 'first words next more, attached',
        marks: [
          { offset: 0, seconds: 50 },
          { offset: 12, seconds: 60 },
          { offset: 17, seconds: 65 },
          // Punctuation after a mark attaches to the word before it and carries the mark.
          { offset: 21, seconds: 66 },
        ],
        chapter: 'Intro',
      },
      // A mark after a turn's last word times the next words spoken.
      { speaker: 'Alessio', text: 'reply', marks: [{ offset: 0, seconds: 70 }], chapter: 'Intro' },
    ]);
  });
});
