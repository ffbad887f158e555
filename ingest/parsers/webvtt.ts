import type { ParsedEpisode } from '../../src/domain.js';
import { PodciteError } from '../../src/errors.js';
import { parseClock } from '../../src/util/time-label.js';
import { buildEpisode } from './build-episode.js';
import { parseCueTiming } from './cue-timing.js';
import { decodeEntities } from './decode-entities.js';
import type { ParseOptions } from './parse-options.js';
import { splitSpeakerPrefix } from './speaker-prefix.js';
import { TurnBuilder } from './turn-builder.js';

/** https://www.w3.org/TR/webvtt1/#file-structure: the signature, then a space, tab or line end. */
const SIGNATURE = /^\uFEFF?WEBVTT(?:[ \t]|$)/;
/** Blocks that carry no speech: comments, CSS, region definitions. */
const NON_CUE_BLOCK = /^(?:NOTE|STYLE|REGION)(?:[ \t]|$)/;
/** Cue payload: a tag, a run of text, or a stray `<` that opens no tag. */
const PAYLOAD_TOKEN = /<([^<>]*)>|([^<]+)|(<)/g;
/** `<v Speaker>` or `<v.class Speaker>` (WebVTT voice span). */
const VOICE_TAG = /^v(?:\.[^\s]*)?\s+(.+)$/s;

/**
 * Parses a WebVTT file into one episode. Each cue's start time becomes a mark where its text
 * begins. Speakers come from `<v Name>` voice spans; a voice span appears only when the speaker
 * changes, so a cue without one continues the previous speaker. Files with no voice spans at all
 * may instead name speakers with a `Name:` prefix. NOTE, STYLE and REGION blocks, cue identifiers,
 * cue settings and formatting tags are skipped; `<hh:mm:ss.ttt>` timestamp tags inside a cue
 * become marks too.
 * @throws PodciteError `parse:webvtt` when the signature is missing, a cue timing is unreadable,
 * or there are no cues.
 */
export function parseWebVtt(text: string, options: ParseOptions): ParsedEpisode[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (!SIGNATURE.test(lines[0] ?? '')) {
    throw new PodciteError('parse:webvtt', `${options.fileName}: a WebVTT file must start with "WEBVTT"`);
  }
  const usesVoiceSpans = /<v[\s.]/.test(text);
  const builder = new TurnBuilder();
  let cueCount = 0;
  let lastEnd: number | null = null;

  // The header block runs to the first blank line; blocks after it are separated by blank lines.
  let index = 1;
  while (index < lines.length && lines[index]?.trim() !== '') index++;
  while (index < lines.length) {
    while (index < lines.length && lines[index]?.trim() === '') index++;
    const blockStart = index;
    while (index < lines.length && lines[index]?.trim() !== '') index++;
    const block = lines.slice(blockStart, index);
    const first = block[0];
    if (first === undefined) continue;
    const timingAt = first.includes('-->') ? 0 : block[1]?.includes('-->') ? 1 : -1;
    if (timingAt < 0) {
      if (NON_CUE_BLOCK.test(first)) continue;
      // Text with no timing (a cue broken by a blank line): keep its words with the turn before.
      appendPayload({ builder, payload: block.join('\n'), usesVoiceSpans });
      continue;
    }
    const timingLine = block[timingAt] ?? '';
    let timing: ReturnType<typeof parseCueTiming>;
    try {
      timing = parseCueTiming(timingLine);
    } catch (error) {
      throw new PodciteError(
        'parse:webvtt',
        `${options.fileName} line ${blockStart + timingAt + 1}: ${(error as Error).message}`,
      );
    }
    if (!timing) continue;
    cueCount++;
    builder.mark(timing.start);
    lastEnd = Math.max(lastEnd ?? 0, timing.end ?? timing.start);
    appendPayload({ builder, payload: block.slice(timingAt + 1).join('\n'), usesVoiceSpans });
  }
  if (cueCount === 0) throw new PodciteError('parse:webvtt', `${options.fileName}: the file has no cues`);
  return [buildEpisode({ fileName: options.fileName, turns: builder.finish(), durationSeconds: lastEnd })];
}

function appendPayload(options: { builder: TurnBuilder; payload: string; usesVoiceSpans: boolean }): void {
  const { builder, usesVoiceSpans } = options;
  let payload = options.payload;
  if (!usesVoiceSpans) {
    const prefix = splitSpeakerPrefix(payload);
    if (prefix) {
      if (prefix.speaker !== builder.currentSpeaker) builder.startTurn(prefix.speaker, { role: prefix.role });
      payload = prefix.text;
    }
  }
  // Words split by formatting tags (`un<i>believ</i>able`) are one word: collect until a voice or time.
  let words = '';
  const flush = () => {
    builder.append(words);
    words = '';
  };
  for (const match of payload.matchAll(PAYLOAD_TOKEN)) {
    const [, tag, text, strayBracket] = match;
    if (text !== undefined || strayBracket !== undefined) {
      words += decodeEntities(text ?? strayBracket ?? '');
      continue;
    }
    const voice = VOICE_TAG.exec(tag ?? '');
    if (voice) {
      flush();
      const speaker = decodeEntities(voice[1] ?? '').trim();
      if (speaker && speaker !== builder.currentSpeaker) builder.startTurn(speaker);
      continue;
    }
    // Karaoke-style timestamp tags give the time of the words after them.
    const seconds = parseClock(tag ?? '');
    if (seconds !== null) {
      flush();
      builder.mark(seconds);
    }
  }
  flush();
}
