/**
 * `npm start`: loads (or first builds) the index, then serves the chat page, the podcite API and
 * the OpenAI-compatible API on HOST:PORT. SIGTERM/SIGINT stop it gracefully: new requests are
 * refused, answers and streams in flight finish, then the process exits 0.
 */
import { loadConfig } from '../config.js';
import { PodciteError } from '../errors.js';
import { shutdownOnSignals } from '../http/shutdown-on-signals.js';
import { startPodcite } from './start-podcite.js';

const log = (message: string) => process.stderr.write(`${message}\n`);

async function main(): Promise<void> {
  const running = await startPodcite(loadConfig(), { log });
  process.stdout.write(`podcite is listening on ${running.url}\n`);
  shutdownOnSignals({ log, shutdown: () => running.close() });
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
