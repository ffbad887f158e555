/**
 * Worker-thread entry: loads Universal Sentence Encoder lite once and embeds the batches the
 * `EmbeddingWorkerPool` sends. The wasm backend runs single-threaded, so one worker per core is
 * how ingest uses the whole machine.
 */
import { parentPort } from 'node:worker_threads';
import { loadUseLiteModel } from './use-lite-model.js';
import type { WorkerReply, WorkerRequest } from './worker-pool.js';

const port = parentPort;
if (!port) throw new Error('embedding-worker.ts must run inside a worker thread.');

port.on('message', async (request: WorkerRequest) => {
  try {
    const model = await loadUseLiteModel();
    const vectors = await model.embed(request.texts, { batchSize: request.batchSize });
    const reply: WorkerReply = { id: request.id, vectors };
    // Transferred, not copied: a batch of 16 is 32 KB, but ingest sends thousands.
    port.postMessage(reply, [vectors.buffer as ArrayBuffer]);
  } catch (error) {
    const reply: WorkerReply = { id: request.id, error: error instanceof Error ? error.message : String(error) };
    port.postMessage(reply);
  }
});
