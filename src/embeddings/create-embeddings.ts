import { availableParallelism } from 'node:os';
import type { Config } from '../config.js';
import { PodciteError } from '../errors.js';
import { OpenAIEmbeddings } from './openai-embeddings.js';
import type { PodciteEmbeddings } from './podcite-embeddings.js';
import { StaticEmbeddings } from './static-embeddings.js';
import { UniversalSentenceEncoderEmbeddings } from './universal-sentence-encoder.js';

/**
 * The embedder `EMBEDDINGS` selects. `workers` (use-lite only, default 0) moves embedding into that many
 * worker threads: ingest and the server pass `embeddingWorkerCount()` (the server so the model never
 * blocks its event loop); one-shot tools (`ask`, `eval`) embed in-process. The default static embedder
 * (`local`) always runs in the calling thread: a text costs microseconds, less than a message to a worker.
 * Loads nothing until first used; call `close()` when done.
 */
export function createEmbeddings(
  config: Config,
  options: { workers?: number; queryCacheSize?: number } = {},
): PodciteEmbeddings {
  if (config.embeddings === 'openai') {
    if (!config.openai) {
      throw new PodciteError('config', 'EMBEDDINGS=openai needs OPENAI_API_KEY or OPENAI_BASE_URL.');
    }
    return new OpenAIEmbeddings({
      apiKey: config.openai.apiKey,
      baseURL: config.openai.baseURL,
      model: config.embeddingModel,
      queryCacheSize: options.queryCacheSize,
    });
  }
  if (config.embeddings === 'local') return new StaticEmbeddings();
  return new UniversalSentenceEncoderEmbeddings({
    workers: options.workers ?? 0,
    queryCacheSize: options.queryCacheSize,
  });
}

/**
 * Worker threads for local embedding: one per core (the wasm backend is single-threaded), at most four
 * because each worker holds its own model (~250 MB).
 */
export function embeddingWorkerCount(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}
