import type { ParsedEpisode } from '../../src/domain.js';
import { PodciteError } from '../../src/errors.js';
import { buildEpisode } from './build-episode.js';
import { parseCueTiming } from './cue-timing.js';
import { decodeEntities } from './decode-entities.js';
import type { ParseOptions } from './parse-options.js';
import { splitSpeakerPrefix } from './speaker-prefix.js';
import { TurnBuilder } from './turn-builder.js';

/** Formatting SubRip players accept: HTML-like tags (`<i>`, `<font color=…>`) and ASS overrides (`{\an8}`). */
const FORMATTING = /<\/?[a-z][^<>]*>|\{\\[^{}]*\}/gi;

/**
 * Parses a SubRip (.srt) file into one episode. Each cue's start time becomes a mark where its
 * text begins. A `Name:` prefix at the start of a cue (or of a line inside it) marks a speaker
 * change; cues without one continue the previous speaker. Cue numbers are optional, times may use
 * `,` or `.` before the milliseconds, and a missing end time is tolerated.
 * @throws PodciteError `parse:srt` when a timing line is unreadable or the file has no cues.
 */
export function parseSrt(text: string, options: ParseOptions): ParsedEpisode[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const builder = new TurnBuilder();
  let cueCount = 0;
  let lastEnd: number | null = null;
  let index = 0;
  while (index < lines.length) {
    while (index < lines.length && lines[index]?.trim() === '') index++;
    const blockStart = index;
    while (index < lines.length && lines[index]?.trim() !== '') index++;
    const block = lines.slice(blockStart, index);
    if (block.length === 0) continue;
    const timingAt = block.findIndex((line) => line.includes('-->'));
    // Only a cue number may come before the timing line; anything else is text that lost its
    // timing (e.g. a cue broken by a blank line) and stays with the turn before it.
    if (timingAt < 0 || timingAt > 1 || (timingAt === 1 && !/^\s*\d+\s*$/.test(block[0] ?? ''))) {
      appendLines(builder, block);
      continue;
    }
    let timing: ReturnType<typeof parseCueTiming>;
    try {
      timing = parseCueTiming(block[timingAt] ?? '');
    } catch (error) {
      throw new PodciteError(
        'parse:srt',
        `${options.fileName} line ${blockStart + timingAt + 1}: ${(error as Error).message}`,
      );
    }
    if (!timing) continue;
    cueCount++;
    builder.mark(timing.start);
    lastEnd = Math.max(lastEnd ?? 0, timing.end ?? timing.start);
    appendLines(builder, block.slice(timingAt + 1));
  }
  if (cueCount === 0) throw new PodciteError('parse:srt', `${options.fileName}: the file has no subtitle cues`);
  return [buildEpisode({ fileName: options.fileName, turns: builder.finish(), durationSeconds: lastEnd })];
}

function appendLines(builder: TurnBuilder, lines: string[]): void {
  for (const line of lines) {
    const plain = decodeEntities(line.replace(FORMATTING, ''));
    const prefix = splitSpeakerPrefix(plain.trim());
    if (prefix) {
      if (prefix.speaker !== builder.currentSpeaker) builder.startTurn(prefix.speaker, { role: prefix.role });
      builder.append(prefix.text);
    } else {
      builder.append(plain);
    }
  }
}
