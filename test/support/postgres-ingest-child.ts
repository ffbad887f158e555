/**
 * Child process for `test/store/postgres/kill-during-postgres-ingest.test.ts`: runs the real
 * `ingestPaths` into PostgreSQL with the deterministic HashingEmbeddings, so a test can `kill -9` it.
 *
 *   node --import tsx test/support/postgres-ingest-child.ts --database-url URL --index DIR
 *     [--pause-before-commit N] [--lease-ms MS] PATH...
 *
 * Prints `PROGRESS <phase>` lines as it works, and `PAUSED <episodeId>` inside the Nth episode's
 * transaction, just before its COMMIT, where it then waits to be killed.
 */
import { parseArgs } from 'node:util';
import { ingestPaths } from '../../ingest/ingest-paths.js';
import { openPostgresIndexStore } from '../../src/store/postgres/postgres-index-store.js';
import { HashingEmbeddings } from './hashing-embeddings.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'database-url': { type: 'string' },
    index: { type: 'string' },
    'pause-before-commit': { type: 'string' },
    'lease-ms': { type: 'string' },
  },
});
if (!values['database-url'] || !values.index) throw new Error('--database-url and --index are required');
const pauseAt = values['pause-before-commit'] === undefined ? undefined : Number(values['pause-before-commit']);
let commits = 0;

const store = await openPostgresIndexStore({
  url: values['database-url'],
  writeLeaseMs: values['lease-ms'] === undefined ? undefined : Number(values['lease-ms']),
  beforeEpisodeCommit: async (episodeId) => {
    commits++;
    if (commits !== pauseAt) return;
    process.stdout.write(`PAUSED ${episodeId}\n`);
    // Wait for the test's kill -9; the interval keeps the event loop alive.
    await new Promise(() => setInterval(() => undefined, 1000));
  },
});
const report = await ingestPaths({
  paths: positionals,
  indexDir: values.index,
  store,
  embeddings: new HashingEmbeddings(),
  onProgress: (event) => process.stdout.write(`PROGRESS ${event.phase}\n`),
});
await store.close();
process.stdout.write(`DONE ${report.chunks}\n`);
