/**
 * HNSW at catalogue scale on synthetic vectors of the embedder's dimension: build time, memory,
 * search latency and recall@10 against exact (brute-force) search at several ef values.
 *
 * Vectors are drawn around random cluster centres (real sentence embeddings are clustered by
 * topic, and uniformly random high-dimensional vectors are a pathological case for any ANN index).
 *
 * Usage: tsx bench/ann-synthetic.ts [--count 100000] [--dimension 512] [--queries 200] [--ef-construction 200]
 */
import hnswlib from 'hnswlib-node';
import { exactTopK, percentile, printTable, random } from './bench-util.js';

const { HierarchicalNSW } = hnswlib;

export interface AnnScaleResult {
  count: number;
  dimension: number;
  buildSeconds: number;
  rssMegabytesAfterBuild: number;
  rows: Array<{ ef: number; recallAt10: number; p50Ms: number; p99Ms: number }>;
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
    })),
  );
}

export function runAnnScale(options: {
  count: number;
  dimension: number;
  queries: number;
  efValues: number[];
  /** Build-time beam width (default 200, what ingest uses); lower builds faster at some recall. */
  efConstruction?: number | undefined;
}): AnnScaleResult {
  const { count, dimension } = options;
  const vectors = makeVectors({ count, dimension, clusters: Math.max(10, Math.round(count / 200)), seed: 7 });
  const queries = makeVectors({ count: options.queries, dimension, clusters: 50, seed: 11 }).map((query, index) => {
    // Queries near real points, as a question is near the passage that answers it.
    const anchor = vectors[(index * 7919) % count]!;
    return normalise(Float32Array.from(anchor, (value, i) => value + 0.5 * (query[i] ?? 0)));
  });
  const index = new HierarchicalNSW('cosine', dimension);
  index.initIndex({ maxElements: count, m: 16, efConstruction: options.efConstruction ?? 200 });
  const buildStart = performance.now();
  vectors.forEach((vector, label) => {
    index.addPoint(Array.from(vector), label);
  });
  const buildSeconds = (performance.now() - buildStart) / 1000;
  const rssMegabytesAfterBuild = process.memoryUsage().rss / 2 ** 20;
  const truth = queries.map((query) => exactTopK({ count, vectorAt: (label) => vectors[label]!, query, k: 10 }));
  const rows = options.efValues.map((ef) => {
    index.setEf(ef);
    const latencies: number[] = [];
    let found = 0;
    queries.forEach((query, queryIndex) => {
      const started = performance.now();
      const result = index.searchKnn(Array.from(query), 10);
      latencies.push(performance.now() - started);
      const expected = new Set(truth[queryIndex]);
      found += result.neighbors.filter((neighbor) => expected.has(neighbor)).length;
    });
    return {
      ef,
      recallAt10: found / (10 * queries.length),
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
    };
  });
  return { count, dimension, buildSeconds, rssMegabytesAfterBuild, rows };
}

function argument(name: string, fallback: number): number {
  const position = process.argv.indexOf(`--${name}`);
  const value = position >= 0 ? Number(process.argv[position + 1]) : Number.NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = runAnnScale({
    count: argument('count', 100_000),
    dimension: argument('dimension', 512),
    queries: argument('queries', 200),
    efValues: [10, 32, 64, 128, 256],
    efConstruction: argument('ef-construction', 200),
  });
  console.log(
    `HNSW ${result.count} x ${result.dimension}: build ${result.buildSeconds.toFixed(1)} s, RSS ${result.rssMegabytesAfterBuild.toFixed(0)} MB`,
  );
  printAnnRows(result.rows);
}
