import { feedSettingsFromConfig } from '../../ingest/feeds/feed-settings.js';
import { ingestPaths } from '../../ingest/ingest-paths.js';
import { loadPrompts } from '../answer/load-prompts.js';
import type { Config } from '../config.js';
import type { Answerer, Retriever } from '../domain.js';
import { createEmbeddings, embeddingWorkerCount } from '../embeddings/create-embeddings.js';
import type { PodciteEmbeddings } from '../embeddings/podcite-embeddings.js';
import type { Serving } from '../http/app-dependencies.js';
import { createApp } from '../http/create-app.js';
import { InFlightTracker } from '../http/in-flight-tracker.js';
import { type RunningServer, startServer } from '../http/start-server.js';
import { type Logger, loggerForLines } from '../log/create-logger.js';
import { createMetrics, timedAnswerer, timedRetriever } from '../metrics/create-metrics.js';
import { cachedRetriever } from '../retrieval/cached-retriever.js';
import { SearchThread, shouldUseSearchThread } from '../retrieval/worker-retriever.js';
import { ShowIngestQueue } from '../shows/show-ingest-queue.js';
import type { IndexStore } from '../store/index-store.js';
import { type LiveIndex, watchIndex } from '../store/live-index.js';
import type { LoadedIndex } from '../store/loaded-index.js';
import { buildIndexTables, type IndexTables } from '../tables/index-tables.js';
import { composeAnswering, composeIndex } from './compose.js';
import { createIndexStore } from './create-index-store.js';

// Beyond REQUEST_TIMEOUT_MS every request has already been ended by its own timer.
const SHUTDOWN_MARGIN_MS = 5_000;

export interface RunningPodcite {
  /** `http://host:port` actually bound (PORT=0 resolves to the chosen port). */
  url: string;
  index: LoadedIndex;
  answerer: Answerer;
  embedderId: string;
  /** The index being served now (it changes when an ingest writes a new one). */
  live: LiveIndex<Serving>;
  /** Feed ingests started with POST /api/shows. */
  showIngests: ShowIngestQueue;
  /**
   * Graceful stop: refuses new requests, lets answers and streams in flight finish (up to
   * REQUEST_TIMEOUT_MS plus a margin), closes the server, then releases the embedder.
   */
  close(): Promise<void>;
}

/**
 * Everything `npm start` does short of process handling: loads the index in `config.indexDir`
 * (ingesting the bundled sample corpus first when there is none), builds the retriever and the
 * answerer the configuration asks for, and listens on `config.host:config.port`. Signals and exit
 * codes are the caller's business (`src/cli/serve.ts`), so tests can run the real wiring in-process.
 * @param options.log status lines (default: stderr).
 * @param options.logger the request and error log (default: JSON lines through `log`).
 */
export async function startPodcite(
  config: Config,
  options: {
    log?: ((message: string) => void) | undefined;
    logger?: Logger | undefined;
    /** The embedder to use instead of the configured one (tests: a deterministic fake). */
    embeddings?: PodciteEmbeddings | undefined;
    /** Milliseconds between checks for a new index on disk; default 1 000. */
    pollMs?: number | undefined;
  } = {},
): Promise<RunningPodcite> {
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  // One structured log for requests, background feed ingests and live reloads alike.
  const logger = options.logger ?? loggerForLines({ log });
  // With EMBEDDINGS=use-lite, questions are embedded in worker threads, batched when they arrive together:
  // the event loop stays free for HTTP and BM25. The default static embedder ignores `workers`: a question
  // costs it ~0.3 ms, less than a message to a worker.
  const embeddings = options.embeddings ?? createEmbeddings(config, { workers: embeddingWorkerCount() });
  let running: RunningServer;
  let store: IndexStore;
  let index: IndexTables;
  let answerer: Answerer;
  let live: LiveIndex<Serving>;
  let showIngests: ShowIngestQueue;
  // /readyz answers 503 until the answer tables are built (the index is loaded before we listen).
  let tablesReady = false;
  let searchThread: SearchThread | undefined;
  let searchThreadReady = true;
  try {
    const opened = await composeIndex({ config, embeddings, log });
    store = opened.store;
    index = opened.index;
    // Searches run beside the event loop when the thread fits (see SEARCH_THREAD in the README): one event
    // loop spends ~4.6 CPU-ms a search at 1,000 episodes, so 20 searches in flight would queue ~90 ms.
    if (
      shouldUseSearchThread({
        setting: config.searchThread,
        embeddings: config.embeddings,
        chunkCount: index.manifest.chunkCount,
        databaseStore: config.databaseUrl !== undefined,
        customEmbeddings: options.embeddings !== undefined,
      })
    ) {
      searchThread = new SearchThread({
        config,
        onFailure: (error) => logger.error({ err: error }, 'the search thread failed; searching in-process'),
      });
    }
    const prompts = loadPrompts();
    const metrics = createMetrics({
      // The index being served now: a live reload swaps it.
      index: () => {
        const served = live.current().index;
        return { chunkCount: served.manifest.chunkCount, episodeCount: served.manifest.episodes.length };
      },
      embeddingQueueDepth: () => embeddings.pendingQueries,
    });
    const thread = searchThread;
    const serve = (tables: IndexTables): Serving & { searchReady: Promise<void> } => {
      let searchReady = Promise.resolve();
      const { retriever, answerer: tablesAnswerer } = composeAnswering({
        config,
        index: tables,
        embeddings,
        prompts,
        wrapRetriever: (hybrid) => {
          // Searches run in the search thread when there is one; the in-process retriever stands by.
          let searcher: Retriever = hybrid;
          if (thread) {
            const threaded = thread.retrieverFor(tables, { fallback: hybrid });
            searchReady = threaded.loaded;
            searcher = threaded;
          }
          // Repeated searches (starter questions, popular ones) are answered from memory.
          return timedRetriever(cachedRetriever(searcher), metrics);
        },
      });
      return { index: tables, retriever, answerer: timedAnswerer(tablesAnswerer, metrics), searchReady };
    };
    const initial = serve(index);
    if (thread) {
      searchThreadReady = false;
      void initial.searchReady.then(() => {
        searchThreadReady = true;
      });
    }
    answerer = initial.answerer;
    // A finished `npm run ingest` (or POST /api/shows) is served within a second, without a restart;
    // the new index's tables are built before it takes over, so the switch costs no request anything.
    live = watchIndex({
      store,
      initial,
      embeddings,
      logger,
      pollMs: options.pollMs,
      build: async (loaded) => {
        const tables = buildIndexTables(loaded);
        const next = serve(tables);
        // The search thread loads its copy meanwhile; the swap waits for both.
        await Promise.all([tables.prepare(), next.searchReady]);
        return next;
      },
    });
    const current = live;
    showIngests = new ShowIngestQueue({
      allowPrivate: config.allowPrivateUrls,
      logger,
      knownShowId: (feedUrl) =>
        current.current().index.manifest.shows?.find((show) => show.feedUrl === feedUrl)?.showId,
      ingest: async (feedUrl, onProgress) => {
        // A store of its own: the served one keeps its view of the index until the live reload switches.
        const ingestStore = await createIndexStore(config);
        try {
          return await ingestPaths({
            paths: [feedUrl],
            indexDir: config.indexDir,
            store: ingestStore,
            embeddings,
            onProgress,
            feeds: feedSettingsFromConfig(config),
          });
        } finally {
          await ingestStore.close();
        }
      },
      afterIngest: async () => {
        await current.check();
      },
    });
    // Load the embedding model in the background while the server starts listening, so neither
    // /api/health nor (mostly) the first question waits for it; a failure shows on the first query too.
    embeddings.warmUp().catch((error: unknown) => {
      logger.error({ err: error }, 'the embedding model failed to load');
    });
    const tracker = new InFlightTracker();
    const readiness = {
      pending: () => [...(tablesReady ? [] : ['answer tables']), ...(searchThreadReady ? [] : ['search thread'])],
    };
    const app = createApp({
      config,
      index: initial.index,
      retriever: initial.retriever,
      answerer: initial.answerer,
      current: () => current.current(),
      showIngests,
      embedderId: embeddings.id,
      tracker,
      logger,
      metrics,
      readiness,
    });
    running = await startServer({ app, host: config.host, port: config.port, tracker });
  } catch (error) {
    // A failed start must not leave the model (or its worker threads) holding the process open.
    await searchThread?.close().catch(() => undefined);
    await embeddings.close().catch(() => undefined);
    throw error;
  }
  // Once listening (so /api/health answers at once), build the answerer's per-index tables so the
  // first question does not pay for them.
  index.prepare().then(
    () => {
      tablesReady = true;
    },
    (error: unknown) => {
      logger.error({ err: error }, 'could not prepare the answer tables');
    },
  );
  log(
    `podcite: ${index.manifest.episodes.length} episodes, ${index.manifest.chunkCount} chunks, ` +
      `${answerer.mode} answers${searchThread ? ', searching in a worker thread' : ''}${config.apiToken ? ', API token required' : ''}.`,
  );
  let closing: Promise<void> | undefined;
  return {
    url: running.url,
    index,
    answerer,
    embedderId: embeddings.id,
    live,
    showIngests,
    close() {
      closing ??= (async () => {
        live.close();
        await running.close({ graceMs: config.requestTimeoutMs + SHUTDOWN_MARGIN_MS });
        await searchThread?.close();
        await embeddings.close();
        await store.close();
      })();
      return closing;
    },
  };
}
