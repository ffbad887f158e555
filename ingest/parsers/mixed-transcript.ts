/**
 * The mixed dialect (the Mistral episode): plain `Speaker: text` lines, and blocks of a heading
 * line, a speaker-name line, an optional `Host`/`Guest` line and text lines carrying inline
 * `(mm:ss)` or `[hh:mm:ss]` marks. A text line without a new name continues the same speaker.
 */
import type { ParsedEpisode } from '../../src/domain.js';
import { PodciteError } from '../../src/errors.js';
import type { ParseOptions } from './parse-options.js';
import {
  collapseSpaces,
  countLabels,
  type DialectResult,
  isHeadingLike,
  readLabel,
  standaloneEpisode,
  TurnBuilder,
} from './transcript-lines.js';

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

  const result: DialectResult = { turns: [], headings: [], structure: [] };
  let current: TurnBuilder | undefined;
  let chapter: string | undefined;
  const flush = () => {
    if (current && !current.isEmpty) result.turns.push(current.build());
    current = undefined;
  };
  const startOrContinue = (speaker: string) => {
    if (current?.speaker === speaker) return current;
    flush();
    current = new TurnBuilder(speaker, chapter);
    return current;
  };
  entries.forEach((line, index) => {
    switch (kinds[index]) {
      case 'heading':
        flush();
        result.headings.push({ title: line, seconds: null });
        chapter = line;
        return;
      case 'name': {
        flush();
        const roleLine = kinds[index + 1] === 'role' ? entries[index + 1] : undefined;
        current = new TurnBuilder(line, chapter, roleLine);
        result.structure.push(line);
        return;
      }
      case 'role':
        result.structure.push(line);
        return;
      case 'label': {
        const { label, text } = readLabel(line)!;
        result.structure.push(label);
        startOrContinue(label).append(text);
        return;
      }
      case 'name-text': {
        const speaker = nameTextSpeaker(line)!;
        result.structure.push(speaker);
        startOrContinue(speaker).append(line.slice(speaker.length + 1));
        return;
      }
      default:
        current ??= new TurnBuilder(null, chapter);
        current.append(line);
    }
  });
  flush();
  return result;
}

/** Parses a .txt file holding only a mixed-dialect transcript; the title comes from the file name. */
export function parseMixedTranscript(text: string, options: ParseOptions): ParsedEpisode[] {
  const result = parseMixedLines(text.split(/\r?\n/));
  if (result.turns.length === 0)
    throw new PodciteError('parse:mixed', `${options.fileName}: no transcript turns found`);
  return [standaloneEpisode(result, options)];
}
