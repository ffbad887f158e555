import { describe, expect, test } from 'vitest';
import { splitSentences } from '../../ingest/split-sentences.js';

describe('splitSentences', () => {
  test('splits after . ! ? … before a capital, keeping spans that slice the input', () => {
    const text = 'Okay. We’re back in the studio! Is it on? Yes… It is “Quoted.” Done';
    const sentences = splitSentences(text);
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
    ['It costs 3.6 B. and then, well. yes', ['It costs 3.6 B. and then, well. yes']],
    ['J. R. R. Tolkien wrote it. Really.', ['J. R. R. Tolkien wrote it.', 'Really.']],
    ['Version 4. 2 is out.', ['Version 4.', '2 is out.']],
  ])('%j', (text, expected) => {
    expect(splitSentences(text).map((sentence) => sentence.text)).toStrictEqual(expected);
  });

  test('empty and blank text have no sentences', () => {
    expect(splitSentences('')).toStrictEqual([]);
    expect(splitSentences('   ')).toStrictEqual([]);
  });
});
