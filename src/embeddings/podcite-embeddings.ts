import { Embeddings } from '@langchain/core/embeddings';

/**
 * A LangChain `Embeddings` that also says who it is, so an index records which embedder made it
 * and refuses to be queried by another.
 */
export abstract class PodciteEmbeddings extends Embeddings {
  /** Stable identity written to the manifest, e.g. `local:use-lite` or `openai:text-embedding-3-small`. */
  abstract readonly id: string;
  /** Vector length. */
  abstract readonly dimension: number;
  /** Releases workers / sockets. Safe to call more than once. */
  async close(): Promise<void> {}
}
