/**
 * HNSW at catalogue scale on synthetic vectors of the embedder's dimension: build time, memory,
 * search latency and recall@10 against exact (brute-force) search at several ef values.
 *
 * Vectors are drawn around random cluster centres (real sentence embeddings are clustered by
 * topic, and uniformly random high-dimensional vectors are a pathological case for any ANN index).
 *
 * A build can take most of an hour at 1M vectors, so with `cacheDir` the built index is written
 * there with the build's own measurements beside it, and a later run with the same parameters
 * loads it instead of rebuilding (the vectors themselves are regenerated from the seed).
 *
 * Latency is measured the way a server sees it once warm: every query is searched once before
 * timing starts (pages touched, code compiled), then each ef is timed over several interleaved
 * rounds, so a burst of noise from another process lands on all ef values alike.
 *
 * Usage: tsx bench/ann-synthetic.ts [--count 100000] [--dimension 512] [--queries 1000] [--ef-construction 200] [--cache DIR]
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import hnswlib from 'hnswlib-node';
import { percentile, printTable, random } from './bench-util.js';

const { BruteforceSearch, HierarchicalNSW } = hnswlib;

/** Graph degree ingest uses (hnswlib's default). */
const M = 16;
/** Neighbours whose recall is measured. */
const K = 10;
const DATA_SEED = 7;
const QUERY_SEED = 11;

export interface AnnScaleResult {
  count: number;
  dimension: number;
  buildSeconds: number;
  /** Memory the build added (resident set), measured by the run that built the index. */
  buildRssMegabytes: number;
  /** True when the index came from `cacheDir` rather than being built by this run. */
  fromCache: boolean;
  /** When the cached index was built (ISO time); this run's start otherwise. */
  builtAt: string;
  queries: number;
  rounds: number;
  rows: Array<{ ef: number; recallAt10: number; p50Ms: number; p99Ms: number; maxMs: number }>;
}

/** What a cached build recorded about itself. */
interface BuildRecord {
  count: number;
  dimension: number;
  m: number;
  efConstruction: number;
  seed: number;
  buildSeconds: number;
  buildRssMegabytes: number;
  builtAt: string;
}

function gaussian(next: () => number): number {
  const u = Math.max(next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
}

function normalise(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm) || 1;
  for (let index = 0; index < vector.length; index++) vector[index] = (vector[index] ?? 0) / norm;
  return vector;
}

function makeVectors(options: { count: number; dimension: number; clusters: number; seed: number }): Float32Array[] {
  const next = random(options.seed);
  const centres = Array.from({ length: options.clusters }, () =>
    normalise(Float32Array.from({ length: options.dimension }, () => gaussian(next))),
  );
  return Array.from({ length: options.count }, () => {
    const centre = centres[Math.floor(next() * centres.length)]!;
    return normalise(Float32Array.from(centre, (value) => value + 0.06 * gaussian(next)));
  });
}

/** Prints one table row per ef: recall@10 and search latency. */
export function printAnnRows(rows: AnnScaleResult['rows']): void {
  printTable(
    rows.map((row) => ({
      ef: row.ef,
      'recall@10': row.recallAt10.toFixed(3),
      'p50 ms': row.p50Ms.toFixed(3),
      'p99 ms': row.p99Ms.toFixed(3),
      'max ms': row.maxMs.toFixed(3),
    })),
  );
}

function cacheFiles(cacheDir: string, record: Omit<BuildRecord, 'buildSeconds' | 'buildRssMegabytes' | 'builtAt'>) {
  const stem = `hnsw-${record.count}x${record.dimension}-m${record.m}-efc${record.efConstruction}-seed${record.seed}`;
  return { index: path.join(cacheDir, `${stem}.bin`), record: path.join(cacheDir, `${stem}.json`) };
}

/** Builds the HNSW index over `vectors`, timing the inserts and the memory they add. */
function buildIndex(vectors: Float32Array[], dimension: number, efConstruction: number) {
  const index = new HierarchicalNSW('cosine', dimension);
  const rssBefore = process.memoryUsage().rss;
  index.initIndex({ maxElements: vectors.length, m: M, efConstruction });
  const started = performance.now();
  vectors.forEach((vector, label) => {
    index.addPoint(Array.from(vector), label);
  });
  const buildSeconds = (performance.now() - started) / 1000;
  return { index, buildSeconds, buildRssMegabytes: (process.memoryUsage().rss - rssBefore) / 2 ** 20 };
}

/** Loads the cached index for these parameters, or builds it and (with a cache) saves it. */
async function obtainIndex(options: {
  vectors: Float32Array[];
  dimension: number;
  efConstruction: number;
  cacheDir: string | undefined;
}) {
  const { vectors, dimension, efConstruction, cacheDir } = options;
  const key = { count: vectors.length, dimension, m: M, efConstruction, seed: DATA_SEED };
  const files = cacheDir ? cacheFiles(cacheDir, key) : undefined;
  if (files && existsSync(files.index) && existsSync(files.record)) {
    const record = JSON.parse(await readFile(files.record, 'utf8')) as BuildRecord;
    const index = new HierarchicalNSW('cosine', dimension);
    index.readIndexSync(files.index);
    return { index, record, fromCache: true };
  }
  const built = buildIndex(vectors, dimension, efConstruction);
  const record: BuildRecord = {
    ...key,
    buildSeconds: built.buildSeconds,
    buildRssMegabytes: built.buildRssMegabytes,
    builtAt: new Date().toISOString(),
  };
  if (files && cacheDir) {
    await mkdir(cacheDir, { recursive: true });
    // Written under a temporary name first: an interrupted save never looks like a finished build.
    built.index.writeIndexSync(`${files.index}.partial`);
    await rename(`${files.index}.partial`, files.index);
    await writeFile(files.record, JSON.stringify(record, null, 2));
  }
  return { index: built.index, record, fromCache: false };
}

/** Exact top-k of every query by hnswlib's brute-force index (native code: minutes, not hours, at 1M). */
function exactNeighbours(vectors: Float32Array[], queries: Float32Array[], dimension: number): Array<Set<number>> {
  const exact = new BruteforceSearch('cosine', dimension);
  exact.initIndex(vectors.length);
  vectors.forEach((vector, label) => {
    exact.addPoint(Array.from(vector), label);
  });
  return queries.map((query) => new Set(exact.searchKnn(Array.from(query), K).neighbors));
}

export async function runAnnScale(options: {
  count: number;
  dimension: number;
  queries: number;
  efValues: number[];
  /** Build-time beam width (default 200, what ingest uses); lower builds faster at some recall. */
  efConstruction?: number | undefined;
  /** Timed passes over the queries per ef (default 3). */
  rounds?: number | undefined;
  /** Folder to keep built indexes in and load them from. */
  cacheDir?: string | undefined;
}): Promise<AnnScaleResult> {
  const { count, dimension } = options;
  const rounds = options.rounds ?? 3;
  const vectors = makeVectors({ count, dimension, clusters: Math.max(10, Math.round(count / 200)), seed: DATA_SEED });
  const queries = makeVectors({ count: options.queries, dimension, clusters: 50, seed: QUERY_SEED }).map(
    (query, index) => {
      // Queries near real points, as a question is near the passage that answers it.
      const anchor = vectors[(index * 7919) % count]!;
      return normalise(Float32Array.from(anchor, (value, i) => value + 0.5 * (query[i] ?? 0)));
    },
  );
  const { index, record, fromCache } = await obtainIndex({
    vectors,
    dimension,
    efConstruction: options.efConstruction ?? 200,
    cacheDir: options.cacheDir,
  });
  const truth = exactNeighbours(vectors, queries, dimension);
  const queryArrays = queries.map((query) => Array.from(query));

  index.setEf(Math.max(...options.efValues));
  for (const query of queryArrays) index.searchKnn(query, K);

  const latencies = new Map<number, number[]>(options.efValues.map((ef) => [ef, []]));
  const found = new Map<number, number>(options.efValues.map((ef) => [ef, 0]));
  for (let round = 0; round < rounds; round++) {
    for (const ef of options.efValues) {
      index.setEf(ef);
      queryArrays.forEach((query, queryIndex) => {
        const started = performance.now();
        const result = index.searchKnn(query, K);
        latencies.get(ef)!.push(performance.now() - started);
        if (round === 0) {
          const expected = truth[queryIndex]!;
          found.set(ef, found.get(ef)! + result.neighbors.filter((neighbor) => expected.has(neighbor)).length);
        }
      });
    }
  }
  const rows = options.efValues.map((ef) => {
    const times = latencies.get(ef)!;
    return {
      ef,
      recallAt10: found.get(ef)! / (K * queries.length),
      p50Ms: percentile(times, 50),
      p99Ms: percentile(times, 99),
      maxMs: Math.max(...times),
    };
  });
  return {
    count,
    dimension,
    buildSeconds: record.buildSeconds,
    buildRssMegabytes: record.buildRssMegabytes,
    fromCache,
    builtAt: record.builtAt,
    queries: queries.length,
    rounds,
    rows,
  };
}

function argument(name: string, fallback: number): number {
  const position = process.argv.indexOf(`--${name}`);
  const value = position >= 0 ? Number(process.argv[position + 1]) : Number.NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const cachePosition = process.argv.indexOf('--cache');
  const result = await runAnnScale({
    count: argument('count', 100_000),
    dimension: argument('dimension', 512),
    queries: argument('queries', 1000),
    efValues: [32, 64, 96, 128, 192, 256],
    efConstruction: argument('ef-construction', 200),
    cacheDir: cachePosition >= 0 ? process.argv[cachePosition + 1] : undefined,
  });
  console.log(
    `HNSW ${result.count} x ${result.dimension}: build ${result.buildSeconds.toFixed(1)} s${result.fromCache ? ` (cached build of ${result.builtAt})` : ''}, +${result.buildRssMegabytes.toFixed(0)} MB`,
  );
  printAnnRows(result.rows);
}
