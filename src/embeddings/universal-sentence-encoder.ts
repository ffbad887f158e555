import { PodciteEmbeddings } from './podcite-embeddings.js';
import { QueryBatcher } from './query-batcher.js';
import { loadUseLiteModel, USE_LITE_DIMENSION } from './use-lite-model.js';
import { EmbeddingWorkerPool } from './worker-pool.js';

/**
 * Offline embeddings: Universal Sentence Encoder lite (512-d, unit-norm vectors) on tfjs' wasm backend.
 * With `workers` > 0 documents and questions go to worker threads, so a bulk ingest uses every core
 * and a server's event loop never runs the model; otherwise both run in this thread. Questions that
 * arrive together share one model call (`QueryBatcher`), and repeated ones come from a cache.
 * Nothing loads until the first call (or `warmUp`).
 * Inputs are read up to their first 128 SentencePiece tokens (~85–90 English words).
 */
export class UniversalSentenceEncoderEmbeddings extends PodciteEmbeddings {
  readonly id = 'local:use-lite';
  readonly dimension = USE_LITE_DIMENSION;
  private readonly batchSize: number;
  private readonly pool: EmbeddingWorkerPool | undefined;
  private readonly queries: QueryBatcher;

  /**
   * @param options.workers worker threads for documents and questions (default 0: embed in this thread).
   * @param options.batchSize texts per model call (default 16; wasm memory grows with it).
   * @param options.queryCacheSize question vectors to remember (0 turns the cache off, as benchmarks do).
   */
  constructor(options: { workers?: number; batchSize?: number; queryCacheSize?: number | undefined } = {}) {
    super({ queryCacheSize: options.queryCacheSize });
    this.batchSize = options.batchSize ?? 16;
    const workers = options.workers ?? 0;
    this.pool =
      workers > 0
        ? new EmbeddingWorkerPool({ size: workers, dimension: USE_LITE_DIMENSION, batchSize: this.batchSize })
        : undefined;
    this.queries = new QueryBatcher({
      embedBatch: (texts) => this.embedDocuments(texts),
      maxBatch: this.batchSize,
      concurrency: this.pool?.size ?? 1,
    });
  }

  override get suitsBulkIngest(): boolean {
    return this.pool !== undefined;
  }

  override async embedDocuments(documents: string[]): Promise<number[][]> {
    if (this.pool) return this.pool.embed(documents);
    return this.embedHere(documents);
  }

  override embedQuery(document: string): Promise<number[]> {
    return this.cachedQuery(document, (text) => this.queries.embed(text));
  }

  override async warmUp(): Promise<void> {
    if (this.pool) await this.pool.warmUp();
    else await this.embedHere(['warm up']);
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
