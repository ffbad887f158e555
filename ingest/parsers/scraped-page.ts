/**
 * A podcast page scraped to text (the bundled radio.net page, Dutch UI). Each episode block is a
 * `• Podcast name` line, the title, a `dd-mm-yyyy | 1 u. 6 Min.` line, show notes, an optional
 * `Timestamps` line with a glued chapter list, and an optional `Transcript` in one of three
 * dialects; the block ends before the "This is a public episode…" boilerplate.
 */
import type { Chapter, ParsedEpisode } from '../../src/domain.js';
import { PodciteError } from '../../src/errors.js';
import { looksBracketed, parseBracketedLines } from './bracketed-transcript.js';
import { episodeIdFromTitle } from './episode-id.js';
import { looksMixed, parseMixedLines } from './mixed-transcript.js';
import type { ParseOptions } from './parse-options.js';
import { parsePlainSpeakerLines } from './plain-speaker-transcript.js';
import { chaptersFromHeadings, type DialectResult } from './transcript-lines.js';

const BULLET = /^\s*•\s+\S/;
const DATE_LINE = /^\s*(\d{1,2})-(\d{1,2})-(\d{4})\s*\|\s*(.*?)\s*$/;
const BOILERPLATE = /^\s*This is a public episode\b/;
/** `00:47` or `1:01:26` inside a glued chapter list. */
const CHAPTER_TIME = /(?:(\d{1,2}):)?(\d{1,2}):(\d{2})/g;

/** Which transcript dialect a section is written in. */
export type TranscriptDialect = 'bracketed' | 'mixed' | 'plain-speaker';

/** Picks the dialect of a transcript section from its lines. */
export function detectTranscriptDialect(lines: readonly string[]): TranscriptDialect {
  if (looksBracketed(lines)) return 'bracketed';
  if (looksMixed(lines)) return 'mixed';
  return 'plain-speaker';
}

/** Reads a transcript section with the helper for its dialect. */
export function parseTranscriptSection(lines: readonly string[]): DialectResult {
  switch (detectTranscriptDialect(lines)) {
    case 'bracketed':
      return parseBracketedLines(lines);
    case 'mixed':
      return parseMixedLines(lines);
    default:
      return parsePlainSpeakerLines(lines);
  }
}

/** `1 u. 6 Min.` → 3960, `48 Min.` → 2880; null when nothing is recognised. */
export function parseDutchDuration(text: string): number | null {
  const hours = /(\d+)\s*(?:u|uur|h|hr)\b\.?/i.exec(text);
  const minutes = /(\d+)\s*(?:min)\b\.?/i.exec(text);
  const seconds = /(\d+)\s*(?:sec|s)\b\.?/i.exec(text);
  if (!hours && !minutes && !seconds) return null;
  return Number(hours?.[1] ?? 0) * 3600 + Number(minutes?.[1] ?? 0) * 60 + Number(seconds?.[1] ?? 0);
}

/**
 * Splits a glued chapter list (`00:00 Title00:47 Next…`, `00:00 — Title…`, `1:01:26 — …`) into
 * chapters. A time earlier than the one before it is read as part of the title.
 */
export function parseChapterList(text: string): Chapter[] {
  const found: { index: number; end: number; seconds: number }[] = [];
  for (const match of text.matchAll(CHAPTER_TIME)) {
    const seconds = Number(match[1] ?? 0) * 3600 + Number(match[2]) * 60 + Number(match[3]);
    if (Number(match[3]) >= 60 || (match[1] !== undefined && Number(match[2]) >= 60)) continue;
    const previous = found.at(-1);
    if (previous && seconds <= previous.seconds) continue;
    found.push({ index: match.index, end: match.index + match[0].length, seconds });
  }
  return found
    .map((time, position) => ({
      start: time.seconds,
      title: text
        .slice(time.end, found[position + 1]?.index ?? text.length)
        .replace(/^[\s—–\-:|]+/, '')
        .replace(/\s+/g, ' ')
        .trim(),
    }))
    .filter((chapter) => chapter.title.length > 0);
}

interface Block {
  title: string;
  dateLine: RegExpExecArray;
  /** Lines after the date line, up to the boilerplate or the next episode. */
  body: string[];
}

function findBlocks(lines: readonly string[]): Block[] {
  const starts: { index: number; title: string; dateIndex: number; dateLine: RegExpExecArray }[] = [];
  lines.forEach((line, index) => {
    if (!BULLET.test(line)) return;
    const following: number[] = [];
    for (let next = index + 1; next < lines.length && following.length < 4; next += 1)
      if (lines[next]!.trim()) following.push(next);
    const dateAt = following.findIndex((next) => DATE_LINE.test(lines[next]!));
    if (dateAt < 1) return;
    const dateIndex = following[dateAt]!;
    starts.push({
      index,
      title: lines[following[0]!]!.trim(),
      dateIndex,
      dateLine: DATE_LINE.exec(lines[dateIndex]!)!,
    });
  });
  return starts.map((start, position) => {
    const limit = starts[position + 1]?.index ?? lines.length;
    const body: string[] = [];
    for (let index = start.dateIndex + 1; index < limit; index += 1) {
      const line = lines[index]!;
      if (BOILERPLATE.test(line) || BULLET.test(line)) break;
      body.push(line);
    }
    return { title: start.title, dateLine: start.dateLine, body };
  });
}

/** Reads one episode block into a ParsedEpisode. */
function parseBlock(block: Block): ParsedEpisode {
  const [, day, month, year, durationText] = block.dateLine;
  const trimmed = block.body.map((line) => line.trim());
  const timestampsAt = trimmed.indexOf('Timestamps');
  const transcriptAt = trimmed.indexOf('Transcript');
  const notesEnd = Math.min(
    ...[timestampsAt, transcriptAt, trimmed.length].filter((index) => index >= 0 && index <= trimmed.length),
  );
  const notes = trimmed.slice(0, notesEnd).filter(Boolean);
  const chapterLines =
    timestampsAt >= 0 ? trimmed.slice(timestampsAt + 1, transcriptAt > timestampsAt ? transcriptAt : undefined) : [];
  const transcript = transcriptAt >= 0 ? parseTranscriptSection(block.body.slice(transcriptAt + 1)) : undefined;
  const listed = parseChapterList(chapterLines.filter(Boolean).join(' '));
  return {
    episodeId: episodeIdFromTitle(block.title),
    title: block.title,
    date: `${year}-${month!.padStart(2, '0')}-${day!.padStart(2, '0')}`,
    durationSeconds: parseDutchDuration(durationText ?? ''),
    url: null,
    showNotes: notes.length > 0 ? notes.join('\n') : null,
    chapters: listed.length > 0 ? listed : chaptersFromHeadings(transcript?.headings ?? []),
    turns: transcript?.turns ?? [],
  };
}

/** Parses a scraped podcast page into its episodes; page header and footer are skipped. */
export function parseScrapedPage(text: string, options: ParseOptions): ParsedEpisode[] {
  const episodes = findBlocks(text.split(/\r?\n/)).map(parseBlock);
  if (episodes.length === 0)
    throw new PodciteError(
      'parse:scraped-page',
      `${options.fileName}: no episode blocks found (a "•" line, a title, then a "dd-mm-yyyy | duration" line)`,
    );
  return episodes;
}
