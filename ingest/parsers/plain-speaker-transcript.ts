/**
 * The `Speaker: text` dialect with no times (the Felix Rieseberg episode): a line without a label
 * continues the previous speaker.
 */
import type { ParsedEpisode } from '../../src/domain.js';
import { PodciteError } from '../../src/errors.js';
import type { ParseOptions } from './parse-options.js';
import {
  appendMarkedLine,
  collapseSpaces,
  countLabels,
  type DialectResult,
  readLabel,
  standaloneEpisode,
} from './transcript-lines.js';
import { TurnBuilder } from './turn-builder.js';

/**
 * Reads plain-speaker lines (the transcript section only) into turns. A label counts as a speaker
 * when it labels two or more lines, or once when it is capitalised like a name; a lowercase
 * one-off (`note: …`) stays text.
 */
export function parsePlainSpeakerLines(lines: readonly string[]): DialectResult {
  const entries = lines.map(collapseSpaces).filter(Boolean);
  const counts = countLabels(entries);
  const builder = new TurnBuilder();
  const structure: string[] = [];
  for (const line of entries) {
    const labelled = readLabel(line);
    const isSpeaker = labelled !== null && ((counts.get(labelled.label) ?? 0) >= 2 || /^\p{Lu}/u.test(labelled.label));
    if (labelled && isSpeaker) {
      structure.push(labelled.label);
      if (builder.currentSpeaker !== labelled.label) builder.startTurn(labelled.label);
      appendMarkedLine(builder, labelled.text);
      continue;
    }
    appendMarkedLine(builder, line);
  }
  return { turns: builder.finish(), headings: [], structure };
}

/** Parses a .txt file holding only a plain-speaker transcript; the title comes from the file name. */
export function parsePlainSpeakerTranscript(text: string, options: ParseOptions): ParsedEpisode[] {
  const result = parsePlainSpeakerLines(text.split(/\r?\n/));
  if (result.turns.length === 0)
    throw new PodciteError('parse:plain-speaker', `${options.fileName}: no "Speaker: text" lines found`);
  return [standaloneEpisode(result, options)];
}
