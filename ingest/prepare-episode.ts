/**
 * The one entry point the ingest pipeline calls per parsed episode: normalise speakers, resolve
 * timestamps, chunk show notes, chapter list and transcript, and describe the episode.
 */
import { createHash } from 'node:crypto';
import type { Chunk, Episode, ParsedEpisode } from '../src/domain.js';
import { classifyChunkText } from '../src/util/classify-chunk.js';
import { chunkShowNotes, chunkTurns } from './chunk-turns.js';
import { normalizeSpeakers } from './normalize-speakers.js';
import { resolveTimestamps, timestampQuality } from './resolve-timestamps.js';

export interface PrepareEpisodeOptions {
  /** Path of the file the episode came from, relative to the working directory when possible. */
  source: string;
}

/** JSON with object keys sorted at every level and `undefined` members left out. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, member: unknown) => {
    if (member === null || typeof member !== 'object' || Array.isArray(member)) return member;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(member).sort()) sorted[key] = (member as Record<string, unknown>)[key];
    return sorted;
  });
}

/** sha256 (hex) of the canonical JSON of a parsed episode: unchanged content ⇒ unchanged hash. */
export function contentHash(parsed: ParsedEpisode): string {
  return createHash('sha256').update(canonicalJson(parsed)).digest('hex');
}

/**
 * Prepares one parsed episode for the index. Chunk ordinals run show notes first, then the
 * chapter list, then the transcript.
 */
export function prepareEpisode(
  parsed: ParsedEpisode,
  options: PrepareEpisodeOptions,
): { episode: Episode; chunks: Chunk[] } {
  const normalized = normalizeSpeakers(parsed);
  const notes = chunkShowNotes({
    episodeId: parsed.episodeId,
    episodeTitle: parsed.title,
    showNotes: parsed.showNotes,
    chapters: parsed.chapters,
  });
  const transcript = chunkTurns({
    episodeId: parsed.episodeId,
    episodeTitle: parsed.title,
    turns: resolveTimestamps(normalized),
    firstOrdinal: notes.length,
  });
  // A sponsor read spoken in the episode keeps its speaker and time but is not quoted as evidence.
  for (const chunk of transcript) chunk.kind = classifyChunkText({ text: chunk.text, source: 'transcript' });
  const chunks = [...notes, ...transcript];
  const episode: Episode = {
    episodeId: parsed.episodeId,
    title: parsed.title,
    date: parsed.date,
    durationSeconds: parsed.durationSeconds,
    url: parsed.url,
    timestamps: timestampQuality(parsed),
    chunks: chunks.length,
    contentHash: contentHash(parsed),
    source: options.source,
    chapters: parsed.chapters.map((chapter) => ({ start: chapter.start, title: chapter.title })),
  };
  return { episode, chunks };
}
