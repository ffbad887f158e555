// A stand-in embedding worker for the pool's tests: appends what it does to the file named by
// POOL_TEST_LOG (worker threads share the parent's environment) and answers with zero vectors.
import { appendFileSync } from 'node:fs';
import { parentPort, threadId } from 'node:worker_threads';

const log = (event) =>
  appendFileSync(process.env.POOL_TEST_LOG, `${JSON.stringify({ thread: threadId, event, at: Date.now() })}\n`);
log('spawned');
parentPort.on('message', (request) => {
  log(`task:${request.texts.join('|')}`);
  const vectors = new Float32Array(request.texts.length * 4);
  parentPort.postMessage({ id: request.id, vectors }, [vectors.buffer]);
});
