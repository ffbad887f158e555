import { availableParallelism } from 'node:os';
import type { Config } from '../config.js';
import { PodciteError } from '../errors.js';
import { OpenAIEmbeddings } from './openai-embeddings.js';
import type { PodciteEmbeddings } from './podcite-embeddings.js';
import { UniversalSentenceEncoderEmbeddings } from './universal-sentence-encoder.js';

/**
 * The embedder `EMBEDDINGS` selects. `workers` (local only, default 0) moves embedding into that many
 * worker threads: ingest and the server pass `embeddingWorkerCount()` (the server so the model never
 * blocks its event loop); one-shot tools (`ask`, `eval`) embed in-process. Loads nothing until first
 * used; call `close()` when done.
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
