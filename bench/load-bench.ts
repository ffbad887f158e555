/**
 * Load: autocannon against `/api/search` and extractive `/api/chat` at 20 and 100 concurrent
 * connections, each connection cycling through the dev-set questions from its own starting point,
 * with the rate limit off. Reports requests/s, latency p50/p99, errors, timeouts and non-2xx, and
 * the process's memory before and after the whole run.
 *
 * The load generator runs in the same process as the server (the honest set-up on a 2-core box:
 * a separate process would compete for the same cores), so memory figures include autocannon's.
 */
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { printTable } from './bench-util.js';
import type { CorpusName } from './ingest-bench.js';
import { loadQuestions, startBenchServer, type TargetCheck } from './query-bench.js';

/** The slice of autocannon's programmatic API this bench uses (the package ships no types). */
interface AutocannonRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

interface AutocannonClient {
  setRequests(requests: AutocannonRequest[]): void;
}

interface AutocannonOptions {
  url: string;
  connections: number;
  amount: number;
  timeout: number;
  requests: AutocannonRequest[];
  setupClient: (client: AutocannonClient) => void;
}

interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  '5xx': number;
  statusCodeStats: Record<string, { count: number }>;
  latency: { p50: number; p99: number; average: number; max: number };
  requests: { average: number; sent: number };
}

type Autocannon = (options: AutocannonOptions) => Promise<AutocannonResult>;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export interface LoadRun {
  endpoint: '/api/search' | '/api/chat';
  connections: number;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  serverErrors: number;
  /** CPU milliseconds of this process (server and load generator) per completed request. */
  cpuMsPerRequest: number;
}

interface MemorySnapshot {
  rssMegabytes: number;
  heapUsedMegabytes: number;
}

const megabytes = (bytes: number) => bytes / 2 ** 20;

/** `global.gc`, made available without restarting node, so before/after heaps are compared after a collection. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  gc?.();
}

function memory(): MemorySnapshot {
  collectGarbage();
  const usage = process.memoryUsage();
  return { rssMegabytes: megabytes(usage.rss), heapUsedMegabytes: megabytes(usage.heapUsed) };
}

function bodies(endpoint: LoadRun['endpoint'], questions: string[]): AutocannonRequest[] {
  return questions.map((question) => ({
    method: 'POST',
    path: endpoint,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(endpoint === '/api/search' ? { query: question } : { message: question }),
  }));
}

async function fire(options: {
  url: string;
  endpoint: LoadRun['endpoint'];
  connections: number;
  amount: number;
  questions: string[];
  serverErrors: () => number;
}): Promise<LoadRun> {
  const requests = bodies(options.endpoint, options.questions);
  let clients = 0;
  const errorsBefore = options.serverErrors();
  const cpuBefore = process.cpuUsage();
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    amount: options.amount,
    // Seconds; generous so slow answers under 100 connections show as latency, not as timeouts.
    timeout: 60,
    requests,
    // Each connection starts at a different question, so concurrent requests differ.
    setupClient: (client) => {
      const offset = (clients++ * 7) % requests.length;
      client.setRequests([...requests.slice(offset), ...requests.slice(0, offset)]);
    },
  });
  const cpu = process.cpuUsage(cpuBefore);
  const completed = Object.values(result.statusCodeStats).reduce((sum, entry) => sum + entry.count, 0);
  return {
    endpoint: options.endpoint,
    connections: options.connections,
    requests: completed,
    requestsPerSecond: result.duration > 0 ? completed / result.duration : Number.NaN,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    serverErrors: options.serverErrors() - errorsBefore,
    cpuMsPerRequest: (cpu.user + cpu.system) / 1000 / Math.max(1, completed),
  };
}

/**
 * The load section: four autocannon runs (search and chat at 20 and 100 connections) sharing
 * `totalRequests` equally, after a short warm-up; memory is read before the first and after the last.
 */
export async function runLoadBench(options: {
  indexDir: string;
  corpus: CorpusName;
  totalRequests: number;
  /** Said beside the targets when the index is not the real Practical AI one. */
  indexNote?: string | undefined;
}): Promise<{ runs: LoadRun[]; targets: TargetCheck[] }> {
  console.log(`\n## load (index ${options.indexDir})\n`);
  const questions = await loadQuestions(options.corpus);
  const server = await startBenchServer({ indexDir: options.indexDir });
  const runs: LoadRun[] = [];
  const targets: TargetCheck[] = [];
  try {
    const plan: Array<{ endpoint: LoadRun['endpoint']; connections: number }> = [
      { endpoint: '/api/search', connections: 20 },
      { endpoint: '/api/search', connections: 100 },
      { endpoint: '/api/chat', connections: 20 },
      { endpoint: '/api/chat', connections: 100 },
    ];
    const amount = Math.max(100, Math.round(options.totalRequests / plan.length));
    const shared = { url: server.url, questions, serverErrors: server.loggedErrors };
    // Warm-up: JIT, lazily built structures, sockets.
    await fire({ ...shared, endpoint: '/api/search', connections: 4, amount: 100 });
    await fire({ ...shared, endpoint: '/api/chat', connections: 4, amount: 100 });
    const before = memory();
    console.log(
      `${server.index.chunks.length} chunks, ${questions.length} distinct questions, ${amount} requests per run`,
    );
    for (const step of plan) {
      const run = await fire({ ...shared, ...step, amount });
      runs.push(run);
      process.stderr.write(
        `  ${run.endpoint} × ${run.connections}: ${run.requestsPerSecond.toFixed(1)} req/s, p99 ${run.p99Ms} ms\n`,
      );
    }
    const peakRssMegabytes = process.resourceUsage().maxRSS / 1024;
    const after = memory();
    printTable(
      runs.map((run) => ({
        endpoint: run.endpoint,
        connections: run.connections,
        requests: run.requests,
        'req/s': run.requestsPerSecond.toFixed(1),
        'p50 ms': run.p50Ms,
        'p99 ms': run.p99Ms,
        'max ms': run.maxMs,
        errors: run.errors,
        timeouts: run.timeouts,
        'non-2xx': run.non2xx,
        'server errors': run.serverErrors,
        'CPU ms/req': run.cpuMsPerRequest.toFixed(1),
      })),
    );
    const total = runs.reduce((sum, run) => sum + run.requests, 0);
    console.log(
      `\nMemory (after a GC; server and load generator in one process) before → after ${total} requests: ` +
        `RSS ${before.rssMegabytes.toFixed(0)} → ${after.rssMegabytes.toFixed(0)} MB, ` +
        `heap used ${before.heapUsedMegabytes.toFixed(0)} → ${after.heapUsedMegabytes.toFixed(0)} MB; peak RSS ${peakRssMegabytes.toFixed(0)} MB`,
    );

    const search20 = runs.find((run) => run.endpoint === '/api/search' && run.connections === 20);
    if (search20) {
      targets.push({
        target: '/api/search p99 ≤ 100 ms at 20 connections',
        measured: `${search20.p99Ms} ms (${server.index.chunks.length} chunks)`,
        pass: search20.p99Ms <= 100,
        ...(options.indexNote ? { note: options.indexNote } : {}),
      });
    }
    const failures = runs.reduce((sum, run) => sum + run.errors + run.timeouts + run.non2xx + run.serverErrors, 0);
    targets.push({
      target: 'zero errors / 5xx under load',
      measured: `${failures} errors+timeouts+non-2xx in ${total} requests`,
      pass: failures === 0,
    });
  } finally {
    await server.close();
  }
  return { runs, targets };
}
