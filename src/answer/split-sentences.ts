import type { Chunk } from '../domain.js';

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

/** Words after which a full stop does not end a sentence (initials and dotted forms like `p.m.` also don't). */
const ABBREVIATIONS = new Set(['mr', 'mrs', 'ms', 'dr', 'prof', 'st', 'vs', 'etc', 'e.g', 'i.e', 'inc', 'jr', 'sr']);

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

/** Trims whitespace off both ends of a range. */
function trimRange(text: string, range: { start: number; end: number }): { start: number; end: number } {
  let { start, end } = range;
  while (start < end && /\s/u.test(text[start] ?? '')) start++;
  while (end > start && /\s/u.test(text[end - 1] ?? '')) end--;
  return { start, end };
}

/**
 * Splits a chunk's text into sentences with exact offsets. A sentence ends at `.`, `!`, `?` or `…`
 * (with any closing quotes) followed by whitespace, except after a known abbreviation or an initial;
 * a speaker change always ends one. Every sentence is a verbatim, trimmed slice of `chunk.text`.
 */
export function splitSentences(chunk: Pick<Chunk, 'text' | 'speaker' | 'speakers'>): Sentence[] {
  const text = chunk.text;
  const sentences: Sentence[] = [];
  const boundary = /[.!?…]+["'”’)\]]*(?=\s)/gu;
  for (const segment of turnSegments(chunk)) {
    const body = text.slice(segment.start, segment.end);
    let sentenceStart = 0;
    const ranges: Array<{ start: number; end: number }> = [];
    for (const match of body.matchAll(boundary)) {
      const stop = (match.index ?? 0) + match[0].length;
      const before = /([\p{L}.]+)[.]$/u.exec(body.slice(sentenceStart, (match.index ?? 0) + 1));
      const word = before?.[1]?.toLowerCase();
      if (match[0] === '.' && word !== undefined && (ABBREVIATIONS.has(word) || /^(?:\p{L}\.)*\p{L}$/u.test(word)))
        continue;
      ranges.push({ start: segment.start + sentenceStart, end: segment.start + stop });
      sentenceStart = stop;
    }
    ranges.push({ start: segment.start + sentenceStart, end: segment.end });
    for (const range of ranges) {
      const trimmed = trimRange(text, range);
      if (trimmed.end <= trimmed.start) continue;
      for (const piece of capLength(text, trimmed)) {
        const clean = trimRange(text, piece);
        if (clean.end <= clean.start) continue;
        sentences.push({ ...clean, speaker: segment.speaker, index: sentences.length });
      }
    }
  }
  return sentences;
}
