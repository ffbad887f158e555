import type { Chunk, Manifest, SearchHit } from '../domain.js';

/** An index ready to query: the manifest, every chunk, and dense (vector) search over them. */
export interface LoadedIndex {
  manifest: Manifest;
  /** All chunks in index order. */
  chunks: Chunk[];
  chunkById: Map<string, Chunk>;
  /**
   * Nearest chunks to a query vector, best first; `score` is cosine similarity (higher is better).
   * `ef` is the HNSW search breadth (default the manifest's `efSearch`; hnswlib uses at least `k`).
   */
  denseSearch(
    vector: number[],
    options: { k: number; episodeIds?: string[] | undefined; ef?: number | undefined },
  ): Promise<SearchHit[]>;
  /**
   * Present when the store ranks text itself (PostgreSQL's BM25 index): chunks matching the query's
   * words, best first, `score` = the store's `relevance` (1 ≈ every query word once in an average
   * chunk). The retriever takes its lexical candidates from here instead of its in-memory BM25.
   */
  lexicalSearch?(
    query: string,
    options: { k: number; episodeIds?: string[] | undefined; chunkIds?: string[] | undefined },
  ): Promise<SearchHit[]>;
}
