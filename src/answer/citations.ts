/**
 * Citations shared by both answerers: a Citation is built from a chunk and a span of its text, so the
 * quote is always verbatim and the time is the time of that span, not of the chunk.
 */
import type { Chunk, Citation, Manifest } from '../domain.js';
import { formatTimestamp, timeAtOffset } from '../util/time-label.js';

/** A `[start, end)` character span of `chunk.text`. */
export interface QuoteSpan {
  start: number;
  end: number;
}

/**
 * Media URL that plays from `seconds` (W3C Media Fragments `#t=`), or null when the episode has no
 * media URL or the time is unknown. An existing fragment on the URL is replaced.
 */
export function mediaUrlAt(url: string | null, seconds: number | null): string | null {
  if (url === null) return null;
  const base = url.split('#')[0] ?? url;
  if (seconds === null) return base;
  return `${base}#t=${Math.max(0, Math.floor(seconds))}`;
}

/**
 * A quote that opens a grouped turn is timed at the turn's `Name: ` prefix, where the turn's time
 * anchor sits, rather than a few interpolated characters later.
 */
function turnStartOffset(chunk: Chunk, offset: number): number {
  for (const speaker of chunk.speakers) {
    const prefix = `${speaker}: `;
    const prefixStart = offset - prefix.length;
    if (prefixStart < 0 || chunk.text.slice(prefixStart, offset) !== prefix) continue;
    if (prefixStart === 0 || /\s/u.test(chunk.text[prefixStart - 1] ?? '')) return prefixStart;
  }
  return offset;
}

/**
 * Builds the citation numbered `n` for a span of a chunk. `start` is interpolated at the span's first
 * character (or its turn's `Name: ` prefix) and `end` at its last (`timeAtOffset`); `approximate` is true unless the start falls on a
 * time read from the transcript. `speaker` overrides the chunk's main speaker (grouped turns).
 * Throws RangeError when the span is empty or outside the chunk's text.
 */
export function buildCitation(options: {
  n: number;
  chunk: Chunk;
  span: QuoteSpan;
  manifest: Pick<Manifest, 'episodes'>;
  speaker?: string | null | undefined;
}): Citation {
  const { n, chunk, span, manifest } = options;
  if (span.start < 0 || span.end > chunk.text.length || span.end <= span.start) {
    throw new RangeError(`Quote span ${span.start}..${span.end} is outside chunk ${chunk.chunkId}`);
  }
  const startTime = timeAtOffset(chunk, turnStartOffset(chunk, span.start));
  const endTime = timeAtOffset(chunk, span.end);
  const episode = manifest.episodes.find((candidate) => candidate.episodeId === chunk.episodeId);
  return {
    n,
    chunkId: chunk.chunkId,
    episodeId: chunk.episodeId,
    episodeTitle: chunk.episodeTitle,
    speaker: options.speaker === undefined ? chunk.speaker : options.speaker,
    start: startTime.seconds,
    end: endTime.seconds,
    timestampLabel: startTime.seconds === null ? null : formatTimestamp(startTime.seconds),
    approximate: startTime.seconds === null ? chunk.approximate : startTime.approximate,
    url: mediaUrlAt(episode?.url ?? null, startTime.seconds),
    quote: chunk.text.slice(span.start, span.end),
    kind: chunk.kind,
  };
}

/** `[3]`, `[1, 2]`, `[1][2]` (two markers), with the spaces before it, which go with it when it is removed. */
const MARKER_PATTERN = /([ \t]*)\[(\d+(?:\s*,\s*\d+)*)\]/g;

/**
 * Rewrites `[n]` markers in a text: markers that name no source in `sources` are removed; the rest
 * are renumbered 1, 2, 3… in order of first use, and the matching citations returned in that order
 * with their new `n`. `[1, 2]` lists are kept as lists of the surviving numbers. A removed marker
 * takes the spaces before it, so `claim [9].` becomes `claim.`.
 */
export function renumberCitations(options: { text: string; sources: Citation[] }): {
  text: string;
  citations: Citation[];
} {
  const bySourceNumber = new Map(options.sources.map((source) => [source.n, source]));
  const newNumberOf = new Map<number, number>();
  const citations: Citation[] = [];
  const text = options.text.replace(MARKER_PATTERN, (_marker, spaces: string, list: string) => {
    const kept: number[] = [];
    for (const part of list.split(',')) {
      const sourceNumber = Number(part.trim());
      const source = bySourceNumber.get(sourceNumber);
      if (source === undefined) continue;
      let newNumber = newNumberOf.get(sourceNumber);
      if (newNumber === undefined) {
        newNumber = citations.length + 1;
        newNumberOf.set(sourceNumber, newNumber);
        citations.push({ ...source, n: newNumber });
      }
      if (!kept.includes(newNumber)) kept.push(newNumber);
    }
    return kept.length === 0 ? '' : `${spaces}[${kept.join(', ')}]`;
  });
  return { text, citations };
}

/**
 * Incremental form of `renumberCitations` for streamed text: feed deltas with `push`, call `flush`
 * at the end. The concatenation of everything returned equals `renumberCitations` on the whole text,
 * so streamed deltas already carry the final marker numbers. Trailing whitespace and a possible
 * unfinished marker (`[1`, `[2, `) are held back until a later delta decides them.
 */
export function createMarkerRewriter(sources: Citation[]): {
  push(delta: string): string;
  flush(): string;
  /** Citations used so far, renumbered in order of first use. */
  citations(): Citation[];
} {
  let raw = '';
  let emitted = '';
  let latest: Citation[] = [];
  // Renumbering a prefix that ends outside a marker and off whitespace yields a prefix of the final text.
  const emitUpTo = (decided: string): string => {
    const result = renumberCitations({ text: decided, sources });
    latest = result.citations;
    const addition = result.text.startsWith(emitted) ? result.text.slice(emitted.length) : '';
    emitted += addition;
    return addition;
  };
  return {
    push(delta: string): string {
      raw += delta;
      const undecided = /[ \t\n]*(?:\[[\d,\s]*)?$/.exec(raw)?.[0] ?? '';
      return emitUpTo(raw.slice(0, raw.length - undecided.length));
    },
    flush(): string {
      return emitUpTo(raw);
    },
    citations: () => [...latest],
  };
}
