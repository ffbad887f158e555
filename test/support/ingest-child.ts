/**
 * Child process for `test/ingest/kill-during-ingest.test.ts`: runs the real `ingestPaths` with the
 * deterministic HashingEmbeddings (the real model is not the point there) so a test can `kill -9` it.
 *
 *   node --import tsx test/support/ingest-child.ts --index DIR [--pause-at STEP] [--embed-delay MS] PATH...
 *
 * Prints `PROGRESS <phase>` lines as it works, and `PAUSED <step>` when it reaches `--pause-at`
 * (a swap step: before-swap, between-renames, before-cleanup), where it then waits to be killed.
 */
import { parseArgs } from 'node:util';
import { ingestPaths } from '../../ingest/ingest-paths.js';
import { openLocalIndexStore } from '../../src/store/local-index-store.js';
import { HashingEmbeddings } from './hashing-embeddings.js';

class SlowHashingEmbeddings extends HashingEmbeddings {
  constructor(private readonly delayMs: number) {
    super();
  }

  override async embedDocuments(documents: string[]): Promise<number[][]> {
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    return super.embedDocuments(documents);
  }
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    index: { type: 'string' },
    'pause-at': { type: 'string' },
    'embed-delay': { type: 'string', default: '0' },
  },
});
if (!values.index) throw new Error('--index is required');
const pauseAt = values['pause-at'];

const report = await ingestPaths({
  paths: positionals,
  indexDir: values.index,
  store: openLocalIndexStore({
    dir: values.index,
    onSwapStep: async (step) => {
      if (step !== pauseAt) return;
      process.stdout.write(`PAUSED ${step}\n`);
      // Wait for the test's kill -9; the interval keeps the event loop alive.
      await new Promise(() => setInterval(() => undefined, 1000));
    },
  }),
  embeddings: new SlowHashingEmbeddings(Number(values['embed-delay'])),
  onProgress: (event) => process.stdout.write(`PROGRESS ${event.phase}\n`),
});
process.stdout.write(`DONE ${report.chunks}\n`);
