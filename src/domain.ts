/**
 * Shared types at the bottom of the dependency graph: ingest/ produces these, src/ consumes them.
 * Every type that crosses a trust boundary (index on disk, HTTP) has a zod schema beside it.
 * Times are seconds from the start of the episode, as numbers.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Parser output: what a pure `string → ParsedEpisode[]` parser returns.
// ---------------------------------------------------------------------------------------------

/** A time read from the transcript at a character offset inside a turn's text. */
export interface TimeMark {
  /** Character offset into `ParsedTurn.text` where the mark applies (0 = start of the turn). */
  offset: number;
  /** Seconds from the start of the episode. */
  seconds: number;
}

/** One speaker turn as written in the source, before times are resolved. */
export interface ParsedTurn {
  /** Speaker label as written (normalised later within the episode); null when the source names none. */
  speaker: string | null;
  /** The words of the turn, marks removed, whitespace collapsed. */
  text: string;
  /** Exact times found in the source for this turn, sorted by offset; empty when none. */
  marks: TimeMark[];
  /** Chapter / section heading in force when this turn started, if the source gives one. */
  chapter?: string | undefined;
  /** Optional role written beside the speaker ("Host", "Guest"). */
  role?: string | undefined;
}

export interface Chapter {
  /** Seconds from the start; null when the chapter's time is unknown. */
  start: number | null;
  title: string;
}

/** An episode as a parser reads it, before timestamps are resolved and before chunking. */
export interface ParsedEpisode {
  /** Stable id: a slug of the title, or the file name stem when there is no title. */
  episodeId: string;
  title: string;
  /** ISO date `YYYY-MM-DD`, or null when unknown. */
  date: string | null;
  durationSeconds: number | null;
  /** Media (audio/video) URL for "play from here" links, or null. */
  url: string | null;
  /** Description / show notes as plain text, or null. */
  showNotes: string | null;
  chapters: Chapter[];
  turns: ParsedTurn[];
  /** Names of people credited on the episode (e.g. Podcasting 2.0 `<podcast:person>`). */
  people?: string[] | undefined;
}

// ---------------------------------------------------------------------------------------------
// Resolved transcript: every turn has a start time (exact, interpolated or estimated).
// ---------------------------------------------------------------------------------------------

export const timestampQualitySchema = z.enum(['exact', 'partial', 'estimated', 'none']);
/** exact: every turn's time is read; partial: some are; estimated: none, derived from duration; none: no transcript. */
export type TimestampQuality = z.infer<typeof timestampQualitySchema>;

/** Anchors for mapping a character offset in a chunk's text to a time. Sorted by offset. */
export const timeAnchorSchema = z.object({
  offset: z.number().int().nonnegative(),
  seconds: z.number().nonnegative(),
  /** True when this anchor's time was estimated rather than read from the transcript. */
  approximate: z.boolean(),
});
export type TimeAnchor = z.infer<typeof timeAnchorSchema>;

/**
 * transcript: spoken turns; shownotes: the episode's notes (prose); chapters: a chapter list or
 * timestamp table (navigation, never evidence); promo: a sponsor read or list of links (never
 * evidence). Indexes from before `chapters` and `promo` existed are reclassified on load.
 */
export const chunkKindSchema = z.enum(['transcript', 'shownotes', 'chapters', 'promo']);
export type ChunkKind = z.infer<typeof chunkKindSchema>;

/** A chunk's id: `${episodeId}#${ordinal}`, stable for unchanged episodes; the one place the format is written. */
export function chunkIdOf(episodeId: string, ordinal: number): string {
  return `${episodeId}#${ordinal}`;
}

export const chunkSchema = z.object({
  /** `chunkIdOf(episodeId, ordinal)` — stable for unchanged episodes. */
  chunkId: z.string(),
  episodeId: z.string(),
  episodeTitle: z.string(),
  kind: chunkKindSchema,
  /** Main speaker (the one who speaks most words in the chunk); null for show notes / unknown. */
  speaker: z.string().nullable(),
  /** Every speaker in the chunk, in order of first appearance. */
  speakers: z.array(z.string()),
  /** The text, verbatim from the transcript; for grouped short turns each turn is prefixed `Speaker: `. */
  text: z.string(),
  /** Seconds; null for show-notes prose (it has no moment in the audio) and for untimed episodes. */
  start: z.number().nullable(),
  end: z.number().nullable(),
  /** True when `start` was estimated rather than read. */
  approximate: z.boolean(),
  chapter: z.string().nullable(),
  /** Position of the chunk within its episode (0-based). */
  ordinal: z.number().int().nonnegative(),
  /** Offset → time anchors inside `text` (at least one at offset 0 when start is known). */
  anchors: z.array(timeAnchorSchema),
});
export type Chunk = z.infer<typeof chunkSchema>;

export const episodeSchema = z.object({
  episodeId: z.string(),
  title: z.string(),
  date: z.string().nullable(),
  durationSeconds: z.number().nullable(),
  url: z.string().nullable(),
  timestamps: timestampQualitySchema,
  chunks: z.number().int().nonnegative(),
  /** sha256 of the parsed episode content; unchanged hash ⇒ the episode is not re-embedded. */
  contentHash: z.string(),
  /** Path of the file the episode came from, relative to the working directory when possible. */
  source: z.string(),
  chapters: z.array(z.object({ start: z.number().nullable(), title: z.string() })),
  /** The show (feed) the episode belongs to; absent for episodes read from files. */
  showId: z.string().optional(),
});
export type Episode = z.infer<typeof episodeSchema>;

/** What the library remembers of one feed item, so a refresh fetches only what changed. */
export const feedItemStateSchema = z.object({
  /** The item's `<guid>` (else its enclosure URL, else its title): the episode's identity. */
  guid: z.string(),
  /** Assigned once, from the title at first sight; a retitled item keeps it. */
  episodeId: z.string(),
  /** sha256 of the item as read from the feed; unchanged ⇒ nothing of it is fetched again. */
  itemHash: z.string(),
  /** Set when a transcript, chapters or audio fetch failed for a reason that may pass (5xx, timeout): read again next time. */
  retry: z.boolean().optional(),
});
export type FeedItemState = z.infer<typeof feedItemStateSchema>;

/** A show in the library: a feed podcite reads and refreshes. */
export const showSchema = z.object({
  /** Stable id derived from the feed URL (see `ingest/feeds/show-id.ts`). */
  showId: z.string(),
  title: z.string(),
  author: z.string().nullable(),
  image: z.string().nullable(),
  /** The feed URL as the user gave it. */
  feedUrl: z.string(),
  /** Validators of the last feed response, sent back on refresh (conditional GET). */
  etag: z.string().nullable(),
  lastModified: z.string().nullable(),
  /** ISO time of the last successful check of the feed (a 304 counts). */
  lastRefreshed: z.string(),
  items: z.array(feedItemStateSchema),
});
export type Show = z.infer<typeof showSchema>;

// ---------------------------------------------------------------------------------------------
// Index on disk.
// ---------------------------------------------------------------------------------------------

export const MANIFEST_VERSION = 1;

export const manifestSchema = z.object({
  version: z.literal(MANIFEST_VERSION),
  /** Embedder identity, e.g. `local:use-lite` or `openai:text-embedding-3-small`. */
  embedder: z.string(),
  dimension: z.number().int().positive(),
  createdAt: z.string(),
  episodes: z.array(episodeSchema),
  chunkCount: z.number().int().nonnegative(),
  /** HNSW search breadth used at query time. */
  efSearch: z.number().int().positive(),
  /** The library of shows (feeds); absent when every episode came from files. */
  shows: z.array(showSchema).optional(),
});
export type Manifest = z.infer<typeof manifestSchema>;

// ---------------------------------------------------------------------------------------------
// Retrieval and answers (the shapes the HTTP API returns; see docs/API.md).
// ---------------------------------------------------------------------------------------------

export interface SearchOptions {
  /** Number of results, 1..50. */
  k: number;
  /** Restrict to these episodes (applied inside retrieval, so k results still come back). */
  episodeIds?: string[] | undefined;
}

export interface SearchHit {
  chunk: Chunk;
  /** Higher is better; comparable only within one result list. */
  score: number;
}

/** Anything that turns a question into ranked chunks. */
export interface Retriever {
  search(query: string, options: SearchOptions): Promise<SearchHit[]>;
}

export interface SearchResult {
  chunkId: string;
  episodeId: string;
  episodeTitle: string;
  speaker: string | null;
  start: number | null;
  end: number | null;
  timestampLabel: string | null;
  approximate: boolean;
  text: string;
  score: number;
  /** The chunk's kind (see `Chunk.kind`); absent from older servers. */
  kind?: ChunkKind | undefined;
}

export interface Citation {
  /** 1-based marker number as it appears in the answer (`[n]`). */
  n: number;
  chunkId: string;
  episodeId: string;
  episodeTitle: string;
  speaker: string | null;
  /** Time of the quoted sentence (not of the chunk). */
  start: number | null;
  end: number | null;
  timestampLabel: string | null;
  approximate: boolean;
  /** Media URL with a time fragment when the episode has one, else null. */
  url: string | null;
  /** Verbatim span of the chunk's text. */
  quote: string;
  /**
   * What was quoted: `transcript` (said at `start` by `speaker`) or `shownotes` (the episode's notes:
   * no speaker, no time); `chapters` / `promo` only as nearby passages, never as evidence. Absent in
   * answers stored by older versions.
   */
  kind?: ChunkKind | undefined;
}

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  message: string;
  history: ChatMessage[];
  episodeIds?: string[] | undefined;
  /**
   * The caller's own instructions (OpenAI system/developer messages). Only an LLM answerer can
   * follow them, and only below its own rules; the extractive answerer ignores them, so the HTTP
   * layer refuses them when it answers.
   */
  instructions?: string | undefined;
}

/** Tokens an LLM server reported for the calls behind one answer (rewrite and answer together). */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface ChatAnswer {
  answer: string;
  answerable: boolean;
  mode: 'extractive' | 'llm';
  citations: Citation[];
  /** Short notice for the user (e.g. "the language model was unavailable; answered extractively"). */
  notice?: string | undefined;
}

/** Events an answerer emits while streaming; `end` carries the same body as the JSON response. */
export type AnswerEvent =
  | { type: 'sources'; citations: Citation[] }
  | { type: 'text-delta'; text: string }
  | { type: 'end'; answer: ChatAnswer; usage?: TokenUsage | undefined };

export interface Answerer {
  readonly mode: 'extractive' | 'llm';
  /** Streams an answer; the last event is always `end`. Honour `signal` (client disconnects). */
  answer(request: ChatRequest, options: { signal?: AbortSignal | undefined }): AsyncIterable<AnswerEvent>;
}
