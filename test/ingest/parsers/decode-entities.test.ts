import { expect, test } from 'vitest';
import { decodeEntities } from '../../../ingest/parsers/decode-entities.js';

test.each([
  ['numeric, decimal and hex', 'it&#39;s &#x27;quoted&#X27;', "it's 'quoted'"],
  ['the six WebVTT names', '&amp; &lt; &gt; &lrm; &rlm; &nbsp;', '& < > \u200E \u200F \u00A0'],
  ['every HTML name, not only the common ones', '&copy; caf&eacute; &hellip; &mdash;', '© café … —'],
  ['a reference must end with a semicolon', 'AT&T and &amp no semicolon', 'AT&T and &amp no semicolon'],
  ['an unknown name stays as written', '&bogus; &NotAName;', '&bogus; &NotAName;'],
  ['a number that names no character is U+FFFD, as in a browser', '&#0; &#xD800; &#x110000;', '\uFFFD \uFFFD \uFFFD'],
  ['text without & is returned as is', 'plain text', 'plain text'],
])('%s', (_name, text, expected) => {
  expect(decodeEntities(text)).toBe(expected);
});
