import type { Retriever, SearchHit, SearchOptions } from '../domain.js';
import { LruCache } from '../util/lru-cache.js';

/** Searches a server remembers by default: popular and starter questions, at ~50 hits each, a few MB at most. */
export const DEFAULT_SEARCH_CACHE_SIZE = 1000;

/**
 * Wraps `retriever` so a search asked again (same text, `k` and episode filter) is answered from
 * memory, and identical searches that arrive together share one run. A server's index never changes
 * while it runs, so a remembered result stays exact; a failed search is forgotten at once.
 *
 * Measured on the Practical AI index: a repeated search costs the event loop ~2 ms without this
 * (BM25, HNSW, fusion), so popular questions (the page's starter questions, a shared link) would
 * otherwise cap what one process serves. Callers get their own copy of the hit list; the hits
 * themselves are frozen, as every caller shares them.
 */
export function cachedRetriever(retriever: Retriever, options: { capacity?: number } = {}): Retriever {
  const cache = new LruCache<string, Promise<readonly SearchHit[]>>(options.capacity ?? DEFAULT_SEARCH_CACHE_SIZE);
  return {
    async search(query, searchOptions) {
      const key = searchKey(query, searchOptions);
      let pending = cache.get(key);
      if (!pending) {
        const started = retriever.search(query, searchOptions).then(freezeHits);
        cache.set(key, started);
        started.catch(() => {
          if (cache.get(key) === started) cache.delete(key);
        });
        pending = started;
      }
      return [...(await pending)];
    },
  };
}

function freezeHits(hits: SearchHit[]): readonly SearchHit[] {
  for (const hit of hits) Object.freeze(hit);
  return Object.freeze(hits);
}

function searchKey(query: string, options: SearchOptions): string {
  // The filter is a set: order and repeats do not change the result.
  const episodes = options.episodeIds ? [...new Set(options.episodeIds)].sort().join('\u0001') : '*';
  return `${options.k}\u0000${episodes}\u0000${query}`;
}
