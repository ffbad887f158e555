/**
 * What the page accepts from the server and from localStorage. Both are trust boundaries for the
 * page: a different server version or a thread saved by an older page must fail loudly here, not
 * as a broken render later. zod/mini keeps the bundle small; the `ZodMiniType<…>` annotations tie
 * each schema to the server's own type in src/domain.ts, so the two cannot drift apart silently.
 */
import * as z from 'zod/mini';
import type { ChatAnswer, ChunkKind, Citation, SearchResult } from '../../src/domain.js';

/** `Chunk.kind` values (the page bundles no zod schema from the server, only its types). */
const CHUNK_KINDS: ChunkKind[] = ['transcript', 'shownotes', 'chapters', 'promo'];

export const citationSchema: z.ZodMiniType<Citation> = z.object({
  n: z.number(),
  chunkId: z.string(),
  episodeId: z.string(),
  episodeTitle: z.string(),
  speaker: z.nullable(z.string()),
  start: z.nullable(z.number()),
  end: z.nullable(z.number()),
  timestampLabel: z.nullable(z.string()),
  approximate: z.boolean(),
  url: z.nullable(z.string()),
  quote: z.string(),
  kind: z.optional(z.enum(CHUNK_KINDS)),
});

export const chatAnswerSchema: z.ZodMiniType<ChatAnswer> = z.object({
  answer: z.string(),
  answerable: z.boolean(),
  mode: z.enum(['extractive', 'llm']),
  citations: z.array(citationSchema),
  notice: z.optional(z.string()),
});

export const healthSchema = z.object({
  status: z.string(),
  episodes: z.number(),
  chunks: z.number(),
  embedder: z.string(),
  answerer: z.string(),
});
export type Health = z.infer<typeof healthSchema>;

/** One row of `GET /api/episodes`. `chapters` is not in the contract yet; used when a server sends it. */
export const episodeSummarySchema = z.object({
  episodeId: z.string(),
  title: z.string(),
  date: z.nullable(z.string()),
  durationSeconds: z.nullable(z.number()),
  chunks: z.number(),
  timestamps: z.string(),
  url: z.nullable(z.string()),
  chapters: z.optional(z.array(z.object({ start: z.nullable(z.number()), title: z.string() }))),
  /** The show the episode belongs to (null or absent for episodes read from files). */
  showId: z.optional(z.nullable(z.string())),
});
export type EpisodeSummary = z.infer<typeof episodeSummarySchema>;

/** One row of `GET /api/shows`. */
export const showSummarySchema = z.object({
  showId: z.string(),
  title: z.string(),
  feedUrl: z.string(),
  episodes: z.number(),
  lastRefreshed: z.string(),
});
export type ShowSummary = z.infer<typeof showSummarySchema>;
export const showsResponseSchema = z.object({ shows: z.array(showSummarySchema) });

/** `POST /api/shows` and the `ingest` of `GET /api/shows/:showId`. */
export const showIngestSchema = z.object({
  showId: z.string(),
  feedUrl: z.string(),
  state: z.enum(['queued', 'running', 'done', 'failed']),
  phase: z.string(),
  done: z.nullable(z.number()),
  total: z.nullable(z.number()),
  message: z.nullable(z.string()),
  notes: z.array(z.string()),
});
export type ShowIngest = z.infer<typeof showIngestSchema>;
export const showProgressSchema = z.object({ showId: z.string(), ingest: z.nullable(showIngestSchema) });

export const episodesResponseSchema = z.object({ episodes: z.array(episodeSummarySchema) });

export const searchResultSchema: z.ZodMiniType<SearchResult> = z.object({
  chunkId: z.string(),
  episodeId: z.string(),
  episodeTitle: z.string(),
  speaker: z.nullable(z.string()),
  start: z.nullable(z.number()),
  end: z.nullable(z.number()),
  timestampLabel: z.nullable(z.string()),
  approximate: z.boolean(),
  text: z.string(),
  score: z.number(),
  kind: z.optional(z.enum(CHUNK_KINDS)),
});

export const searchResponseSchema = z.object({ results: z.array(searchResultSchema) });

/** The body of every API error (see CONTRACT.md) and of the SSE `error` event. */
export const apiErrorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export const sourcesEventSchema = z.object({ citations: z.array(citationSchema) });
export const textDeltaEventSchema = z.object({ text: z.string() });
