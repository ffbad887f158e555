/**
 * The one interface every index storage implements: the local folder (`local-index-store.ts`,
 * hnswlib + chunks.jsonl) today, a database tomorrow. Everything above it (ingest, the server's
 * snapshot, live reload) talks to an `IndexStore`; only the implementation knows where and how the
 * index is kept.
 *
 * A store holds episodes, their chunks and one vector per chunk, plus the library of shows. It does
 * not know the embedder: it records the embedder's id and dimension on write and refuses a write by
 * another one, and readers compare `manifest().embedder` with theirs (`checkEmbedder`).
 *
 * Reads see the index as it was when the store was opened or last `reopen`ed, or as this instance
 * last wrote it; `version()` says when someone else changed it.
 */
import type { Chunk, Episode, Show } from '../domain.js';

/** What the index as a whole is: whose vectors it holds, how many, how it is searched. */
export interface IndexManifest {
  /** Embedder identity, e.g. `local:use-lite-static-256-v1` or `openai:text-embedding-3-small`. */
  embedder: string;
  /** Length of every stored vector. */
  dimension: number;
  chunkCount: number;
  episodeCount: number;
  /** Default search breadth of `denseSearch` (HNSW `ef`). */
  efSearch: number;
  /** ISO time of the last write that changed episodes (a library-only change keeps it). */
  createdAt: string;
  /**
   * True when the store would write this index differently today (an older file layout or search
   * setting): the next ingest rewrites it even when no episode changed.
   */
  stale: boolean;
}

/** A chunk id with a score; higher is better, comparable only within one result list. */
export interface ScoredChunkId {
  chunkId: string;
  score: number;
}

/** A lexical match; `relevance` is comparable across queries. */
export interface LexicalMatch extends ScoredChunkId {
  /**
   * The BM25 score relative to that of an average-length chunk holding each query word once (the sum of
   * the words' IDFs): 1 ≈ the whole question matched once, whatever its words' rarity. What fusion weighs.
   */
  relevance: number;
}

/** Restricts a search to some episodes; absent = every episode. */
export interface EpisodeFilterOption {
  episodeIds?: readonly string[] | undefined;
}

export interface LexicalSearchOptions extends EpisodeFilterOption {
  /** How many results at most. */
  k: number;
  /** Only these chunks (to score candidates another search found); absent = every chunk. */
  chunkIds?: readonly string[] | undefined;
}

export interface DenseSearchOptions extends EpisodeFilterOption {
  /** How many results at most. */
  k: number;
  /** Search breadth (HNSW `ef`); default the manifest's `efSearch`. Exact stores ignore it. */
  ef?: number | undefined;
}

/** One episode as written: its chunks in ordinal order, and `vectors[i]` for `chunks[i]`. */
export interface EpisodeRecord {
  episode: Episode;
  chunks: readonly Chunk[];
  vectors: readonly ArrayLike<number>[];
}

/** One write. Applied so that no reader ever sees part of an episode (see `IndexStore.write`). */
export interface IndexChange {
  /** Who made the vectors; a store holding another embedder's vectors refuses the change unless `replaceAll`. */
  embedder: { id: string; dimension: number };
  /**
   * Episodes to add or replace whole (by `episodeId`). The local store keeps them first, in this
   * order, before the episodes it already had: chunk order decides ties and the HNSW graph.
   */
  put?: readonly EpisodeRecord[] | undefined;
  /** Episode ids to drop, with their chunks and vectors; unknown ids are ignored. */
  remove?: readonly string[] | undefined;
  /** The library of shows, replacing the stored one; absent = unchanged. */
  shows?: readonly Show[] | undefined;
  /** Drop everything first (a rebuild, or a switch of embedder). */
  replaceAll?: boolean | undefined;
}

/** A held write lock; `release` is idempotent. */
export interface WriteLock {
  release(): Promise<void>;
}

export interface IndexStore {
  /** Where the index lives, for messages: a folder path, a database name. */
  readonly location: string;
  /**
   * True when `lexicalSearch` runs in the store itself (a database's text index), so a server ranks
   * lexically through it; absent or false when it would only rebuild in memory what the server's own
   * tables already hold (the local folder).
   */
  readonly lexicalInStore?: boolean | undefined;

  /**
   * The index's summary, or undefined when nothing was ever written.
   * @throws PodciteError `index:corrupt` when the stored index cannot be read.
   */
  manifest(): Promise<IndexManifest | undefined>;
  /** Every episode, in the store's order (empty when there is no index). */
  listEpisodes(): Promise<Episode[]>;
  /** The library of shows (feeds); empty when every episode came from files. Readable whatever the embedder. */
  listShows(): Promise<Show[]>;
  /**
   * Every chunk, episode by episode and by ordinal within one, in the store's order; what in-memory
   * tables (BM25, vocabulary) are built from. Streamed, so a catalogue is never one string.
   */
  scanChunks(): AsyncIterable<Chunk>;
  /** The chunks with these ids; unknown ids are absent from the map. */
  chunksById(ids: readonly string[]): Promise<Map<string, Chunk>>;
  /**
   * The chunks of `chunkId`'s episode whose ordinal is within `span` of its own, itself included,
   * by ordinal; empty when the id is unknown.
   */
  neighbours(chunkId: string, span: number): Promise<Chunk[]>;

  /** Chunks matching the words of `query` (BM25 or the store's own text ranking), best first. */
  lexicalSearch(query: string, options: LexicalSearchOptions): Promise<LexicalMatch[]>;
  /**
   * Chunks nearest to `vector`, best first; `score` is cosine similarity. The episode filter is applied
   * inside the search, so a filtered search still returns `k` results when there are that many.
   * @throws PodciteError `index:embedder_mismatch` when the vector's length is not the index's dimension.
   */
  denseSearch(vector: ArrayLike<number>, options: DenseSearchOptions): Promise<ScoredChunkId[]>;
  /** The stored vectors of these chunks (the ingest reuses them for unchanged text); unknown ids are absent. */
  readVectors(ids: readonly string[]): Promise<Map<string, Float32Array>>;

  /**
   * Takes the store's write lock, so two ingests never write one index; repairs what an interrupted
   * write left behind.
   * @throws PodciteError `index:busy` while another live writer holds it.
   */
  lockForWriting(): Promise<WriteLock>;
  /**
   * Applies `change`: each episode in `put` replaces any earlier one whole, `remove`d episodes go, and a
   * reader sees every episode either as before or as after (the local store swaps the whole change in
   * at once). Call while holding `lockForWriting()`.
   * @throws PodciteError `index:embedder_mismatch` when the index holds another embedder's vectors and
   *   `replaceAll` is not set.
   */
  write(change: IndexChange): Promise<void>;

  /**
   * A token that changes whenever the stored index does (any instance's write), undefined when there is
   * no index. Cheap enough to poll every second.
   */
  version(): Promise<string | undefined>;
  /**
   * Makes the following reads see the index as it is now. Reads under way, and those made before it
   * resolves, still see the index read before (a live reload keeps serving meanwhile).
   * @throws PodciteError `index:corrupt` when the index now stored cannot be read; the old view stays.
   */
  reopen(): Promise<void>;
  /** Releases what the store holds (files, connections). */
  close(): Promise<void>;
}
