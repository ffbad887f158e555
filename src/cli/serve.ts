/**
 * `npm start`: loads (or first builds) the index, then serves the chat page, the podcite API and
 * the OpenAI-compatible API on HOST:PORT. SIGTERM/SIGINT stop it gracefully: new requests are
 * refused, answers and streams in flight finish, then the process exits 0.
 */
import { createAnswerer } from '../answer/create-answerer.js';
import { loadPrompts } from '../answer/load-prompts.js';
import { loadConfig } from '../config.js';
import { createEmbeddings } from '../embeddings/create-embeddings.js';
import { PodciteError } from '../errors.js';
import { createApp } from '../http/create-app.js';
import { InFlightTracker } from '../http/in-flight-tracker.js';
import { shutdownOnSignals } from '../http/shutdown-on-signals.js';
import { startServer } from '../http/start-server.js';
import { createRetriever } from '../retrieval/create-retriever.js';
import { ensureIndex } from '../store/ensure-index.js';

const log = (message: string) => process.stderr.write(`${message}\n`);

// Beyond REQUEST_TIMEOUT_MS every request has already been ended by its own timer.
const SHUTDOWN_MARGIN_MS = 5_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const embeddings = createEmbeddings(config);
  const index = await ensureIndex({ config, embeddings, log });
  const retriever = createRetriever({ index, embeddings });
  const answerer = createAnswerer({ config, retriever, index, prompts: loadPrompts() });
  // Load the embedding model in the background while the server starts listening, so neither
  // /api/health nor (mostly) the first question waits for it; a failure shows on the first query too.
  embeddings.embedQuery('warm up').catch((error: unknown) => {
    log(`podcite: embedding model failed to load: ${error instanceof Error ? error.message : String(error)}`);
  });

  const tracker = new InFlightTracker();
  const app = createApp({ config, index, retriever, answerer, embedderId: embeddings.id, tracker, log });
  const running = await startServer({ app, host: config.host, port: config.port, tracker });
  log(
    `podcite: ${index.manifest.episodes.length} episodes, ${index.manifest.chunkCount} chunks, ` +
      `${answerer.mode} answers${config.apiToken ? ', API token required' : ''}.`,
  );
  process.stdout.write(`podcite is listening on ${running.url}\n`);

  shutdownOnSignals({
    log,
    shutdown: async () => {
      await running.close({ graceMs: config.requestTimeoutMs + SHUTDOWN_MARGIN_MS });
      await embeddings.close();
    },
  });
}

main().catch((error: unknown) => {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE' || code === 'EACCES') {
    log(`podcite: cannot listen (${String(code)}). Set PORT (and HOST) to a free address, e.g. PORT=3001 npm start.`);
  } else if (error instanceof PodciteError) {
    log(`podcite: ${error.message}`);
  } else {
    log(`podcite: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
  // Exit outright: a half-started embedder or index may hold handles open.
  process.exit(1);
});
