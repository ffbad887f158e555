import { PodciteEmbeddings } from './podcite-embeddings.js';
import { loadUseLiteModel, USE_LITE_DIMENSION } from './use-lite-model.js';
import { EmbeddingWorkerPool } from './worker-pool.js';

/**
 * Offline embeddings: Universal Sentence Encoder lite (512-d, unit-norm vectors) on tfjs' wasm backend.
 * Queries always run on a model in this thread (~15 ms each); documents go to worker threads when
 * `workers` > 0 so a bulk ingest uses every core. Nothing loads until the first call.
 * Inputs are read up to their first 128 SentencePiece tokens (~85–90 English words).
 */
export class UniversalSentenceEncoderEmbeddings extends PodciteEmbeddings {
  readonly id = 'local:use-lite';
  readonly dimension = USE_LITE_DIMENSION;
  private readonly batchSize: number;
  private readonly pool: EmbeddingWorkerPool | undefined;

  /**
   * @param options.workers worker threads for `embedDocuments` (default 0: embed in this thread).
   * @param options.batchSize texts per model call (default 16; wasm memory grows with it).
   */
  constructor(options: { workers?: number; batchSize?: number } = {}) {
    super({});
    this.batchSize = options.batchSize ?? 16;
    const workers = options.workers ?? 0;
    this.pool =
      workers > 0
        ? new EmbeddingWorkerPool({ size: workers, dimension: USE_LITE_DIMENSION, batchSize: this.batchSize })
        : undefined;
  }

  override async embedDocuments(documents: string[]): Promise<number[][]> {
    if (this.pool) return this.pool.embed(documents);
    return this.embedHere(documents);
  }

  override async embedQuery(document: string): Promise<number[]> {
    const [vector] = await this.embedHere([document]);
    return vector!;
  }

  override async close(): Promise<void> {
    await this.pool?.close();
  }

  private async embedHere(documents: string[]): Promise<number[][]> {
    if (documents.length === 0) return [];
    const model = await loadUseLiteModel();
    const flat = await model.embed(documents, { batchSize: this.batchSize });
    const vectors: number[][] = [];
    for (let offset = 0; offset < flat.length; offset += USE_LITE_DIMENSION) {
      vectors.push(Array.from(flat.subarray(offset, offset + USE_LITE_DIMENSION)));
    }
    return vectors;
  }
}
