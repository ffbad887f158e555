import { describe, expect, test } from 'vitest';
import { sentenceSpans, splitSentences } from '../../src/util/split-sentences.js';

function texts(chunk: { text: string; speaker: string | null; speakers: string[] }) {
  return splitSentences(chunk).map((sentence) => [chunk.text.slice(sentence.start, sentence.end), sentence.speaker]);
}

describe('splitSentences', () => {
  test('splits at sentence ends, keeps closing quotes, skips abbreviations and initials', () => {
    const chunk = {
      text: 'Dr. Smith met J. Doe at 2.5 p.m. today. He said "wow!" Then e.g. nothing?  Fine',
      speaker: 'Host',
      speakers: ['Host'],
    };
    expect(texts(chunk)).toStrictEqual([
      ['Dr. Smith met J. Doe at 2.5 p.m. today.', 'Host'],
      ['He said "wow!"', 'Host'],
      ['Then e.g. nothing?', 'Host'],
      ['Fine', 'Host'],
    ]);
  });

  test('each item of a list in show notes is a sentence of its own; an item number ends nothing', () => {
    const text =
      'We discuss\n* Felix’s path: Slack, Electron\n* Why “user-friendly” is not “less powerful”\n- A third item. With two sentences.\n2. A numbered item\nthat wraps';
    expect(sentenceSpans(text).map((span) => span.text)).toStrictEqual([
      'We discuss',
      '* Felix’s path: Slack, Electron',
      '* Why “user-friendly” is not “less powerful”',
      '- A third item.',
      'With two sentences.',
      '2. A numbered item\nthat wraps',
    ]);
  });

  test('a blank line, and a line break after a colon, end a sentence; a colon inside a line does not', () => {
    const text =
      'This is enabled by game engines:\nIn Towards Efficient World Models, Chris joins\n\nA heading\n\nTime: 10:30 is fine';
    expect(sentenceSpans(text).map((span) => span.text)).toStrictEqual([
      'This is enabled by game engines:',
      'In Towards Efficient World Models, Chris joins',
      'A heading',
      'Time: 10:30 is fine',
    ]);
  });

  test('a speaker prefix starts a new sentence and is not part of it', () => {
    const chunk = {
      text: 'Ann Lee: Hello there. Note: this is fine Bob: yes it is',
      speaker: 'Ann Lee',
      speakers: ['Ann Lee', 'Bob'],
    };
    expect(texts(chunk)).toStrictEqual([
      ['Hello there.', 'Ann Lee'],
      ['Note: this is fine', 'Ann Lee'],
      ['yes it is', 'Bob'],
    ]);
  });

  test('offsets are verbatim slices and indexes count up', () => {
    const chunk = { text: '  One.  Two!\nThree ', speaker: null, speakers: [] };
    expect(splitSentences(chunk)).toStrictEqual([
      { start: 2, end: 6, speaker: null, index: 0 },
      { start: 8, end: 12, speaker: null, index: 1 },
      { start: 13, end: 18, speaker: null, index: 2 },
    ]);
  });

  test('an unpunctuated run is cut at word boundaries below 320 characters', () => {
    const text = Array.from({ length: 120 }, (_, index) => `word${index}`).join(' ');
    const sentences = splitSentences({ text, speaker: null, speakers: [] });
    expect(sentences.length).toBe(3);
    expect(sentences.every((sentence) => sentence.end - sentence.start <= 320)).toBe(true);
    expect(sentences.map((sentence) => text.slice(sentence.start, sentence.end)).join(' ')).toBe(text);
  });
});

describe('sentenceSpans', () => {
  test('splits after . ! ? …, keeping spans that slice the input', () => {
    const text = 'Okay. We’re back in the studio! Is it on? Yes… It is “Quoted.” Done';
    const sentences = sentenceSpans(text);
    expect(sentences.map((sentence) => sentence.text)).toStrictEqual([
      'Okay.',
      'We’re back in the studio!',
      'Is it on?',
      'Yes…',
      'It is “Quoted.”',
      'Done',
    ]);
    for (const sentence of sentences) expect(text.slice(sentence.start, sentence.end)).toBe(sentence.text);
  });

  test.each([
    [
      'I have a big question on Mr. Al, Mr. Small. So what is small?',
      ['I have a big question on Mr. Al, Mr. Small.', 'So what is small?'],
    ],
    ['Ask Dr. Lee, e.g. Lee. Then go.', ['Ask Dr. Lee, e.g. Lee.', 'Then go.']],
    // Speech-to-text often starts sentences in lower case; an initial ("B.") still does not end one.
    ['It costs 3.6 B. and then, well. yes', ['It costs 3.6 B. and then, well.', 'yes']],
    ['I said no. Then we left.', ['I said no.', 'Then we left.']],
    ['J. R. R. Tolkien wrote it. Really.', ['J. R. R. Tolkien wrote it.', 'Really.']],
    ['Version 4. 2 is out.', ['Version 4.', '2 is out.']],
  ])('%j', (text, expected) => {
    expect(sentenceSpans(text).map((sentence) => sentence.text)).toStrictEqual(expected);
  });

  test('empty and blank text have no sentences', () => {
    expect(sentenceSpans('')).toStrictEqual([]);
    expect(sentenceSpans('   ')).toStrictEqual([]);
  });
});
