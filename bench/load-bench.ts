/**
 * Load: autocannon against `/api/search` and extractive `/api/chat` at 20 and 100 concurrent
 * connections. The server is a separate process started exactly as `npm start` starts it
 * (`src/cli/serve.ts`, rate limit off), so the load generator never shares its event loop; on this
 * 2-core machine the two processes still share the cores, and each run reports the server's own
 * CPU time per request.
 *
 * Two question mixes:
 * - distinct: every request asks a different question (spans of the index's own chunks), so no
 *   cache helps; this is the worst case and the one the target is judged on;
 * - dev set: the corpus's dev-set questions over and over, as a popular-questions mix (after the
 *   first pass the question vectors come from the embedder's cache).
 * Reports requests/s, latency p50/p99, errors, timeouts, non-2xx and 5xx, and the server's resident
 * memory before and after the whole run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { printTable, random } from './bench-util.js';
import type { CorpusName } from './ingest-bench.js';
import { loadQuestions, type TargetCheck } from './query-bench.js';

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
  '5xx': number;
  statusCodeStats: Record<string, { count: number }>;
  latency: { p50: number; p97_5: number; p99: number; max: number };
}

type Autocannon = (options: AutocannonOptions) => Promise<AutocannonResult>;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export type Endpoint = '/api/search' | '/api/chat';
export type Mix = 'distinct' | 'dev set';

export interface LoadRun {
  endpoint: Endpoint;
  mix: Mix;
  connections: number;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  /** autocannon's histogram has no p95; 97.5 is its nearest. */
  p97_5Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  serverErrors: number;
  /** CPU milliseconds of the server process per completed request. */
  serverCpuMsPerRequest: number;
  /** The server's resident memory once the run ended (main thread and workers). */
  rssMegabytesAfter: number;
}

/** A podcite server in its own process. */
export interface ServerProcess {
  url: string;
  pid: number;
  /** Lines the server wrote to stderr since it started listening. */
  stderrLines: () => number;
  close(): Promise<void>;
}

export async function startServerProcess(
  indexDir: string,
  /** Extra environment for the server (e.g. `SEARCH_THREAD`). */
  environment: Record<string, string> = {},
): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/cli/serve.ts'], {
    cwd: repositoryRoot,
    env: {
      ...process.env,
      ...environment,
      INDEX_DIR: indexDir,
      EMBEDDINGS: 'local',
      RATE_LIMIT_PER_MINUTE: '0',
      HOST: '127.0.0.1',
      PORT: '0',
      OPENAI_API_KEY: '',
      OPENAI_BASE_URL: '',
      // Problems only: stderr lines count as errors below (a line per request would be all of them).
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let listening = false;
  let stderrLines = 0;
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    if (!listening) return;
    for (const line of text.split('\n').filter((entry) => entry.trim())) {
      stderrLines++;
      if (stderrLines <= 3) process.stderr.write(`  server: ${line.slice(0, 300)}\n`);
    }
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      output += text;
      const match = /listening on (http:\/\/\S+)/u.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the server exited with code ${code} before listening`)));
  });
  listening = true;
  // Wait for the embedding workers to load (the server warms them in the background).
  for (let attempt = 0; attempt < 600; attempt++) {
    const response = await fetch(`${url}/api/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'warm up the workers' }),
    });
    if (response.ok) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    pid: child.pid ?? 0,
    stderrLines: () => stderrLines,
    close: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Resident memory (MB) and CPU time (ms) of a process, from /proc (Linux). */
export async function processStats(pid: number): Promise<{ rssMegabytes: number; cpuMs: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const rssKilobytes = Number(/VmRSS:\s+(\d+)/u.exec(status)?.[1] ?? Number.NaN);
  const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  // Fields 14 and 15 of /proc/PID/stat (utime, stime), counted after the "(comm)" field; clock ticks of 10 ms.
  const ticks = Number(stat[11]) + Number(stat[12]);
  return { rssMegabytes: rssKilobytes / 1024, cpuMs: ticks * 10 };
}

/**
 * `count` different questions, each a 6–14 word span of a transcript chunk of the index: the
 * vocabulary and length of real questions about the corpus, never the same text twice.
 */
export async function distinctQuestions(indexDir: string, count: number): Promise<string[]> {
  // Read line by line: a catalogue's chunks are more text than one string may hold.
  const chunks: Array<{ kind: string; text: string }> = [];
  const lines = createInterface({ input: createReadStream(path.join(indexDir, 'chunks.jsonl'), 'utf8') });
  for await (const line of lines) if (line) chunks.push(JSON.parse(line) as { kind: string; text: string });
  const transcript = chunks.filter((chunk) => chunk.kind !== 'shownotes' && chunk.text.split(/\s+/u).length >= 16);
  const next = random(7);
  const questions = new Set<string>();
  for (let attempt = 0; questions.size < count && attempt < count * 10; attempt++) {
    const words = transcript[Math.floor(next() * transcript.length)]!.text.split(/\s+/u);
    const length = 6 + Math.floor(next() * 9);
    const start = Math.floor(next() * Math.max(1, words.length - length));
    questions.add(words.slice(start, start + length).join(' '));
  }
  return [...questions];
}

function bodies(endpoint: Endpoint, questions: readonly string[]): AutocannonRequest[] {
  return questions.map((question) => ({
    method: 'POST',
    path: endpoint,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(endpoint === '/api/search' ? { query: question } : { message: question }),
  }));
}

export async function fire(options: {
  server: ServerProcess;
  endpoint: Endpoint;
  mix: Mix;
  connections: number;
  amount: number;
  questions: readonly string[];
}): Promise<LoadRun> {
  const requests = bodies(options.endpoint, options.questions);
  // Each connection gets its own slice, so with the distinct mix no question is asked twice.
  const perClient = Math.max(1, Math.floor(requests.length / options.connections));
  let clients = 0;
  const errorsBefore = options.server.stderrLines();
  const cpuBefore = (await processStats(options.server.pid)).cpuMs;
  const result = await autocannon({
    url: options.server.url,
    connections: options.connections,
    amount: options.amount,
    // Seconds; generous so slow answers under 100 connections show as latency, not as timeouts.
    timeout: 60,
    requests,
    setupClient: (client) => {
      const offset = (clients++ * perClient) % requests.length;
      client.setRequests([...requests.slice(offset), ...requests.slice(0, offset)]);
    },
  });
  const after = await processStats(options.server.pid);
  const cpuMs = after.cpuMs - cpuBefore;
  const completed = Object.values(result.statusCodeStats).reduce((sum, entry) => sum + entry.count, 0);
  return {
    endpoint: options.endpoint,
    mix: options.mix,
    connections: options.connections,
    requests: completed,
    requestsPerSecond: result.duration > 0 ? completed / result.duration : Number.NaN,
    p50Ms: result.latency.p50,
    p97_5Ms: result.latency.p97_5,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    serverErrors: result['5xx'] + (options.server.stderrLines() - errorsBefore),
    serverCpuMsPerRequest: cpuMs / Math.max(1, completed),
    rssMegabytesAfter: after.rssMegabytes,
  };
}

/**
 * What the server's CPU cost per request allows at best: with every core serving and nothing else
 * running, `cores / cost` requests a second; with `connections` requests always in flight, Little's
 * law then puts the mean latency at no less than `connections · cost / cores`.
 */
function printLatencyBound(run: LoadRun): void {
  const cores = cpus().length;
  const ceiling = (1000 * cores) / run.serverCpuMsPerRequest;
  const meanFloor = (run.connections * run.serverCpuMsPerRequest) / cores;
  console.log(
    `Bound for ${run.endpoint} with ${run.mix} questions: ${run.serverCpuMsPerRequest.toFixed(1)} server CPU-ms a request → at most ` +
      `${ceiling.toFixed(0)} req/s on ${cores} cores (measured ${run.requestsPerSecond.toFixed(0)}, the load generator shares the cores); ` +
      `${run.connections} in flight → mean latency ≥ ${meanFloor.toFixed(0)} ms (measured mean ${((1000 * run.connections) / run.requestsPerSecond).toFixed(0)} ms).`,
  );
}

/**
 * The load section: five autocannon runs sharing `totalRequests` equally (search and chat at 20
 * and 100 connections with distinct questions, then search at 20 with the dev-set mix), after a
 * short warm-up; the server's memory is read before the first and after the last.
 */
export async function runLoadBench(options: {
  indexDir: string;
  corpus: CorpusName;
  totalRequests: number;
  /** Said beside the targets when the index is not the real Practical AI one. */
  indexNote?: string | undefined;
}): Promise<{ runs: LoadRun[]; targets: TargetCheck[] }> {
  console.log(`\n## load (index ${options.indexDir}; server in its own process)\n`);
  const plan: Array<{ endpoint: Endpoint; mix: Mix; connections: number }> = [
    { endpoint: '/api/search', mix: 'distinct', connections: 20 },
    { endpoint: '/api/search', mix: 'distinct', connections: 100 },
    { endpoint: '/api/chat', mix: 'distinct', connections: 20 },
    { endpoint: '/api/chat', mix: 'distinct', connections: 100 },
    { endpoint: '/api/search', mix: 'dev set', connections: 20 },
  ];
  const amount = Math.max(100, Math.round(options.totalRequests / plan.length));
  // Fresh questions for every distinct run, plus some for the warm-up.
  const pool = await distinctQuestions(options.indexDir, amount * 4 + 200);
  const devQuestions = await loadQuestions(options.corpus);
  const server = await startServerProcess(options.indexDir);
  const runs: LoadRun[] = [];
  const targets: TargetCheck[] = [];
  try {
    // Warm-up (JIT, lazily built structures, sockets) with questions the measured runs never ask.
    // The burst at 100 connections fills the workers' largest batches once: wasm memory grows to its
    // high-water mark and never shrinks, which is not a leak, so 'before' is read after it.
    const warmUp = pool.slice(0, 200);
    await fire({ server, endpoint: '/api/search', mix: 'distinct', connections: 4, amount: 100, questions: warmUp });
    await fire({ server, endpoint: '/api/chat', mix: 'distinct', connections: 100, amount: 200, questions: warmUp });
    const before = await processStats(server.pid);
    console.log(
      `${amount} requests per run; distinct mix: ${pool.length - 200} different questions; dev-set mix: ${devQuestions.length} questions repeated`,
    );
    let next = 200;
    for (const step of plan) {
      const questions = step.mix === 'distinct' ? pool.slice(next, next + amount) : devQuestions;
      if (step.mix === 'distinct') next += amount;
      const run = await fire({ server, ...step, amount, questions });
      runs.push(run);
      process.stderr.write(
        `  ${run.endpoint} ${run.mix} × ${run.connections}: ${run.requestsPerSecond.toFixed(1)} req/s, p99 ${run.p99Ms} ms\n`,
      );
    }
    const after = await processStats(server.pid);
    printTable(
      runs.map((run) => ({
        endpoint: run.endpoint,
        questions: run.mix,
        connections: run.connections,
        requests: run.requests,
        'req/s': run.requestsPerSecond.toFixed(1),
        'p50 ms': run.p50Ms,
        'p99 ms': run.p99Ms,
        'max ms': run.maxMs,
        errors: run.errors,
        timeouts: run.timeouts,
        'non-2xx': run.non2xx,
        '5xx/logged': run.serverErrors,
        'server CPU ms/req': run.serverCpuMsPerRequest.toFixed(1),
        'RSS after MB': run.rssMegabytesAfter.toFixed(0),
      })),
    );
    const total = runs.reduce((sum, run) => sum + run.requests, 0);
    console.log(
      `\nServer RSS before → after ${total} requests: ${before.rssMegabytes.toFixed(0)} → ${after.rssMegabytes.toFixed(0)} MB ` +
        '(main thread and embedding workers together)',
    );

    const search20 = runs.find((run) => run.endpoint === '/api/search' && run.connections === 20);
    if (search20) {
      printLatencyBound(search20);
      const popular = runs.find((run) => run.mix === 'dev set');
      targets.push({
        target: '/api/search p99 ≤ 100 ms at 20 connections',
        measured:
          `${search20.p99Ms} ms with distinct questions` +
          (popular ? `, ${popular.p99Ms} ms with the dev-set mix` : ''),
        pass: search20.p99Ms <= 100,
        ...(options.indexNote ? { note: options.indexNote } : {}),
      });
    }
    const failures = runs.reduce((sum, run) => sum + run.errors + run.timeouts + run.non2xx + run.serverErrors, 0);
    targets.push({
      target: 'zero errors / 5xx under load',
      measured: `${failures} errors+timeouts+non-2xx+5xx in ${total} requests`,
      pass: failures === 0,
    });
  } finally {
    await server.close();
  }
  return { runs, targets };
}
