import { expect, test } from 'vitest';
import {
  formatAnswerForClipboard,
  formatReference,
  speakerLabel,
  timeLabel,
} from '../../../web/src/format-reference.js';
import { fakeCitation } from '../../support/fake-answerer.js';

test.each([
  [{ timestampLabel: '1:02:03', approximate: false }, '1:02:03'],
  [{ timestampLabel: '02:03', approximate: true }, '≈ 02:03'],
  [{ timestampLabel: null, approximate: true }, 'time unknown'],
])('timeLabel(%o) is %s', (citation, expected) => {
  expect(timeLabel(citation)).toBe(expected);
});

test('a reference reads Episode — Speaker — time — "quote", leaving out an unknown speaker', () => {
  expect(formatReference(fakeCitation())).toBe(
    'Episode One — Alice — 01:05 — "Vector search is only half of retrieval."',
  );
  expect(formatReference(fakeCitation({ speaker: null, approximate: true }))).toBe(
    'Episode One — ≈ 01:05 — "Vector search is only half of retrieval."',
  );
});

test('a copied answer lists its references after it', () => {
  const citations = [fakeCitation(), fakeCitation({ n: 2, speaker: 'Bob', timestampLabel: '1:00:00', quote: 'Q.' })];
  expect(formatAnswerForClipboard('Answer [1] [2]', citations)).toBe(
    'Answer [1] [2]\n\nSources:\n[1] Episode One — Alice — 01:05 — "Vector search is only half of retrieval."\n[2] Episode One — Bob — 1:00:00 — "Q."',
  );
  expect(formatAnswerForClipboard('No sources', [])).toBe('No sources');
});

test.each([
  [{ speaker: 'Ada Byron', timestampLabel: '12:34' }, 'Ada Byron'],
  [{ speaker: null, timestampLabel: null }, 'Show notes'],
  [{ speaker: null, timestampLabel: '01:00' }, 'Unknown speaker'],
])('speakerLabel(%o) is %s', (citation, expected) => {
  expect(speakerLabel(citation)).toBe(expected);
});
