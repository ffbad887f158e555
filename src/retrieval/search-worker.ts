/**
 * Worker-thread entry of the search thread (`SearchThread`): loads the index itself and runs the hybrid
 * retriever, so BM25, HNSW and the fusion run beside the server's event loop instead of on it. Replies
 * with chunk positions and scores (see `search-protocol.ts`).
 */
import { parentPort, workerData } from 'node:worker_threads';
// The thread opens the index as the server does: the one place that chooses the store.
import { createIndexStore } from '../cli/create-index-store.js';
import { createEmbeddings } from '../embeddings/create-embeddings.js';
import { PodciteError } from '../errors.js';
import type { IndexStore } from '../store/index-store.js';
import { loadIndex } from '../store/load-index.js';
import { buildIndexTables } from '../tables/index-tables.js';
import { createRetriever, type HybridRetriever } from './create-retriever.js';
import {
  fingerprintOf,
  type SearchWorkerData,
  type SearchWorkerReply,
  type SearchWorkerRequest,
} from './search-protocol.js';

const port = parentPort;
if (!port) throw new Error('search-worker.ts must run inside a worker thread.');
const { config, tuning } = workerData as SearchWorkerData;
// The embedder runs in this thread: the static one costs ~0.3 ms a question.
const embeddings = createEmbeddings(config, { workers: 0 });
const generations = new Map<number, HybridRetriever>();
let store: IndexStore | undefined;

port.on('message', (request: SearchWorkerRequest) => {
  handle(request).then(
    (reply) =>
      port.postMessage(
        reply,
        reply.type === 'hits' ? [reply.positions.buffer as ArrayBuffer, reply.scores.buffer as ArrayBuffer] : [],
      ),
    (error: unknown) => {
      const reply: SearchWorkerReply = {
        type: 'error',
        id: request.id,
        code: error instanceof PodciteError ? error.code : 'internal:search',
        message: error instanceof Error ? error.message : String(error),
      };
      port.postMessage(reply);
    },
  );
});

async function handle(request: SearchWorkerRequest): Promise<SearchWorkerReply> {
  if (request.type === 'load') {
    // One store, reopened for each new generation, as the server's live reload does: searches of the
    // generation before still map what the store returns through their own chunks.
    if (store) await store.reopen();
    else store = await createIndexStore(config);
    const index = buildIndexTables(await loadIndex({ store, embeddings }));
    const retriever = createRetriever({ index, embeddings, tuning });
    generations.set(request.generation, retriever);
    // Requests that started on the index being replaced may still arrive; older ones are gone.
    for (const generation of generations.keys()) {
      if (generation < request.generation - 1) generations.delete(generation);
    }
    return { type: 'loaded', id: request.id, generation: request.generation, fingerprint: fingerprintOf(index) };
  }
  const retriever = generations.get(request.generation);
  if (!retriever) {
    throw new PodciteError('unavailable:search', 'The index this search started on has been replaced; ask again.');
  }
  const hits = await retriever.search(request.query, { k: request.k, episodeIds: request.episodeIds });
  const { positionById } = retriever.lexicalIndex;
  return {
    type: 'hits',
    id: request.id,
    positions: Int32Array.from(hits, (hit) => positionById.get(hit.chunk.chunkId) ?? -1),
    scores: Float64Array.from(hits, (hit) => hit.score),
  };
}
