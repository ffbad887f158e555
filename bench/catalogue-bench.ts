/**
 * `npm run bench -- catalogue --episodes N PATH...`: podcite at catalogue scale. Builds a synthetic
 * catalogue of N distinct episodes from the transcripts under PATH (`synthesize-catalogue.ts`), ingests it
 * from scratch in a process of its own (the embedder `EMBEDDINGS` selects; default the static one), then
 * starts the real server on the index and asks it questions it has never seen.
 *
 * Reports: ingest chunks/s and phase times, the ingest's peak resident memory, the index's size on disk,
 * the server's resident memory after loading (and after the load runs), and `/api/search` latency one
 * request at a time (p50/p95/p99) and with 20 requests in flight (autocannon, every question distinct:
 * 6–14 word spans of the index's own chunks), with errors. The catalogue and its index live under
 * `$TMPDIR/podcite-bench/catalogue-N/` and are rebuilt on every run unless `--reuse-index` is given.
 * `--search-thread auto,false,true` runs the server part once per `SEARCH_THREAD` setting listed
 * (default: the server's own default).
 */
import { spawn } from 'node:child_process';
import { readdir, rm, stat } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile, printTable } from './bench-util.js';
import type { IngestChildResult } from './ingest-child.js';
import { BENCH_ROOT, hasIndex } from './ingest-bench.js';
import { distinctQuestions, fire, processStats, startServerProcess } from './load-bench.js';
import type { TargetCheck } from './query-bench.js';
import { readSourceEpisodes, synthesizeCatalogue } from './synthesize-catalogue.js';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Questions asked one at a time, and with 20 in flight. */
const SEQUENTIAL_QUESTIONS = 300;
const IN_FLIGHT = 20;
const IN_FLIGHT_REQUESTS = 2000;

export interface CatalogueResult {
  episodes: number;
  /** SEARCH_THREAD the server ran with (`default`: unset). */
  searchThread: string;
  /** Undefined when an existing index was reused. */
  ingest: IngestChildResult | undefined;
  indexMegabytes: number;
  serverRssAfterLoadMegabytes: number;
  serverRssAfterRunsMegabytes: number;
  sequential: { p50Ms: number; p95Ms: number; p99Ms: number; errors: number };
  inFlight: { requestsPerSecond: number; p50Ms: number; p97_5Ms: number; p99Ms: number; failures: number };
}

export async function runCatalogueBench(options: {
  episodes: number;
  corpusPaths: readonly string[];
  /** Serve the index an earlier run left in the bench folder instead of rebuilding it. */
  reuseIndex?: boolean | undefined;
  /** SEARCH_THREAD values to run the server with, one run each; default: unset (the server's default). */
  searchThreads?: readonly string[] | undefined;
}): Promise<{ results: CatalogueResult[]; targets: TargetCheck[] }> {
  const { episodes } = options;
  if (options.corpusPaths.length === 0)
    throw new Error('catalogue needs corpus paths: npm run bench -- catalogue --episodes N PATH...');
  const root = path.join(BENCH_ROOT, `catalogue-${episodes}`);
  const filesDir = path.join(root, 'files');
  const indexDir = path.join(root, 'index');
  console.log(`\n## catalogue (${episodes} synthetic episodes from ${options.corpusPaths.join(', ')})\n`);
  let ingest: IngestChildResult | undefined;
  if (options.reuseIndex && (await hasIndex(indexDir))) {
    console.log(`reusing the index at ${indexDir}`);
  } else {
    await rm(root, { recursive: true, force: true });
    const sources = await readSourceEpisodes(options.corpusPaths);
    const made = await synthesizeCatalogue({ sources, episodes, outDir: filesDir });
    console.log(
      `${episodes} episodes (${made.words.toLocaleString('en')} words) from ${sources.length} source episodes in ${filesDir}`,
    );
    console.log(`ingesting from scratch (${loadLine()})…`);
    ingest = await runIngestChild(indexDir, [filesDir]);
    const indexMegabytes = (await folderBytes(indexDir)) / 2 ** 20;
    printTable([
      {
        embedder: ingest.embedder,
        episodes: ingest.episodes,
        chunks: ingest.chunks,
        'parse+chunk s': ingest.parseSeconds.toFixed(1),
        'embed s': ingest.embedSeconds.toFixed(1),
        'write s': ingest.writeSeconds.toFixed(1),
        'total s': ingest.totalSeconds.toFixed(1),
        'chunks/s': (ingest.chunks / ingest.totalSeconds).toFixed(0),
        'CPU s': ingest.cpuSeconds.toFixed(1),
        'peak RSS MB': ingest.maxRssMegabytes.toFixed(0),
        'index MB': indexMegabytes.toFixed(0),
      },
    ]);
  }
  const indexMegabytes = (await folderBytes(indexDir)) / 2 ** 20;
  const questions = await distinctQuestions(indexDir, SEQUENTIAL_QUESTIONS + IN_FLIGHT_REQUESTS + 100);
  const results: CatalogueResult[] = [];
  const targets: TargetCheck[] = [];
  for (const searchThread of options.searchThreads ?? ['default']) {
    const result = await serveCatalogue({ episodes, indexDir, questions, searchThread, ingest, indexMegabytes });
    results.push(result);
    targets.push(...catalogueTargets(result));
  }
  return { results, targets };
}

/** Starts the server on the catalogue's index (with `SEARCH_THREAD=searchThread` unless `default`) and measures it. */
async function serveCatalogue(options: {
  episodes: number;
  indexDir: string;
  questions: readonly string[];
  searchThread: string;
  ingest: IngestChildResult | undefined;
  indexMegabytes: number;
}): Promise<CatalogueResult> {
  const { questions, searchThread } = options;
  console.log(`\nserver with SEARCH_THREAD=${searchThread === 'default' ? '(unset)' : searchThread} (${loadLine()})`);
  const server = await startServerProcess(
    options.indexDir,
    searchThread === 'default' ? {} : { SEARCH_THREAD: searchThread },
  );
  try {
    // The server builds the answerer's tables after it listens, in slices between requests; a chat waits
    // for them. Measure once they are built, as a server that has been up a while would be.
    const firstChatStarted = performance.now();
    await (
      await fetch(`${server.url}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: questions[0] }),
      })
    ).arrayBuffer();
    const firstChatSeconds = (performance.now() - firstChatStarted) / 1000;
    const afterLoad = await processStats(server.pid);
    // Warm-up with questions the measured runs never ask.
    await fire({
      server,
      endpoint: '/api/search',
      mix: 'distinct',
      connections: 4,
      amount: 100,
      questions: questions.slice(0, 100),
    });
    const latencies: number[] = [];
    let errors = 0;
    for (const question of questions.slice(100, 100 + SEQUENTIAL_QUESTIONS)) {
      const started = performance.now();
      const response = await fetch(`${server.url}/api/search`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: question }),
      });
      await response.arrayBuffer();
      latencies.push(performance.now() - started);
      if (!response.ok) errors++;
    }
    const sequential = {
      p50Ms: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
      p99Ms: percentile(latencies, 99),
      errors,
    };
    const run = await fire({
      server,
      endpoint: '/api/search',
      mix: 'distinct',
      connections: IN_FLIGHT,
      amount: IN_FLIGHT_REQUESTS,
      questions: questions.slice(100 + SEQUENTIAL_QUESTIONS),
    });
    const afterRuns = await processStats(server.pid);
    const inFlight = {
      requestsPerSecond: run.requestsPerSecond,
      p50Ms: run.p50Ms,
      p97_5Ms: run.p97_5Ms,
      p99Ms: run.p99Ms,
      failures: run.errors + run.timeouts + run.non2xx + run.serverErrors,
    };
    printTable([
      {
        SEARCH_THREAD: searchThread,
        'first chat s': firstChatSeconds.toFixed(1),
        'server RSS after load MB': afterLoad.rssMegabytes.toFixed(0),
        'after runs MB': afterRuns.rssMegabytes.toFixed(0),
        'sequential p50/p95/p99 ms': `${sequential.p50Ms.toFixed(1)} / ${sequential.p95Ms.toFixed(1)} / ${sequential.p99Ms.toFixed(1)}`,
        [`${IN_FLIGHT} in flight req/s`]: inFlight.requestsPerSecond.toFixed(0),
        'server CPU ms/req': run.serverCpuMsPerRequest.toFixed(1),
        'p50/p97.5/p99 ms': `${inFlight.p50Ms} / ${inFlight.p97_5Ms} / ${inFlight.p99Ms}`,
        failures: sequential.errors + inFlight.failures,
        load: loadLine(),
      },
    ]);
    return {
      episodes: options.episodes,
      searchThread,
      ingest: options.ingest,
      indexMegabytes: options.indexMegabytes,
      serverRssAfterLoadMegabytes: afterLoad.rssMegabytes,
      serverRssAfterRunsMegabytes: afterRuns.rssMegabytes,
      sequential,
      inFlight,
    };
  } finally {
    await server.close();
  }
}

/** The podcite issue 13 targets for this catalogue size, where it names one (ingest ones only when it ingested). */
function catalogueTargets(result: CatalogueResult): TargetCheck[] {
  const thread = result.searchThread === 'default' ? '' : ` (SEARCH_THREAD=${result.searchThread})`;
  const scale = `${result.episodes} episodes${thread}`;
  const targets: TargetCheck[] = [];
  const { ingest } = result;
  const large = result.episodes >= 10_000;
  if (ingest && result.episodes >= 1000) {
    const minutes = large ? 60 : 5;
    const gigabytes = large ? 16 : 4;
    targets.push(
      {
        target: `${scale}: ingest ≤ ${minutes} min`,
        measured: `${(ingest.totalSeconds / 60).toFixed(large ? 1 : 2)} min`,
        pass: ingest.totalSeconds <= minutes * 60,
      },
      {
        target: `${scale}: ingest peak RSS ≤ ${gigabytes} GB`,
        measured: `${(ingest.maxRssMegabytes / 1024).toFixed(2)} GB`,
        pass: ingest.maxRssMegabytes <= gigabytes * 1024,
      },
    );
  }
  if (large) {
    targets.push({
      target: `${scale}: sequential search p95 ≤ 50 ms`,
      measured: `${result.sequential.p95Ms.toFixed(1)} ms`,
      pass: result.sequential.p95Ms <= 50,
    });
  } else if (result.episodes >= 1000) {
    targets.push(
      {
        target: `${scale}: server ≤ 3 GB resident`,
        measured: `${(result.serverRssAfterRunsMegabytes / 1024).toFixed(2)} GB after the runs`,
        pass: result.serverRssAfterRunsMegabytes <= 3072,
      },
      {
        target: `${scale}: search p99 ≤ 100 ms at 20 in flight`,
        measured: `${result.inFlight.p99Ms} ms`,
        pass: result.inFlight.p99Ms <= 100,
      },
    );
  }
  const failures = result.sequential.errors + result.inFlight.failures;
  targets.push({ target: `${scale}: zero errors`, measured: `${failures}`, pass: failures === 0 });
  return targets;
}

function runIngestChild(indexDir: string, paths: string[]): Promise<IngestChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/ingest-child.ts', indexDir, ...paths], {
      cwd: repositoryRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      output += text;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = output.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`the ingest exited with code ${code}`));
      else resolve(JSON.parse(line) as IngestChildResult);
    });
  });
}

async function folderBytes(folder: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(folder)) total += (await stat(path.join(folder, name))).size;
  return total;
}

function loadLine(): string {
  return `load average ${loadavg()
    .map((value) => value.toFixed(1))
    .join(' / ')} on ${cpus().length} cores`;
}
