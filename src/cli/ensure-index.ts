import { fileURLToPath } from 'node:url';
import { formatIngestReport } from '../../ingest/format-ingest-report.js';
import { ingestPaths } from '../../ingest/ingest-paths.js';
import { createProgressReporter } from '../../ingest/progress-reporter.js';
import type { Config } from '../config.js';
import { createEmbeddings, embeddingWorkerCount } from '../embeddings/create-embeddings.js';
import type { PodciteEmbeddings } from '../embeddings/podcite-embeddings.js';
import { PodciteError } from '../errors.js';
import type { IndexStore } from '../store/index-store.js';
import { loadIndex } from '../store/load-index.js';
import type { LoadedIndex } from '../store/loaded-index.js';
import { createIndexStore } from './create-index-store.js';

/** The bundled sample corpus (`data/`), found relative to this file so `npm start` works from any directory. */
const SAMPLE_CORPUS = fileURLToPath(new URL('../../data/', import.meta.url));

/**
 * Loads the index in `store` (default: `createIndexStore(config)`); when there is none yet, first ingests the bundled sample
 * corpus (progress on stderr) so a fresh clone answers questions after one `npm start`.
 * Other load errors (embedder mismatch, damage) are thrown, not papered over by a re-ingest.
 * @param options.embeddings the embedder that will query the index; it also ingests unless it embeds in
 *   this thread only (`suitsBulkIngest`), when a worker-backed copy does.
 * @param options.log where status lines go (default: stderr).
 */
export async function ensureIndex(options: {
  config: Config;
  store?: IndexStore | undefined;
  embeddings: PodciteEmbeddings;
  log?: ((message: string) => void) | undefined;
  /** What to ingest when there is no index (default: the bundled sample corpus). */
  corpusPaths?: string[] | undefined;
}): Promise<LoadedIndex> {
  const { config, embeddings } = options;
  const store = options.store ?? (await createIndexStore(config));
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  try {
    return await loadIndex({ store, embeddings });
  } catch (error) {
    if (!(error instanceof PodciteError) || error.code !== 'index:missing') throw error;
  }
  const paths = options.corpusPaths ?? [SAMPLE_CORPUS];
  // The static table embeds the sample in about a second; the USE lite transformer takes a minute.
  const duration = config.embeddings === 'local' ? 'a few seconds' : 'about a minute';
  log(`No index at ${store.location} yet: indexing the sample corpus first (one time, ${duration}).`);
  // The server's embedder already has a worker per core and is used as it is (no second set of
  // models); one that embeds in this thread (ask, eval) gets a worker-backed copy for the ingest.
  const ingestEmbeddings = embeddings.suitsBulkIngest
    ? embeddings
    : createEmbeddings(config, { workers: embeddingWorkerCount() });
  const progress = createProgressReporter(process.stderr);
  const started = performance.now();
  try {
    const report = await ingestPaths({
      paths,
      indexDir: config.indexDir,
      store,
      embeddings: ingestEmbeddings,
      onProgress: (event) => progress.onProgress(event),
    });
    progress.finish();
    for (const line of formatIngestReport(report, { seconds: (performance.now() - started) / 1000 })) log(line);
  } finally {
    progress.finish();
    if (ingestEmbeddings !== embeddings) await ingestEmbeddings.close();
  }
  return loadIndex({ store, embeddings });
}
