/**
 * Ingest throughput: chunks embedded per second with one worker thread and with two, on the bundled
 * sample; optionally the whole Practical AI corpus (about 300 episodes) with one worker per core.
 * Also the home of the bench's corpora and index folders, which the query and load sections reuse.
 */
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type IngestProgress, type IngestReport, ingestPaths } from '../ingest/ingest-paths.js';
import { loadConfig } from '../src/config.js';
import { createEmbeddings } from '../src/embeddings/create-embeddings.js';
import type { PodciteEmbeddings } from '../src/embeddings/podcite-embeddings.js';
import { STATIC_COMPONENTS, STATIC_EMBEDDER_ID } from '../src/embeddings/static-embeddings.js';
import { HashingEmbeddings } from '../test/support/hashing-embeddings.js';
import { printTable } from './bench-util.js';
import { runLongTurnBench } from './long-turn-bench.js';

export type CorpusName = 'sample' | 'practical-ai';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Where each corpus lives: the bundled sample, and Practical AI — by default the four transcripts in
 * the test fixtures; `npm run bench -- --corpus-dir DIR` points it at the whole corpus (~300 episodes).
 */
export const CORPUS_PATHS: Record<CorpusName, string> = {
  sample: path.join(repositoryRoot, 'data'),
  'practical-ai': path.join(repositoryRoot, 'test/fixtures/practical-ai'),
};

/** Indexes the bench builds and keeps between runs (outside the repository, so they never get committed). */
export const BENCH_ROOT = path.join(tmpdir(), 'podcite-bench');

/** The index the bench keeps for a corpus unless `--index` names another. */
export function defaultIndexDir(corpus: CorpusName): string {
  return path.join(BENCH_ROOT, `${corpus}-index`);
}

/**
 * Where the bench keeps a corpus's index with stand-in document vectors (see `buildStandInIndex`).
 */
export function standInIndexDir(corpus: CorpusName): string {
  return path.join(BENCH_ROOT, `${corpus}-stand-in-index`);
}

/**
 * An index of `corpus` with the real chunks (so BM25, the extractive answerer and the HNSW graph
 * have the real sizes) but document vectors from a word-hashing stand-in instead of the embedder,
 * labelled as the default static embedder so it can query it. For latency at a corpus's true
 * size when embedding it is too slow (Practical AI: ~36k chunks, hours on a busy 2-core box);
 * its dense results are meaningless, so never use it for quality.
 */
export async function buildStandInIndex(options: { corpus: CorpusName; indexDir: string }): Promise<IngestRun> {
  const embeddings = new HashingEmbeddings({ dimension: STATIC_COMPONENTS, id: STATIC_EMBEDDER_ID });
  const started = performance.now();
  const report = await ingestPaths({
    paths: [CORPUS_PATHS[options.corpus]],
    indexDir: options.indexDir,
    embeddings,
    rebuild: true,
  });
  const totalSeconds = (performance.now() - started) / 1000;
  return {
    corpus: options.corpus,
    embedder: 'local',
    workers: 0,
    chunks: report.chunks,
    embedded: report.embedded,
    warmUpSeconds: 0,
    embedSeconds: 0,
    totalSeconds,
    cpuSeconds: 0,
  };
}

export async function hasIndex(dir: string): Promise<boolean> {
  try {
    return (await stat(path.join(dir, 'manifest.json'))).isFile();
  } catch {
    return false;
  }
}

export interface IngestRun {
  corpus: CorpusName;
  /** `EMBEDDINGS` of the run: the static embedder (`local`) or USE lite. */
  embedder: 'local' | 'use-lite';
  workers: number;
  chunks: number;
  embedded: number;
  /** Starting the workers and loading a model in each, before the ingest proper. */
  warmUpSeconds: number;
  /** From the first embedding request to the last vector (parsing and writing excluded). */
  embedSeconds: number;
  /** The whole `ingestPaths` call: parse, prepare, embed, write. */
  totalSeconds: number;
  /** CPU seconds of this process (all threads, workers included) during `ingestPaths`; 0 when not measured. */
  cpuSeconds: number;
}

/**
 * One full (rebuild) ingest of `corpus` into `indexDir` with `workers` embedding threads. The
 * workers are warmed first (one batch each), so the embed rate excludes model loading.
 */
export async function measureIngest(options: {
  corpus: CorpusName;
  workers: number;
  indexDir: string;
  /** Default `local` (the static embedder, which ignores `workers`); `use-lite` for the worker comparison. */
  embedder?: 'local' | 'use-lite';
  /** Progress lines on stderr every tenth of the chunks (for the long Practical AI run). */
  verbose?: boolean;
}): Promise<IngestRun> {
  const { corpus, workers, indexDir } = options;
  const embedder = options.embedder ?? 'local';
  const config = loadConfig({ EMBEDDINGS: embedder, INDEX_DIR: indexDir, RATE_LIMIT_PER_MINUTE: '0' });
  const embeddings: PodciteEmbeddings = createEmbeddings(config, { workers });
  try {
    const warmStart = performance.now();
    // 16 texts make one worker batch; one batch per worker makes every worker load its model now.
    await embeddings.embedDocuments(Array.from({ length: 16 * workers }, (_, index) => `warm up sentence ${index}`));
    const warmUpSeconds = (performance.now() - warmStart) / 1000;

    let embedStarted: number | undefined;
    let embedEnded: number | undefined;
    let lastTenth = -1;
    const onProgress = (event: IngestProgress) => {
      if (event.phase === 'embed') {
        embedStarted ??= performance.now();
        embedEnded = performance.now();
        const tenth = Math.floor((10 * event.chunksDone) / Math.max(1, event.chunksTotal));
        if (options.verbose && tenth !== lastTenth) {
          lastTenth = tenth;
          const seconds = (performance.now() - embedStarted) / 1000;
          process.stderr.write(
            `  ${corpus}: ${event.chunksDone}/${event.chunksTotal} chunks embedded in ${seconds.toFixed(0)} s\n`,
          );
        }
      }
    };
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const report: IngestReport = await ingestPaths({
      paths: [CORPUS_PATHS[corpus]],
      indexDir,
      embeddings,
      rebuild: true,
      onProgress,
    });
    const totalSeconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const failed = report.files.filter((file) => file.status === 'failed');
    if (failed.length > 0) {
      process.stderr.write(
        `  ${failed.length} file(s) failed to ingest, e.g. ${failed[0]!.path}: ${failed[0]!.reason}\n`,
      );
    }
    return {
      corpus,
      embedder,
      workers,
      chunks: report.chunks,
      embedded: report.embedded,
      warmUpSeconds,
      embedSeconds: embedStarted !== undefined && embedEnded !== undefined ? (embedEnded - embedStarted) / 1000 : 0,
      totalSeconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
    };
  } finally {
    await embeddings.close();
  }
}

function rate(count: number, seconds: number): number {
  return seconds > 0 ? count / seconds : Number.NaN;
}

function runRow(run: IngestRun): Record<string, string | number> {
  return {
    corpus: run.corpus,
    embedder: run.embedder,
    workers: run.embedder === 'local' ? 'in-process' : run.workers,
    chunks: run.chunks,
    'warm-up s': run.warmUpSeconds.toFixed(1),
    'embed s': run.embedSeconds.toFixed(1),
    'total s': run.totalSeconds.toFixed(1),
    'chunks/s (embed)': rate(run.embedded, run.embedSeconds).toFixed(1),
    'chunks/s (total)': rate(run.chunks, run.totalSeconds).toFixed(1),
    'CPU s': run.cpuSeconds.toFixed(1),
    'chunks per CPU s': rate(run.chunks, run.cpuSeconds).toFixed(1),
  };
}

/**
 * The ingest section: the sample with USE lite on 1 and then 2 workers, then with the default static
 * embedder (that index is kept for the query and load sections), then, when asked, Practical AI with the
 * static embedder into `indexDir`.
 */
export async function runIngestBench(options: {
  corpus: CorpusName;
  /** Where the Practical AI index goes (default `defaultIndexDir('practical-ai')`). */
  indexDir?: string | undefined;
}): Promise<IngestRun[]> {
  await mkdir(BENCH_ROOT, { recursive: true });
  console.log('\n## ingest\n');
  const runs: IngestRun[] = [];
  const scratch = await mkdtemp(path.join(BENCH_ROOT, 'ingest-use-lite-'));
  try {
    // USE lite on one and two worker threads (EMBEDDINGS=use-lite), then the default static embedder.
    for (const workers of [1, 2]) {
      const indexDir = path.join(scratch, `index-${workers}`);
      runs.push(await measureIngest({ corpus: 'sample', workers, indexDir, embedder: 'use-lite' }));
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  runs.push(await measureIngest({ corpus: 'sample', workers: 0, indexDir: defaultIndexDir('sample') }));
  printTable(runs.map(runRow));
  const [one, two] = runs;
  if (one && two) {
    const speedUp = rate(two.embedded, two.embedSeconds) / rate(one.embedded, one.embedSeconds);
    console.log(`\nUSE lite, 2 workers / 1 worker embed rate: ${speedUp.toFixed(2)}x`);
  }
  runLongTurnBench();

  if (options.corpus === 'practical-ai') {
    const indexDir = options.indexDir ?? defaultIndexDir('practical-ai');
    console.log(`\nPractical AI, static embedder, into ${indexDir} (about a minute on 2 cores)…`);
    const run = await measureIngest({ corpus: 'practical-ai', workers: 0, indexDir, verbose: true });
    runs.push(run);
    printTable([runRow(run)]);
  }
  return runs;
}
