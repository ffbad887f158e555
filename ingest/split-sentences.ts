/** Sentence boundaries in transcript text, kept as character spans so times can follow them. */

/** A sentence as a span of the input: `text === input.slice(start, end)`. */
export interface SentenceSpan {
  start: number;
  end: number;
  text: string;
}

/** Lowercased words that end with a period without ending a sentence. */
const ABBREVIATIONS = new Set([
  'mr',
  'mrs',
  'ms',
  'dr',
  'prof',
  'st',
  'vs',
  'etc',
  'e.g',
  'i.e',
  'jr',
  'sr',
  'inc',
  'ltd',
  'co',
  'no',
  'fig',
  'approx',
  'u.s',
]);

/**
 * Splits text after `.`, `!`, `?` or `…` (and any closing quotes) when whitespace and a capital,
 * digit or opening quote follow, except after abbreviations ("Mr.", "e.g.") and initials ("J.").
 * The spans cover every non-space character of the input, in order.
 */
export function splitSentences(text: string): SentenceSpan[] {
  const spans: SentenceSpan[] = [];
  const boundary = /[.!?…]+["'”’)\]]*(?=\s+["'“‘([]?[\p{Lu}\p{N}])/gu;
  let start = 0;
  for (const match of text.matchAll(boundary)) {
    const end = match.index + match[0].length;
    if (match[0].startsWith('.') && !/[!?…]/.test(match[0])) {
      const word = /(\S+)$/.exec(text.slice(start, match.index))?.[1] ?? '';
      const bare = word.replace(/^["'“‘(]+/, '').toLowerCase();
      if (ABBREVIATIONS.has(bare) || /^\p{Lu}$/u.test(word)) continue;
    }
    pushSpan(spans, text, start, end);
    start = end;
  }
  pushSpan(spans, text, start, text.length);
  return spans;
}

function pushSpan(spans: SentenceSpan[], text: string, from: number, to: number): void {
  let start = from;
  let end = to;
  while (start < end && /\s/.test(text[start]!)) start += 1;
  while (end > start && /\s/.test(text[end - 1]!)) end -= 1;
  if (end > start) spans.push({ start, end, text: text.slice(start, end) });
}
