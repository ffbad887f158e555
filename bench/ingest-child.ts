/**
 * One ingest in a process of its own, so the catalogue bench can read its peak resident memory
 * (`process.resourceUsage().maxRSS` covers every thread) and time each phase without its own heap in
 * the way. Runs `ingestPaths` exactly as `npm run ingest` does, with the embedder `EMBEDDINGS` selects.
 *
 * Usage: tsx bench/ingest-child.ts INDEX_DIR PATH... → one JSON line (`IngestChildResult`) on stdout.
 */
import { ingestPaths } from '../ingest/ingest-paths.js';
import { loadConfig } from '../src/config.js';
import { createEmbeddings, embeddingWorkerCount } from '../src/embeddings/create-embeddings.js';

/** What the child reports. Seconds are wall time from the start of `ingestPaths`. */
export interface IngestChildResult {
  embedder: string;
  chunks: number;
  episodes: number;
  /** When the first file was parsed, the embedding started, and the index writing started; and the end. */
  parseSeconds: number;
  embedSeconds: number;
  writeSeconds: number;
  totalSeconds: number;
  maxRssMegabytes: number;
  cpuSeconds: number;
}

const [indexDir, ...paths] = process.argv.slice(2);
if (!indexDir || paths.length === 0) {
  process.stderr.write('usage: tsx bench/ingest-child.ts INDEX_DIR PATH...\n');
  process.exit(2);
}
const embeddings = createEmbeddings(loadConfig(), { workers: embeddingWorkerCount() });
const started = performance.now();
const seconds = () => (performance.now() - started) / 1000;
let embedStarted: number | undefined;
let writeStarted: number | undefined;
try {
  const report = await ingestPaths({
    paths,
    indexDir,
    embeddings,
    rebuild: true,
    onProgress: (event) => {
      if (event.phase === 'embed') embedStarted ??= seconds();
      if (event.phase === 'write') writeStarted ??= seconds();
    },
  });
  const totalSeconds = seconds();
  const usage = process.resourceUsage();
  const result: IngestChildResult = {
    embedder: report.embedder,
    chunks: report.chunks,
    episodes: report.episodes.added.length + report.episodes.updated.length + report.episodes.unchanged.length,
    parseSeconds: embedStarted ?? totalSeconds,
    embedSeconds: (writeStarted ?? totalSeconds) - (embedStarted ?? totalSeconds),
    writeSeconds: totalSeconds - (writeStarted ?? totalSeconds),
    totalSeconds,
    maxRssMegabytes: usage.maxRSS / 1024,
    cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await embeddings.close();
}
