import { Embeddings, type EmbeddingsParams } from '@langchain/core/embeddings';
import { LruCache } from '../util/lru-cache.js';

/** Question vectors kept per embedder (512 floats each: ~4 MB at most as JS arrays). */
export const QUERY_CACHE_SIZE = 1000;

/**
 * A LangChain `Embeddings` that also says who it is, so an index records which embedder made it
 * and refuses to be queried by another.
 */
export abstract class PodciteEmbeddings extends Embeddings {
  /** Stable identity written to the manifest, e.g. `local:use-lite` or `openai:text-embedding-3-small`. */
  abstract readonly id: string;
  /** Vector length. */
  abstract readonly dimension: number;
  private readonly queryCache: LruCache<string, number[]>;
  private computing = 0;

  /** @param params.queryCacheSize question vectors to remember (default `QUERY_CACHE_SIZE`; 0 turns the cache off). */
  constructor(params: EmbeddingsParams & { queryCacheSize?: number | undefined } = {}) {
    const { queryCacheSize, ...rest } = params;
    super(rest);
    this.queryCache = new LruCache(queryCacheSize ?? QUERY_CACHE_SIZE);
  }

  /**
   * Whether a bulk ingest can use this embedder as it is: true unless it runs a local model in the
   * calling thread only (then `ensureIndex` ingests with a worker-backed copy).
   */
  get suitsBulkIngest(): boolean {
    return true;
  }

  /**
   * Document vectors as `Float32Array`s: half the memory of LangChain's `number[]` (8 bytes a value),
   * which matters when a catalogue's ingest holds a million of them. Override to skip the arrays altogether.
   */
  async embedDocumentsPacked(documents: string[]): Promise<Float32Array[]> {
    return (await this.embedDocuments(documents)).map((vector) => Float32Array.from(vector));
  }

  /** Loads the model (in every worker, where there are workers) so the first question does not wait for it. */
  async warmUp(): Promise<void> {
    await this.embedQuery('warm up');
  }

  /** Questions waiting for the model now (queued or being embedded; cache hits never count): the metrics' queue depth. */
  get pendingQueries(): number {
    return this.computing;
  }

  /** Releases workers / sockets. Safe to call more than once. */
  async close(): Promise<void> {}

  /**
   * Memoises question vectors: the same question (a suggestion chip, a retry, a popular question)
   * skips the model. Callers get their own copy, so mutating it cannot poison the cache.
   */
  protected async cachedQuery(text: string, compute: (text: string) => Promise<number[]>): Promise<number[]> {
    const cached = this.queryCache.get(text);
    if (cached) return cached.slice();
    this.computing++;
    let vector: number[];
    try {
      vector = await compute(text);
    } finally {
      this.computing--;
    }
    this.queryCache.set(text, vector.slice());
    return vector;
  }
}
