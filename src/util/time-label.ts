import type { Chunk } from '../domain.js';

/**
 * Formats seconds as `h:mm:ss` past an hour, `mm:ss` below (contract: timestampLabel).
 * Fractions are floored so a label never points after the moment.
 */
export function formatTimestamp(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = total % 60;
  const mm = String(minutes).padStart(2, '0');
  const ss = String(secs).padStart(2, '0');
  return hours > 0 ? `${hours}:${mm}:${ss}` : `${mm}:${ss}`;
}

/**
 * Parses `ss`, `mm:ss`, `hh:mm:ss` with an optional `,mmm` or `.mmm` fraction into seconds.
 * Returns null for anything else.
 */
export function parseClock(text: string): number | null {
  const match = /^\s*(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?\s*$/.exec(text);
  if (!match) return null;
  const [, h, m, s, fraction] = match;
  const minutes = Number(m);
  const secs = Number(s);
  if (secs >= 60 || (h !== undefined && minutes >= 60)) return null;
  const ms = fraction ? Number(fraction.padEnd(3, '0')) / 1000 : 0;
  return Number(h ?? 0) * 3600 + minutes * 60 + secs + ms;
}

/**
 * Time at a character offset inside a chunk, interpolated linearly between the chunk's anchors.
 * `approximate` is true unless the offset falls exactly on an anchor read from the transcript.
 */
export function timeAtOffset(
  chunk: Pick<Chunk, 'anchors' | 'start' | 'end' | 'approximate' | 'text'>,
  offset: number,
): { seconds: number | null; approximate: boolean } {
  const anchors = chunk.anchors;
  if (anchors.length === 0) return { seconds: chunk.start, approximate: chunk.approximate };
  let before = anchors[0]!;
  let after: typeof before | undefined;
  for (const anchor of anchors) {
    if (anchor.offset <= offset) before = anchor;
    else {
      after = anchor;
      break;
    }
  }
  if (before.offset === offset || offset < before.offset)
    return { seconds: before.seconds, approximate: before.approximate };
  const endOffset = after?.offset ?? chunk.text.length;
  const endSeconds = after?.seconds ?? chunk.end ?? before.seconds;
  if (endOffset <= before.offset) return { seconds: before.seconds, approximate: true };
  const ratio = (offset - before.offset) / (endOffset - before.offset);
  return { seconds: before.seconds + ratio * Math.max(0, endSeconds - before.seconds), approximate: true };
}
