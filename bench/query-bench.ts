/**
 * Query latency on a real index: embedding a question, HNSW search (time and recall@10 against exact
 * search over the index's own vectors at several ef values), the hybrid retriever in-process, and
 * `/api/search` and `/api/chat` end to end over a real port, one request at a time, including the
 * time to the first streamed `text-delta` of an extractive answer.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAnswerer } from '../src/answer/create-answerer.js';
import { loadPrompts } from '../src/answer/load-prompts.js';
import { loadConfig } from '../src/config.js';
import type { Retriever } from '../src/domain.js';
import { createEmbeddings, embeddingWorkerCount } from '../src/embeddings/create-embeddings.js';
import type { PodciteEmbeddings } from '../src/embeddings/podcite-embeddings.js';
import { loadQaSet } from '../src/eval/qa-set.js';
import { createApp } from '../src/http/create-app.js';
import { InFlightTracker } from '../src/http/in-flight-tracker.js';
import { startServer } from '../src/http/start-server.js';
import { loggerForLines } from '../src/log/create-logger.js';
import { createRetriever } from '../src/retrieval/create-retriever.js';
import { loadIndex } from '../src/store/load-index.js';
import { openLocalIndexStore } from '../src/store/local-index-store.js';
import { buildIndexTables } from '../src/tables/index-tables.js';
import { readIndexFiles } from '../src/store/read-index-files.js';
import type { LoadedIndex } from '../src/store/loaded-index.js';
import { exactTopK, percentile, printTable } from './bench-util.js';
import type { CorpusName } from './ingest-bench.js';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Question sets whose questions the bench asks: each corpus's dev set. */
const QUESTION_SETS: Record<CorpusName, string> = {
  sample: path.join(repositoryRoot, 'eval/latent-space-dev.jsonl'),
  'practical-ai': path.join(repositoryRoot, 'eval/practical-ai-dev.jsonl'),
};

/** A target from podcite issue 7 beside what was measured; timings are reported, never asserted. */
export interface TargetCheck {
  target: string;
  measured: string;
  pass: boolean;
  /** Why the comparison is not like for like (another index, another scale). */
  note?: string;
}

/** The questions of a corpus's dev set (falls back to the other set's when it is missing). */
export async function loadQuestions(corpus: CorpusName): Promise<string[]> {
  const order: CorpusName[] = corpus === 'sample' ? ['sample', 'practical-ai'] : ['practical-ai', 'sample'];
  for (const name of order) {
    try {
      const items = await loadQaSet(QUESTION_SETS[name]);
      if (items.length > 0) return items.map((item) => item.question);
    } catch {
      // Try the other set.
    }
  }
  return ['What is a world model?', 'Who talked about evaluation?', 'When did they discuss open source models?'];
}

export interface BenchServer {
  url: string;
  index: LoadedIndex;
  embeddings: PodciteEmbeddings;
  retriever: Retriever;
  /** Error lines the app logged (5xx details); should stay 0. */
  loggedErrors(): number;
  close(): Promise<void>;
}

/**
 * The production wiring of `src/cli/serve.ts` over `indexDir` on an ephemeral port: local
 * embeddings, extractive answers (no LLM in the environment) and the rate limit off, so load
 * tests measure the server rather than 429s.
 */
export async function startBenchServer(options: { indexDir: string }): Promise<BenchServer> {
  const config = loadConfig({
    INDEX_DIR: options.indexDir,
    EMBEDDINGS: 'local',
    RATE_LIMIT_PER_MINUTE: '0',
    HOST: '127.0.0.1',
    PORT: '0',
  });
  // As the server runs them (embedding workers), but with the question cache off: the rounds repeat
  // questions, and these figures are meant to be the cost of a new one.
  const embeddings = createEmbeddings(config, { workers: embeddingWorkerCount(), queryCacheSize: 0 });
  const index = buildIndexTables(await loadIndex({ store: openLocalIndexStore({ dir: config.indexDir }), embeddings }));
  const retriever = createRetriever({ index, embeddings });
  const answerer = createAnswerer({ config, retriever, index, prompts: loadPrompts() });
  await embeddings.warmUp();
  let errors = 0;
  const log = (message: string) => {
    errors++;
    if (errors <= 3) process.stderr.write(`  server: ${message.slice(0, 300)}\n`);
  };
  const tracker = new InFlightTracker();
  // Errors only: a line per request would be counted as an error (and cost time being measured).
  const logger = loggerForLines({ log, level: 'error' });
  const app = createApp({ config, index, retriever, answerer, embedderId: embeddings.id, tracker, logger });
  const running = await startServer({ app, host: config.host, port: config.port, tracker });
  return {
    url: running.url,
    index,
    embeddings,
    retriever,
    loggedErrors: () => errors,
    async close() {
      await running.close({ graceMs: 5_000 });
      await embeddings.close();
    },
  };
}

function summary(values: number[]): { p50: number; p95: number; p99: number; mean: number } {
  const mean = values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
  return { p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99), mean };
}

function milliseconds(value: number): string {
  return Number.isFinite(value) ? value.toFixed(1) : '–';
}

function unit(vector: ArrayLike<number>): Float32Array {
  const copy = Float32Array.from(vector);
  let norm = 0;
  for (const value of copy) norm += value * value;
  norm = Math.sqrt(norm) || 1;
  for (let index = 0; index < copy.length; index++) copy[index] = copy[index]! / norm;
  return copy;
}

export interface AnnRow {
  ef: number;
  recallAt10: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * HNSW on the index's stored vectors: recall@10 against exact cosine search, and search time,
 * at each ef. Uses its own copy of the HNSW files, so the server's ef is untouched.
 */
export async function measureAnn(options: {
  indexDir: string;
  embeddings: PodciteEmbeddings;
  queryVectors: number[][];
  efValues: number[];
}): Promise<{ chunks: number; shippedEf: number; exactMs: number; rows: AnnRow[] }> {
  // The HNSW graph itself (this bench measures the local store's approximate search).
  const files = await readIndexFiles(options.indexDir);
  if (!files) throw new Error(`No index at ${options.indexDir}.`);
  const hnsw = files.hnsw;
  const count = files.chunks.length;
  const dimension = files.manifest.dimension;
  const matrix = new Float32Array(count * dimension);
  for (let label = 0; label < count; label++) matrix.set(unit(hnsw.getPoint(label)), label * dimension);
  const queries = options.queryVectors.map((vector) => unit(vector));
  const exactTimes: number[] = [];
  const truth = queries.map((query) => {
    const started = performance.now();
    const labels = exactTopK({
      count,
      vectorAt: (label) => matrix.subarray(label * dimension, (label + 1) * dimension),
      query,
      k: 10,
    });
    exactTimes.push(performance.now() - started);
    return new Set(labels);
  });
  const rows = options.efValues.map((ef): AnnRow => {
    hnsw.setEf(ef);
    const times: number[] = [];
    let found = 0;
    // Two passes; only the second is timed, so the first touches the graph's pages.
    for (let pass = 0; pass < 2; pass++) {
      queries.forEach((query, position) => {
        const vector = Array.from(query);
        const started = performance.now();
        const result = hnsw.searchKnn(vector, Math.min(10, count));
        const elapsed = performance.now() - started;
        if (pass === 1) {
          times.push(elapsed);
          found += result.neighbors.filter((label) => truth[position]!.has(label)).length;
        }
      });
    }
    return {
      ef,
      recallAt10: found / (Math.min(10, count) * queries.length),
      p50Ms: percentile(times, 50),
      p99Ms: percentile(times, 99),
    };
  });
  return { chunks: count, shippedEf: files.manifest.efSearch, exactMs: percentile(exactTimes, 50), rows };
}

async function postJson(url: string, body: unknown): Promise<{ status: number; milliseconds: number }> {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return { status: response.status, milliseconds: performance.now() - started };
}

/** Milliseconds to the first `sources` and the first `text-delta` event of a streamed chat, and to the end. */
async function streamTimings(
  url: string,
  message: string,
): Promise<{ status: number; sources: number; firstDelta: number; total: number }> {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
    body: JSON.stringify({ message, stream: true }),
  });
  let sources = Number.NaN;
  let firstDelta = Number.NaN;
  let seen = '';
  const decoder = new TextDecoder();
  const reader = response.body?.getReader();
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    seen += decoder.decode(value, { stream: true });
    if (Number.isNaN(sources) && seen.includes('event: sources')) sources = performance.now() - started;
    if (Number.isNaN(firstDelta) && seen.includes('event: text-delta')) firstDelta = performance.now() - started;
    // Only the event names matter; keep the tail in case a name is split across reads.
    if (seen.length > 64) seen = seen.slice(-64);
  }
  return { status: response.status, sources, firstDelta, total: performance.now() - started };
}

interface Series {
  name: string;
  /** Wall-clock milliseconds per operation. */
  values: number[];
  /** CPU milliseconds (all threads of this process) per operation: less sensitive to a busy machine than wall time. */
  cpuMsPerOperation: number;
}

/** Runs `run` on every question `rounds` times, one at a time, timing each call and the CPU used overall. */
async function measureSeries(options: {
  name: string;
  rounds: number;
  questions: string[];
  run: (question: string, round: number) => Promise<unknown>;
}): Promise<Series> {
  const values: number[] = [];
  const cpuBefore = process.cpuUsage();
  for (let round = 0; round < options.rounds; round++) {
    for (const question of options.questions) {
      const started = performance.now();
      await options.run(question, round);
      values.push(performance.now() - started);
    }
  }
  const cpu = process.cpuUsage(cpuBefore);
  return { name: options.name, values, cpuMsPerOperation: (cpu.user + cpu.system) / 1000 / Math.max(1, values.length) };
}

function printSeries(series: Series[]): void {
  printTable(
    series.map(({ name, values, cpuMsPerOperation }) => {
      const stats = summary(values);
      return {
        measurement: name,
        n: values.length,
        'p50 ms': milliseconds(stats.p50),
        'p95 ms': milliseconds(stats.p95),
        'p99 ms': milliseconds(stats.p99),
        'CPU ms/op': milliseconds(cpuMsPerOperation),
      };
    }),
  );
}

export interface QueryBenchResult {
  targets: TargetCheck[];
}

/**
 * The query section. `rounds` passes over the corpus's questions for each measurement (the
 * in-process ones use every question of both dev sets once more for the ANN table).
 */
export async function runQueryBench(options: {
  indexDir: string;
  corpus: CorpusName;
  rounds: number;
  /** Said beside the targets when the index is not the real Practical AI one. */
  indexNote?: string | undefined;
}): Promise<QueryBenchResult> {
  console.log(`\n## query (index ${options.indexDir})\n`);
  const questions = await loadQuestions(options.corpus);
  const otherQuestions = await loadQuestions(options.corpus === 'sample' ? 'practical-ai' : 'sample');
  const server = await startBenchServer({ indexDir: options.indexDir });
  const targets: TargetCheck[] = [];
  try {
    const { index, embeddings, retriever } = server;
    console.log(
      `${index.manifest.episodes.length} episodes, ${index.chunks.length} chunks, ${questions.length} questions × ${options.rounds} rounds`,
    );

    // Query embedding (in this thread, as the server does).
    const queryVectors: number[][] = [];
    const embed = await measureSeries({
      name: 'embed question (USE-lite)',
      rounds: options.rounds,
      questions,
      run: async (question, round) => {
        const vector = await embeddings.embedQuery(question);
        if (round === 0) queryVectors.push(vector);
      },
    });
    for (const question of otherQuestions) queryVectors.push(await embeddings.embedQuery(question));
    // Hybrid retrieval in-process (embedding included), k = 8 as /api/search defaults.
    const retrieve = await measureSeries({
      name: 'retriever.search k=8',
      rounds: options.rounds,
      questions,
      run: async (question) => {
        await retriever.search(question, { k: 8 });
      },
    });
    printSeries([embed, retrieve]);

    const ann = await measureAnn({
      indexDir: options.indexDir,
      embeddings,
      queryVectors,
      efValues: [10, 20, 40, 64, 100, 200],
    });
    console.log(
      `\nHNSW over the index's ${ann.chunks} vectors, ${queryVectors.length} question vectors; exact (brute-force) search p50 ${ann.exactMs.toFixed(2)} ms; the index ships ef ${ann.shippedEf}`,
    );
    printTable(
      ann.rows.map((row) => ({
        ef: row.ef === ann.shippedEf ? `${row.ef} (shipped)` : row.ef,
        'recall@10': row.recallAt10.toFixed(3),
        'p50 ms': row.p50Ms.toFixed(3),
        'p99 ms': row.p99Ms.toFixed(3),
        'p50 speed-up vs exact': (ann.exactMs / row.p50Ms).toFixed(0),
      })),
    );

    // End to end over HTTP, one request at a time.
    const statuses = new Map<number, number>();
    const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
    // The answerer builds per-index structures on its first question; measured apart so the series are steady state.
    const cpuBeforeFirst = process.cpuUsage();
    const first = await postJson(`${server.url}/api/chat`, { message: questions[0] ?? 'What is this podcast about?' });
    const firstCpu = process.cpuUsage(cpuBeforeFirst);
    count(first.status);
    console.log(
      `\nFirst /api/chat after start: ${first.milliseconds.toFixed(0)} ms wall, ${((firstCpu.user + firstCpu.system) / 1000).toFixed(0)} ms CPU`,
    );
    const search = await measureSeries({
      name: 'POST /api/search',
      rounds: options.rounds,
      questions,
      run: async (question) => count((await postJson(`${server.url}/api/search`, { query: question })).status),
    });
    const chat = await measureSeries({
      name: 'POST /api/chat (JSON)',
      rounds: options.rounds,
      questions,
      run: async (question) => count((await postJson(`${server.url}/api/chat`, { message: question })).status),
    });
    const sourcesTimes: number[] = [];
    const deltaTimes: number[] = [];
    const stream = await measureSeries({
      name: 'chat stream: `end`',
      rounds: options.rounds,
      questions,
      run: async (question) => {
        const timings = await streamTimings(`${server.url}/api/chat`, question);
        count(timings.status);
        sourcesTimes.push(timings.sources);
        if (Number.isFinite(timings.firstDelta)) deltaTimes.push(timings.firstDelta);
      },
    });
    console.log('\nOver HTTP (127.0.0.1, one request at a time; the client runs in the same process):');
    printSeries([
      search,
      chat,
      { name: 'chat stream: first `sources`', values: sourcesTimes, cpuMsPerOperation: Number.NaN },
      { name: 'chat stream: first `text-delta` (TTFT)', values: deltaTimes, cpuMsPerOperation: Number.NaN },
      stream,
    ]);
    console.log(
      `statuses: ${[...statuses].map(([status, times]) => `${status}×${times}`).join(', ')}; server error lines: ${server.loggedErrors()}`,
    );
    if (deltaTimes.length < sourcesTimes.length) {
      console.log(`${sourcesTimes.length - deltaTimes.length} streamed answer(s) had no text-delta event.`);
    }

    const ttft = percentile(deltaTimes, 50);
    targets.push({
      target: 'extractive /api/chat TTFT p50 ≤ 150 ms',
      measured: `${milliseconds(ttft)} ms (${index.chunks.length} chunks, sequential)`,
      pass: ttft <= 150,
      ...(options.indexNote ? { note: options.indexNote } : {}),
    });
    const shipped = ann.rows.find((row) => row.ef === ann.shippedEf);
    if (shipped) {
      console.log(
        `\nAt the shipped ef ${ann.shippedEf}: recall@10 ${shipped.recallAt10.toFixed(3)}, p99 ${shipped.p99Ms.toFixed(3)} ms`,
      );
    }
  } finally {
    await server.close();
  }
  return { targets };
}
