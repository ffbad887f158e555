import type { Chunk } from '../domain.js';

/**
 * The text an embedder (and the lexical index) sees for a chunk: the speaker's name leads a
 * single-speaker chunk so "what did Felix say about…" can match; multi-speaker chunks already
 * carry `Name: ` prefixes in their text. Show notes lead with the episode title.
 */
export function embeddingText(chunk: Pick<Chunk, 'kind' | 'speaker' | 'speakers' | 'text' | 'episodeTitle'>): string {
  if (chunk.kind !== 'transcript') return `${chunk.episodeTitle}. ${chunk.text}`;
  if (chunk.speaker && chunk.speakers.length <= 1) return `${chunk.speaker}: ${chunk.text}`;
  return chunk.text;
}
