/**
 * The `[hh:mm:ss] Speaker: text` dialect. A bracketed line without a label continues the previous
 * speaker; a short Title-Case line followed within seconds by a labelled line is a section heading.
 */
import type { ParsedEpisode } from '../../src/domain.js';
import { PodciteError } from '../../src/errors.js';
import type { ParseOptions } from './parse-options.js';
import {
  appendMarkedLine,
  collapseSpaces,
  countLabels,
  type DialectResult,
  type Heading,
  isHeadingLike,
  readLabel,
  readLineMark,
  standaloneEpisode,
} from './transcript-lines.js';
import { TurnBuilder } from './turn-builder.js';

/** Most seconds between a heading and the labelled line it introduces. */
const HEADING_GAP_SECONDS = 30;

interface Entry {
  seconds: number | null;
  rest: string;
}

/** True when most non-empty lines start with `[hh:mm:ss]`. */
export function looksBracketed(lines: readonly string[]): boolean {
  const nonEmpty = lines.map((line) => line.trim()).filter(Boolean);
  if (nonEmpty.length === 0) return false;
  const marked = nonEmpty.filter((line) => readLineMark(line) !== null).length;
  return marked / nonEmpty.length >= 0.6;
}

/**
 * Reads bracketed transcript lines (the transcript section only) into turns. Consecutive lines of
 * one speaker within one section form one turn; every line's time becomes a mark at its first word.
 */
export function parseBracketedLines(lines: readonly string[]): DialectResult {
  const entries: Entry[] = lines
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const mark = readLineMark(line);
      return { seconds: mark?.seconds ?? null, rest: collapseSpaces(mark ? mark.rest : line) };
    });
  const counts = countLabels(entries.map((entry) => entry.rest));
  const isFirmTurn = (entry: Entry | undefined): boolean => {
    const label = entry ? readLabel(entry.rest)?.label : undefined;
    return label !== undefined && (counts.get(label) ?? 0) >= 2;
  };
  const isHeading = (index: number): boolean => {
    const entry = entries[index]!;
    if (isFirmTurn(entry) || !isHeadingLike(entry.rest)) return false;
    // Skip a repeated heading line to find the turn it introduces.
    let next = index + 1;
    while (
      next < entries.length &&
      next <= index + 2 &&
      isHeadingLike(entries[next]!.rest) &&
      !isFirmTurn(entries[next])
    )
      next += 1;
    const following = entries[next];
    if (!following) return false;
    const introducesTurn =
      isFirmTurn(following) || (readLabel(following.rest) !== null && !isHeadingLike(following.rest));
    if (!introducesTurn) return false;
    if (entry.seconds !== null && following.seconds !== null) {
      const gap = following.seconds - entry.seconds;
      if (gap < 0 || gap > HEADING_GAP_SECONDS) return false;
    }
    return true;
  };

  const builder = new TurnBuilder();
  const headings: Heading[] = [];
  const structure: string[] = [];
  entries.forEach((entry, index) => {
    if (isHeading(index)) {
      builder.endTurn();
      headings.push({ title: entry.rest, seconds: entry.seconds });
      builder.chapter = entry.rest;
      return;
    }
    const labelled = readLabel(entry.rest);
    if (labelled) {
      structure.push(labelled.label);
      if (builder.currentSpeaker !== labelled.label) builder.startTurn(labelled.label);
      appendMarkedLine(builder, labelled.text, entry.seconds);
      return;
    }
    appendMarkedLine(builder, entry.rest, entry.seconds);
  });
  return { turns: builder.finish(), headings, structure };
}

/** Parses a .txt file holding only a bracketed transcript; the title comes from the file name. */
export function parseBracketedTranscript(text: string, options: ParseOptions): ParsedEpisode[] {
  const result = parseBracketedLines(text.split(/\r?\n/));
  if (result.turns.length === 0)
    throw new PodciteError('parse:bracketed', `${options.fileName}: no "[hh:mm:ss] Speaker: text" lines found`);
  return [standaloneEpisode(result, options)];
}
