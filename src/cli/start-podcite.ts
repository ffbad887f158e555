import { createAnswerer } from '../answer/create-answerer.js';
import { loadPrompts } from '../answer/load-prompts.js';
import { prepareAnswerTables } from '../answer/prepare-answer-tables.js';
import type { Config } from '../config.js';
import type { Answerer } from '../domain.js';
import { createEmbeddings, embeddingWorkerCount } from '../embeddings/create-embeddings.js';
import { createApp } from '../http/create-app.js';
import { InFlightTracker } from '../http/in-flight-tracker.js';
import { type RunningServer, startServer } from '../http/start-server.js';
import { cachedRetriever } from '../retrieval/cached-retriever.js';
import { createRetriever } from '../retrieval/create-retriever.js';
import { ensureIndex } from '../store/ensure-index.js';
import type { LoadedIndex } from '../store/loaded-index.js';
import type { Logger } from '../log/create-logger.js';
import { createMetrics, timedAnswerer, timedRetriever } from '../metrics/create-metrics.js';

// Beyond REQUEST_TIMEOUT_MS every request has already been ended by its own timer.
const SHUTDOWN_MARGIN_MS = 5_000;

export interface RunningPodcite {
  /** `http://host:port` actually bound (PORT=0 resolves to the chosen port). */
  url: string;
  index: LoadedIndex;
  answerer: Answerer;
  embedderId: string;
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
  options: { log?: ((message: string) => void) | undefined; logger?: Logger | undefined } = {},
): Promise<RunningPodcite> {
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  // With EMBEDDINGS=use-lite, questions are embedded in worker threads, batched when they arrive together:
  // the event loop stays free for HTTP and BM25. The default static embedder ignores `workers`: a question
  // costs it ~0.3 ms, less than a message to a worker.
  const embeddings = createEmbeddings(config, { workers: embeddingWorkerCount() });
  let running: RunningServer;
  let index: LoadedIndex;
  let answerer: Answerer;
  // /readyz answers 503 until the answer tables are built (the index is loaded before we listen).
  let tablesReady = false;
  try {
    index = await ensureIndex({ config, embeddings, log });
    const served = index;
    const metrics = createMetrics({
      index: () => ({ chunkCount: served.manifest.chunkCount, episodeCount: served.manifest.episodes.length }),
      embeddingQueueDepth: () => embeddings.pendingQueries,
    });
    // Repeated searches (starter questions, popular ones) are answered from memory.
    const retriever = timedRetriever(cachedRetriever(createRetriever({ index, embeddings })), metrics);
    answerer = timedAnswerer(createAnswerer({ config, retriever, index, prompts: loadPrompts() }), metrics);
    // Load the embedding model in the background while the server starts listening, so neither
    // /api/health nor (mostly) the first question waits for it; a failure shows on the first query too.
    embeddings.warmUp().catch((error: unknown) => {
      log(`podcite: embedding model failed to load: ${error instanceof Error ? error.message : String(error)}`);
    });
    const tracker = new InFlightTracker();
    const readiness = { pending: () => (tablesReady ? [] : ['answer tables']) };
    const app = createApp({
      config,
      index,
      retriever,
      answerer,
      embedderId: embeddings.id,
      tracker,
      log,
      logger: options.logger,
      metrics,
      readiness,
    });
    running = await startServer({ app, host: config.host, port: config.port, tracker });
  } catch (error) {
    // A failed start must not leave the model (or its worker threads) holding the process open.
    await embeddings.close().catch(() => undefined);
    throw error;
  }
  // Once listening (so /api/health answers at once), build the answerer's per-index tables so the
  // first question does not pay for them.
  prepareAnswerTables(index).then(
    () => {
      tablesReady = true;
    },
    (error: unknown) => {
      log(`podcite: could not prepare the answer tables: ${error instanceof Error ? error.message : String(error)}`);
    },
  );
  log(
    `podcite: ${index.manifest.episodes.length} episodes, ${index.manifest.chunkCount} chunks, ` +
      `${answerer.mode} answers${config.apiToken ? ', API token required' : ''}.`,
  );
  let closing: Promise<void> | undefined;
  return {
    url: running.url,
    index,
    answerer,
    embedderId: embeddings.id,
    close() {
      closing ??= (async () => {
        await running.close({ graceMs: config.requestTimeoutMs + SHUTDOWN_MARGIN_MS });
        await embeddings.close();
      })();
      return closing;
    },
  };
}
