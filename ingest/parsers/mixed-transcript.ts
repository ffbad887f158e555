/**
 * The mixed dialect (the Mistral episode): plain `Speaker: text` lines, and blocks of a heading
 * line, a speaker-name line, an optional `Host`/`Guest` line and text lines carrying inline
 * `(mm:ss)` or `[hh:mm:ss]` marks. A text line without a new name continues the same speaker.
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
  standaloneEpisode,
} from './transcript-lines.js';
import { TurnBuilder } from './turn-builder.js';

const ROLE_LINE = /^(?:Host|Co-?host|Guest|Interviewer|Moderator)$/i;
const NAME_LIKE = /^[\p{L}][\p{L}.'’-]*(?: [\p{L}][\p{L}.'’-]*){0,3}$/u;
const HAS_MARK = /\((?:\d{1,2}:)?\d{1,2}:\d{2}\)|\[(?:\d{1,2}:)?\d{1,2}:\d{2}\]/;

type Kind = 'name' | 'role' | 'label' | 'name-text' | 'heading' | 'text';

/** True when lines carry inline `(mm:ss)`/`[hh:mm:ss]` marks or `Host`/`Guest` name blocks. */
export function looksMixed(lines: readonly string[]): boolean {
  return lines.some((line) => HAS_MARK.test(line) || ROLE_LINE.test(line.trim()));
}

/** Reads mixed-dialect transcript lines (the transcript section only) into turns. */
export function parseMixedLines(lines: readonly string[]): DialectResult {
  const entries = lines.map(collapseSpaces).filter(Boolean);
  const counts = countLabels(entries);
  const known = new Set<string>();
  for (const [label, count] of counts) if (count >= 2) known.add(label);
  entries.forEach((line, index) => {
    if (ROLE_LINE.test(entries[index + 1] ?? '') && NAME_LIKE.test(line)) known.add(line);
  });

  const nameTextSpeaker = (line: string): string | undefined => {
    const space = line.indexOf(' ');
    if (space <= 0) return undefined;
    const name = line.slice(0, space);
    return known.has(name) && /^\p{Lu}/u.test(line.slice(space + 1)) ? name : undefined;
  };
  const startsTurn = (line: string | undefined): boolean => {
    if (line === undefined) return false;
    if (known.has(line)) return true;
    const label = readLabel(line)?.label;
    if (label !== undefined && (known.has(label) || !isHeadingLike(line))) return true;
    return nameTextSpeaker(line) !== undefined;
  };
  const introducesTurn = (index: number): boolean => {
    let next = index + 1;
    while (next < entries.length && next <= index + 2 && isHeadingLike(entries[next]!) && !startsTurn(entries[next]))
      next += 1;
    return startsTurn(entries[next]);
  };

  const kinds: Kind[] = [];
  entries.forEach((line, index) => {
    const previous = kinds[index - 1];
    if (ROLE_LINE.test(line) && previous === 'name') kinds.push('role');
    else if (known.has(line)) kinds.push('name');
    else if (readLabel(line) && known.has(readLabel(line)!.label)) kinds.push('label');
    else if (isHeadingLike(line) && introducesTurn(index)) kinds.push('heading');
    else if (readLabel(line)) kinds.push('label');
    else if (nameTextSpeaker(line) !== undefined) kinds.push('name-text');
    else kinds.push('text');
  });

  const builder = new TurnBuilder();
  const headings: Heading[] = [];
  const structure: string[] = [];
  /** Appends to `speaker`'s open turn, opening one when someone else (or no one) is speaking. */
  const appendSpoken = (speaker: string, text: string) => {
    structure.push(speaker);
    if (builder.currentSpeaker !== speaker) builder.startTurn(speaker);
    appendMarkedLine(builder, text);
  };
  entries.forEach((line, index) => {
    switch (kinds[index]) {
      case 'heading':
        builder.endTurn();
        headings.push({ title: line, seconds: null });
        builder.chapter = line;
        return;
      case 'name':
        builder.startTurn(line, { role: kinds[index + 1] === 'role' ? entries[index + 1] : undefined });
        structure.push(line);
        return;
      case 'role':
        structure.push(line);
        return;
      case 'label': {
        const { label, text } = readLabel(line)!;
        appendSpoken(label, text);
        return;
      }
      case 'name-text': {
        const speaker = nameTextSpeaker(line)!;
        appendSpoken(speaker, line.slice(speaker.length + 1));
        return;
      }
      default:
        appendMarkedLine(builder, line);
    }
  });
  return { turns: builder.finish(), headings, structure };
}

/** Parses a .txt file holding only a mixed-dialect transcript; the title comes from the file name. */
export function parseMixedTranscript(text: string, options: ParseOptions): ParsedEpisode[] {
  const result = parseMixedLines(text.split(/\r?\n/));
  if (result.turns.length === 0)
    throw new PodciteError('parse:mixed', `${options.fileName}: no transcript turns found`);
  return [standaloneEpisode(result, options)];
}
