import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { Config } from '../config.js';
import type { Retriever, SearchHit, SearchOptions } from '../domain.js';
import { PodciteError } from '../errors.js';
import type { LoadedIndex } from '../store/loaded-index.js';
import { siblingModule, spawnWorker } from '../util/spawn-worker.js';
import { MAX_SEARCH_K, type RetrieverTuning } from './create-retriever.js';
import {
  fingerprintOf,
  type IndexFingerprint,
  type SearchWorkerData,
  type SearchWorkerReply,
  type SearchWorkerRequest,
  sameFingerprint,
} from './search-protocol.js';

/**
 * Above this many chunks `SEARCH_THREAD=auto` searches on the event loop: the thread holds a second copy of
 * the chunks, the HNSW graph and the lexical index (+0.5–0.8 GB resident at 1,000 episodes, 127k chunks), so
 * at 250,000 chunks (~2,000 hour-long episodes) the server stays near 3 GB; at 10,000 episodes the copy would
 * add ~4 GB, and two cores do not serve that catalogue 20 in flight either way.
 */
export const SEARCH_THREAD_MAX_CHUNKS = 250_000;

/**
 * Whether the server searches in a worker thread. `true`/`false` as set; `auto` (the default) when the
 * machine has two cores or more, the index is at most `SEARCH_THREAD_MAX_CHUNKS` chunks, and the embedder
 * is the configured static one (`EMBEDDINGS=local`: the thread builds its own, ~2 MB; a transformer or an
 * API embedder is not duplicated), and the index is in local files: with `DATABASE_URL` both sides of a search
 * run in the database and the event loop only waits for them, so a second copy of the catalogue buys nothing.
 * A server given an embedder object (tests' fakes) never does: the thread cannot share it.
 */
export function shouldUseSearchThread(options: {
  setting: Config['searchThread'];
  embeddings: Config['embeddings'];
  chunkCount: number;
  /** True when the index lives in PostgreSQL (`DATABASE_URL`). */
  databaseStore: boolean;
  /** True when the embedder was passed in rather than built from the configuration. */
  customEmbeddings: boolean;
  /** Default `os.availableParallelism()`. */
  cores?: number | undefined;
}): boolean {
  if (options.setting === false || options.customEmbeddings) return false;
  if (options.setting === true) return true;
  const cores = options.cores ?? availableParallelism();
  return (
    cores >= 2 &&
    options.embeddings === 'local' &&
    !options.databaseStore &&
    options.chunkCount <= SEARCH_THREAD_MAX_CHUNKS
  );
}

/** A retriever whose searches run in the search thread, on the index it was created for. */
export interface WorkerRetriever extends Retriever {
  /** Resolves once the thread holds this index (or has failed and searches run in-process). */
  readonly loaded: Promise<void>;
}

interface Pending {
  resolve: (reply: SearchWorkerReply) => void;
  reject: (error: Error) => void;
}

/**
 * The server's search thread: one worker that loads the index itself and runs the hybrid retriever, so
 * ~3–5 ms of BM25, HNSW and fusion per search run beside the event loop, which keeps HTTP, JSON and the
 * answers. `retrieverFor(index)` asks the thread to load the index the main thread just loaded (a live
 * reload asks again; the thread keeps the two newest) and returns a retriever over it. When the thread
 * cannot serve an index (it died, or an ingest replaced it between the two loads), that retriever
 * searches with its in-process `fallback` instead, so a search never fails for it.
 */
export class SearchThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private nextGeneration = 0;
  private failure: Error | undefined;
  private closed = false;
  private readonly onFailure: (error: Error) => void;

  /**
   * @param options.config the server's configuration (the thread opens the store and builds the embedder it names).
   * @param options.onFailure told once when the thread fails (logged by the server).
   * @param options.workerUrl the worker entry; default `search-worker` beside this file.
   */
  constructor(options: {
    config: Config;
    tuning?: Partial<RetrieverTuning> | undefined;
    onFailure?: ((error: Error) => void) | undefined;
    workerUrl?: URL | undefined;
  }) {
    this.onFailure = options.onFailure ?? (() => undefined);
    const workerData: SearchWorkerData = { config: options.config, tuning: options.tuning };
    this.worker = spawnWorker(options.workerUrl ?? siblingModule('search-worker', import.meta.url), {
      workerData,
      name: 'podcite-search',
    });
    this.worker.on('message', (reply: SearchWorkerReply) => this.onReply(reply));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => {
      if (!this.closed) this.fail(new Error(`the search thread exited with code ${code}`));
    });
    // Idle between requests, the thread must not keep a finished process alive.
    this.worker.unref();
  }

  /**
   * A retriever over `index`, searched in the thread once the thread has loaded the same index (searches
   * asked before then wait; `loaded` says when). The main thread keeps `index` for mapping hits to chunks.
   * @param options.fallback the in-process retriever over `index`, used when the thread cannot serve it.
   */
  retrieverFor(index: LoadedIndex, options: { fallback: Retriever }): WorkerRetriever {
    const generation = this.nextGeneration++;
    const expected = fingerprintOf(index);
    const inProcess = () => options.fallback;
    const load = this.request({ type: 'load', id: this.nextId++, generation }).then((reply) => {
      if (reply.type !== 'loaded') throw new Error(`unexpected reply ${reply.type} to load`);
      if (!sameFingerprint(reply.fingerprint, expected)) throw mismatch(expected, reply.fingerprint);
    });
    let threaded = true;
    const loaded = load.then(
      () => undefined,
      (error: unknown) => {
        threaded = false;
        if (!this.failure) this.onFailure(error instanceof Error ? error : new Error(String(error)));
      },
    );
    const search = async (query: string, searchOptions: SearchOptions): Promise<SearchHit[]> => {
      await loaded;
      if (!threaded || this.failure) return inProcess().search(query, searchOptions);
      // Checked here too, so a bad request costs no message.
      const { k } = searchOptions;
      if (!Number.isInteger(k) || k < 1 || k > MAX_SEARCH_K) {
        throw new PodciteError('bad_request:search', `k must be an integer from 1 to ${MAX_SEARCH_K} (got ${k}).`);
      }
      let reply: SearchWorkerReply;
      try {
        reply = await this.request({
          type: 'search',
          id: this.nextId++,
          generation,
          query,
          k,
          episodeIds: searchOptions.episodeIds,
        });
      } catch (error) {
        // The thread died during this search: answer it here rather than fail the request.
        if (this.failure) return inProcess().search(query, searchOptions);
        throw error;
      }
      if (reply.type !== 'hits') throw new Error(`unexpected reply ${reply.type} to search`);
      const hits: SearchHit[] = [];
      reply.positions.forEach((position, rank) => {
        const chunk = index.chunks[position];
        if (chunk) hits.push({ chunk, score: reply.scores[rank]! });
      });
      return hits;
    };
    return { loaded, search };
  }

  /** Stops the thread; searches still waiting on it are answered in-process. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.fail(new Error('the search thread was closed'), { report: false });
    await this.worker.terminate();
  }

  private request(message: SearchWorkerRequest): Promise<SearchWorkerReply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.set(message.id, { resolve, reject });
      // Referenced while a request waits, so the process stays up for the reply.
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage(message);
    });
  }

  private onReply(reply: SearchWorkerReply): void {
    const entry = this.pending.get(reply.id);
    if (!entry) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.type === 'error') entry.reject(new PodciteError(asErrorCode(reply.code), reply.message));
    else entry.resolve(reply);
  }

  private fail(error: Error, options: { report?: boolean } = {}): void {
    if (this.failure) return;
    this.failure = error;
    if (options.report !== false) this.onFailure(error);
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const entry of waiting) entry.reject(error);
  }
}

function mismatch(expected: IndexFingerprint, actual: IndexFingerprint): Error {
  return new Error(
    `the search thread loaded another index (created ${actual.createdAt}, ${actual.chunkCount} chunks) than the server (created ${expected.createdAt}, ${expected.chunkCount} chunks); an ingest replaced it in between`,
  );
}

/** A code from the thread as `PodciteError` takes it (`internal:search` for anything unexpected). */
function asErrorCode(code: string): ConstructorParameters<typeof PodciteError>[0] {
  return /^[a-z_]+(?::[\w-]+)?$/u.test(code)
    ? (code as ConstructorParameters<typeof PodciteError>[0])
    : 'internal:search';
}
