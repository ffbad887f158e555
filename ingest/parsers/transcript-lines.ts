/**
 * Line-level pieces shared by the transcript dialects (bracketed, mixed, plain speaker):
 * speaker labels, section headings and inline time marks.
 */
import type { ParsedEpisode, ParsedTurn } from '../../src/domain.js';
import { parseClock } from '../../src/util/time-label.js';
import { episodeIdFromTitle, titleFromFileName } from './episode-id.js';
import type { ParseOptions } from './parse-options.js';
import type { TurnBuilder } from './turn-builder.js';

/** A section heading as read from a transcript; `seconds` is null when the line carries no time. */
export interface Heading {
  title: string;
  seconds: number | null;
}

/** What a dialect's line-level helper returns. */
export interface DialectResult {
  turns: ParsedTurn[];
  /** Every heading line read, in order (a line repeated in the source appears twice). */
  headings: Heading[];
  /**
   * Text read as structure rather than as words of a turn: speaker labels (`swyx:`), name lines,
   * role lines (`Host`). With `turns` and `headings` it accounts for every word of the input.
   */
  structure: string[];
}

/** `[00:05:00]` or `(05:00)` inside text: the time at the next word. */
const INLINE_MARK = /\[((?:\d{1,2}:)?\d{1,2}:\d{2})\]|\(((?:\d{1,2}:)?\d{1,2}:\d{2})\)/g;

const HAS_INLINE_MARK = new RegExp(INLINE_MARK.source);

/** A line that starts with `[hh:mm:ss]` (or `[mm:ss]`). */
const LINE_MARK = /^\[((?:\d{1,2}:)?\d{1,2}:\d{2})\]\s*(.*)$/;

/** `Name: text` — up to four capitalised words (`Speaker 1` too), or one lowercase handle such as `swyx`. */
const LABEL = /^([A-Z][\p{L}\p{N}.'’-]*(?: [\p{Lu}\p{N}][\p{L}\p{N}.'’-]*){0,3}|[a-z][\p{L}\p{N}._-]*):(?:\s+(.*))?$/u;

/** Words that do not count for or against title case. */
const SMALL_WORDS = new Set(
  'a an the and or nor of for to in on at by with vs vs. versus from is are not as into over via per but & + -'.split(
    ' ',
  ),
);

/** One-word lines that are speech, never a heading. */
const INTERJECTIONS = new Set(
  'yeah yes yep no nope okay ok right so um uh mm mm-hmm hmm sure cool wow oh ah exactly totally perfect great nice true correct absolutely interesting amazing'.split(
    ' ',
  ),
);

/** Splits `[hh:mm:ss] rest` into seconds and rest; null when the line does not start with a mark. */
export function readLineMark(line: string): { seconds: number; rest: string } | null {
  const match = LINE_MARK.exec(line);
  if (!match) return null;
  const seconds = parseClock(match[1]!);
  if (seconds === null) return null;
  return { seconds, rest: match[2] ?? '' };
}

/** Splits `Name: text` into label and text; null when the line does not start with a label. */
export function readLabel(line: string): { label: string; text: string } | null {
  const match = LABEL.exec(line);
  if (!match) return null;
  return { label: match[1]!, text: match[2] ?? '' };
}

/** Collapses runs of whitespace to one space and trims. */
export function collapseSpaces(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * True when a line reads like a section heading: a short Title-Case-ish phrase with no sentence
 * inside it and no trailing `.`/`,`/`;` (a question mark is allowed: "What is Moon Lake?").
 * Continuation fragments ("lot,", "Yeah.", "Later.", "ski", "And what are they gonna do with it?")
 * fail one of these tests.
 */
export function isHeadingLike(line: string): boolean {
  const text = collapseSpaces(line);
  if (text.length === 0 || text.length > 90) return false;
  if (/[.,;:…\-–—]$/.test(text)) return false;
  if (/[.!?]\s+\S/.test(text)) return false;
  if (HAS_INLINE_MARK.test(text)) return false;
  const words = text.split(' ');
  if (words.length > 12) return false;
  const bare = words.map((word) => word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''));
  const first = bare[0] ?? '';
  if (!/^[\p{Lu}\p{N}]/u.test(first)) return false;
  if (words.length === 1 && INTERJECTIONS.has(first.toLowerCase())) return false;
  const significant = bare.filter((word) => word.length > 0 && !SMALL_WORDS.has(word.toLowerCase()));
  if (significant.length === 0) return false;
  const capitalised = significant.filter((word) => /^[\p{Lu}\p{N}]/u.test(word)).length;
  return capitalised / significant.length >= 0.6;
}

/** How many lines of `lines` start with each `Label:` (after an optional `[hh:mm:ss]`). */
export function countLabels(lines: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) {
    const rest = readLineMark(line)?.rest ?? line;
    const label = readLabel(rest)?.label;
    if (label) counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return counts;
}

/**
 * Appends a line that may hold inline marks (`[05:00]`, `(05:00)`) to the builder's open turn: each
 * mark times the word after it, and `lineSeconds` (when known) times the line's first word.
 */
export function appendMarkedLine(builder: TurnBuilder, raw: string, lineSeconds: number | null = null): void {
  builder.mark(lineSeconds);
  let last = 0;
  for (const match of raw.matchAll(INLINE_MARK)) {
    builder.append(raw.slice(last, match.index));
    builder.mark(parseClock(match[1] ?? match[2] ?? ''));
    last = match.index + match[0].length;
  }
  builder.append(raw.slice(last));
}

/** Chapters from headings: consecutive repeats of one heading count once. */
export function chaptersFromHeadings(headings: readonly Heading[]): ParsedEpisode['chapters'] {
  const chapters: ParsedEpisode['chapters'] = [];
  for (const heading of headings) {
    if (chapters.at(-1)?.title === heading.title) continue;
    chapters.push({ start: heading.seconds, title: heading.title });
  }
  return chapters;
}

/** The episode a standalone transcript file holds: title and id from the file name, nothing else known. */
export function standaloneEpisode(result: DialectResult, options: ParseOptions): ParsedEpisode {
  const title = titleFromFileName(options.fileName);
  return {
    episodeId: episodeIdFromTitle(title),
    title,
    date: null,
    durationSeconds: null,
    url: null,
    showNotes: null,
    chapters: chaptersFromHeadings(result.headings),
    turns: result.turns,
  };
}
