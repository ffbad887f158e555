import { expect, test } from 'vitest';
import { splitAnswer } from '../../../web/src/answer-segments.js';

test('known [n] markers become citations; unknown ones and other brackets stay text', () => {
  expect(splitAnswer('In [2020] Ada said so [1][3]. Also [2].', new Set([1, 2]))).toStrictEqual([
    [
      { kind: 'text', text: 'In [2020] Ada said so ' },
      { kind: 'citation', n: 1 },
      { kind: 'text', text: '[3]. Also ' },
      { kind: 'citation', n: 2 },
      { kind: 'text', text: '.' },
    ],
  ]);
});

test('blank lines separate paragraphs; markup stays plain text', () => {
  expect(splitAnswer('First <b>bold</b> [1]\n\n \n\nSecond', new Set([1]))).toStrictEqual([
    [
      { kind: 'text', text: 'First <b>bold</b> ' },
      { kind: 'citation', n: 1 },
    ],
    [{ kind: 'text', text: 'Second' }],
  ]);
});

test('an empty answer has no paragraphs', () => {
  expect(splitAnswer('  ', new Set())).toStrictEqual([]);
});

test('[2, 3] lists and [2][3] runs become one citation per number; a list naming an unknown source stays text', () => {
  expect(splitAnswer('Both [2, 3] and [2][3], not [2, 9].', new Set([2, 3]))).toStrictEqual([
    [
      { kind: 'text', text: 'Both ' },
      { kind: 'citation', n: 2 },
      { kind: 'citation', n: 3 },
      { kind: 'text', text: ' and ' },
      { kind: 'citation', n: 2 },
      { kind: 'citation', n: 3 },
      { kind: 'text', text: ', not [2, 9].' },
    ],
  ]);
});
