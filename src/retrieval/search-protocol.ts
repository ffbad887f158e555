/**
 * Messages between the server's main thread and its search thread (`search-worker.ts`). Hits cross as
 * chunk positions (index order) and scores, not chunks: both threads load the same index, so the main
 * thread maps positions back to its own chunk objects and nothing large is copied per search.
 */
import type { Config } from '../config.js';
import type { RetrieverTuning } from './create-retriever.js';

/** What the search thread starts with (`workerData`). Plain data: it is structured-cloned. */
export interface SearchWorkerData {
  /** The server's configuration: the thread reads `indexDir` and builds the embedder `embeddings` names. */
  config: Config;
  /** Overrides of the default hybrid tuning, as `createRetriever` takes them. */
  tuning?: Partial<RetrieverTuning> | undefined;
}

export type SearchWorkerRequest =
  /** Load the index now in `config.indexDir` as `generation`; the two newest generations are kept. */
  | { type: 'load'; id: number; generation: number }
  | {
      type: 'search';
      id: number;
      generation: number;
      query: string;
      k: number;
      episodeIds: string[] | undefined;
    };

export type SearchWorkerReply =
  /** `generation` is loaded; what it holds, so the main thread can check it loaded the same index. */
  | { type: 'loaded'; id: number; generation: number; fingerprint: IndexFingerprint }
  /** Hits best first: `positions[i]` is the chunk's place in the index, `scores[i]` its score. */
  | { type: 'hits'; id: number; positions: Int32Array; scores: Float64Array }
  /** `code` is a `PodciteError` code (`internal` for anything else), rebuilt as one on the main thread. */
  | { type: 'error'; id: number; code: string; message: string };

/** Enough of a loaded index to tell two loads of one folder apart when an ingest replaced it in between. */
export interface IndexFingerprint {
  createdAt: string;
  chunkCount: number;
  firstChunkId: string | null;
  lastChunkId: string | null;
}

export function fingerprintOf(index: {
  manifest: { createdAt: string; chunkCount: number };
  chunks: readonly { chunkId: string }[];
}): IndexFingerprint {
  return {
    createdAt: index.manifest.createdAt,
    chunkCount: index.manifest.chunkCount,
    firstChunkId: index.chunks[0]?.chunkId ?? null,
    lastChunkId: index.chunks.at(-1)?.chunkId ?? null,
  };
}

export function sameFingerprint(left: IndexFingerprint, right: IndexFingerprint): boolean {
  return (
    left.createdAt === right.createdAt &&
    left.chunkCount === right.chunkCount &&
    left.firstChunkId === right.firstChunkId &&
    left.lastChunkId === right.lastChunkId
  );
}
