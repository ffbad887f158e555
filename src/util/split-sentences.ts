/**
 * Sentence boundaries in transcript text, as character ranges, so quotes can be cut verbatim and
 * times can follow them. The one splitter behind ingest's chunking (`sentenceSpans`), the
 * answerer's and the eval's sentences of a chunk (`splitSentences`).
 */
import type { Chunk } from '../domain.js';

/** A sentence as a range of the input: `text.slice(start, end)`, trimmed, never empty. */
export interface SentenceRange {
  start: number;
  end: number;
}

/**
 * Lowercased words that end with a full stop without ending a sentence. Conversational words that
 * also abbreviate ("no.", "co.") are left out: in talk they end sentences far more often.
 */
const ABBREVIATIONS: ReadonlySet<string> = new Set([
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
  'inc',
  'ltd',
  'jr',
  'sr',
  'fig',
  'approx',
]);

/**
 * `.`, `!`, `?` or `…` runs with any closing quotes or brackets, followed by whitespace; or (an empty
 * match) the line break before a list item ("* ", "- ", "• ", "2. "), a blank line, or a line break
 * after a colon: show notes put topics one per line and lead into lists and paragraphs with a colon,
 * with no full stops.
 */
const BOUNDARY = /[.!?…]+["'”’)\]]*(?=\s)|(?=\n[ \t]*(?:[*•\-–]|\d{1,2}[.)])[ \t])|(?=\n[ \t]*\n)|(?<=:)(?=[ \t]*\n)/gu;

/** A capital initial ("J") or a dotted form ("p.m", "U.S"); a lone lower-case letter ends sentences ("plan b."). */
const INITIALS = /^(?:\p{Lu}|(?:\p{L}\.)+\p{L})$/u;

/**
 * Sentences of `text[from, to)`. A sentence ends at `.`, `!`, `?` or `…` (with any closing quotes)
 * followed by whitespace, whatever comes next (speech-to-text often starts a sentence in lower
 * case), except a lone `.` after a known abbreviation or an initial ("Dr.", "e.g.", "J.", "p.m.") or
 * after an item number opening a line ("2. "); in show notes also at the line breaks `BOUNDARY` names.
 */
export function sentenceRanges(text: string, from = 0, to = text.length): SentenceRange[] {
  const body = text.slice(from, to);
  const ranges: SentenceRange[] = [];
  let start = 0;
  for (const match of body.matchAll(BOUNDARY)) {
    const stop = match.index + match[0].length;
    if (match[0] === '.') {
      // "2. " opening a numbered line numbers an item; it ends nothing.
      const lineStart = body.lastIndexOf('\n', match.index - 1) + 1;
      if (/^[ \t]*\d{1,2}$/u.test(body.slice(Math.max(lineStart, start), match.index))) continue;
      const word = wordBefore(body, start, match.index);
      if (ABBREVIATIONS.has(word.toLowerCase()) || INITIALS.test(word)) continue;
    }
    pushTrimmed(ranges, text, from + start, from + stop);
    start = stop;
  }
  pushTrimmed(ranges, text, from + start, from + body.length);
  return ranges;
}

const WORD_CHARACTER = /^[\p{L}.]$/u;

/**
 * The run of letters and dots that ends at `end` (the word a full stop follows), not reaching back
 * past `floor`. Scans back from the stop, so a long stretch with many skipped stops ("Dr. … J. …")
 * costs the length of each word, not of the whole stretch again at every stop.
 */
function wordBefore(text: string, floor: number, end: number): string {
  let start = end;
  while (start > floor) {
    const code = text.charCodeAt(start - 1);
    // A low surrogate ends a letter outside the BMP: test the whole code point.
    const width = code >= 0xdc00 && code <= 0xdfff && start - 2 >= floor ? 2 : 1;
    if (!WORD_CHARACTER.test(text.slice(start - width, start))) break;
    start -= width;
  }
  return text.slice(start, end);
}

/** `sentenceRanges` with each sentence's text. */
export function sentenceSpans(text: string): Array<SentenceRange & { text: string }> {
  return sentenceRanges(text).map((range) => ({ ...range, text: text.slice(range.start, range.end) }));
}

/** Trims whitespace off both ends of a range. */
export function trimRange(text: string, range: SentenceRange): SentenceRange {
  let { start, end } = range;
  while (start < end && /\s/u.test(text[start] ?? '')) start++;
  while (end > start && /\s/u.test(text[end - 1] ?? '')) end--;
  return { start, end };
}

function pushTrimmed(ranges: SentenceRange[], text: string, start: number, end: number): void {
  const range = trimRange(text, { start, end });
  if (range.end > range.start) ranges.push(range);
}

/** A sentence inside a chunk, located by character offsets so a quote can be cut verbatim. */
export interface Sentence {
  /** Offset of the first character in `chunk.text`. */
  start: number;
  /** Offset just past the last character in `chunk.text` (exclusive). */
  end: number;
  /** Who says it: the turn's `Speaker: ` prefix in grouped chunks, else the chunk's speaker. */
  speaker: string | null;
  /** Position of the sentence within the chunk (0-based). */
  index: number;
}

/** Unpunctuated transcript runs longer than this many characters are cut at word boundaries. */
const MAX_SENTENCE_CHARS = 320;

function escapeForPattern(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Turn segments of a chunk. Grouped short turns carry `Name: ` prefixes (see `Chunk.text`);
 * only names listed in `chunk.speakers` count, so "Note: this…" inside a turn is not a turn.
 */
function turnSegments(chunk: Pick<Chunk, 'text' | 'speaker' | 'speakers'>): Array<{
  start: number;
  end: number;
  speaker: string | null;
}> {
  const text = chunk.text;
  const names = [...chunk.speakers].filter((name) => name.length > 0).sort((a, b) => b.length - a.length);
  if (names.length === 0) return [{ start: 0, end: text.length, speaker: chunk.speaker }];
  const prefix = new RegExp(`(?:^|(?<=\\s))(${names.map(escapeForPattern).join('|')}): `, 'gu');
  const segments: Array<{ start: number; end: number; speaker: string | null }> = [];
  let current = { start: 0, speaker: chunk.speaker };
  for (const match of text.matchAll(prefix)) {
    const index = match.index ?? 0;
    if (index > current.start) segments.push({ ...current, end: index });
    current = { start: index + match[0].length, speaker: match[1] ?? chunk.speaker };
  }
  segments.push({ ...current, end: text.length });
  return segments.filter((segment) => text.slice(segment.start, segment.end).trim().length > 0);
}

/** Cuts an over-long run at the last space before the limit, so a quote stays readable. */
function capLength(text: string, range: { start: number; end: number }): Array<{ start: number; end: number }> {
  const pieces: Array<{ start: number; end: number }> = [];
  let start = range.start;
  while (range.end - start > MAX_SENTENCE_CHARS) {
    const space = text.lastIndexOf(' ', start + MAX_SENTENCE_CHARS);
    const cut = space > start + MAX_SENTENCE_CHARS / 2 ? space : start + MAX_SENTENCE_CHARS;
    pieces.push({ start, end: cut });
    start = cut;
    while (start < range.end && /\s/u.test(text[start] ?? '')) start++;
  }
  if (range.end > start) pieces.push({ start, end: range.end });
  return pieces;
}

/**
 * Splits a chunk's text into sentences with exact offsets. A sentence ends at `.`, `!`, `?` or `…`
 * (with any closing quotes) followed by whitespace, except after a known abbreviation or an initial;
 * a speaker change always ends one. Every sentence is a verbatim, trimmed slice of `chunk.text`.
 */
export function splitSentences(chunk: Pick<Chunk, 'text' | 'speaker' | 'speakers'>): Sentence[] {
  const text = chunk.text;
  const sentences: Sentence[] = [];
  for (const segment of turnSegments(chunk)) {
    const ranges = sentenceRanges(text, segment.start, segment.end);
    for (const range of ranges) {
      for (const piece of capLength(text, range)) {
        const clean = trimRange(text, piece);
        if (clean.end <= clean.start) continue;
        sentences.push({ ...clean, speaker: segment.speaker, index: sentences.length });
      }
    }
  }
  return sentences;
}
