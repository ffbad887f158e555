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
}
