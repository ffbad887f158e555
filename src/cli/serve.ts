/**
 * `podcite serve` (`npm start`): loads (or first builds) the index, then serves the chat page, the
 * podcite API and the OpenAI-compatible API on HOST:PORT. Logs go to stderr through pino (LOG_FORMAT,
 * LOG_LEVEL); stdout carries only the "listening on" line. SIGTERM/SIGINT stop it gracefully: new
 * requests are refused, answers and streams in flight finish, then the process exits 0.
 */
import { loadConfig } from '../config.js';
import { PodciteError } from '../errors.js';
import { shutdownOnSignals } from '../http/shutdown-on-signals.js';
import { createLogger } from '../log/create-logger.js';
import { isEntryPoint } from './is-entry-point.js';
import { startPodcite } from './start-podcite.js';

// Until the configuration is read (it says how to log), failures are plain lines on stderr.
let log: (message: string) => void = (message) => process.stderr.write(`${message}\n`);

/** Runs the server until a signal stops it. `argv` are the arguments after `serve` (only --help). */
export async function serve(argv: readonly string[] = []): Promise<void> {
  if (argv.length > 0) {
    const help = argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h');
    process[help ? 'stdout' : 'stderr'].write(`${help ? '' : `Unknown argument: ${argv[0]}\n\n`}${SERVE_USAGE}\n`);
    process.exitCode = help ? 0 : 2;
    return;
  }
  try {
    const config = loadConfig();
    const logger = createLogger({ level: config.logLevel, format: config.logFormat });
    log = (message: string) => logger.info(message);
    const running = await startPodcite(config, { log, logger });
    process.stdout.write(`podcite is listening on ${running.url}\n`);
    shutdownOnSignals({ log, shutdown: () => running.close() });
  } catch (error) {
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
  }
}

export const SERVE_USAGE = `Usage: podcite serve

Serves the chat page at / and the API on HOST:PORT (default 127.0.0.1:3000). When INDEX_DIR holds
no index, ingests the bundled sample corpus first. Configuration comes from the environment or a
.env file (see .env.example): PORT, HOST, INDEX_DIR, API_TOKEN, OPENAI_BASE_URL, LOG_FORMAT, ...

  -h, --help  show this help`;

if (isEntryPoint(import.meta.url)) await serve(process.argv.slice(2));
