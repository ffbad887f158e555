/**
 * `npm run db -- --port PORT --dir DIR`: an embedded PostgreSQL (PGlite with pgvector and
 * pg_textsearch) on HOST:PORT for development and tests, its podcite schema migrated. Prints the
 * DATABASE_URL to use on stdout, then serves until SIGINT or SIGTERM, when it closes every
 * connection, flushes the data folder and exits 0.
 */
import { parseArgs } from 'node:util';
import { startEmbeddedPostgres } from '../store/postgres/embedded-postgres.js';
import { isEntryPoint } from './is-entry-point.js';

const USAGE = 'Usage: npm run db -- [--port PORT] [--dir DIR] [--host HOST] [--max-connections N]';

const HELP = `${USAGE}
   or: podcite db [options]

Starts an embedded PostgreSQL (PGlite: PostgreSQL compiled to WebAssembly, with pgvector and
pg_textsearch) that podcite's ingest, serve, ask and eval use when DATABASE_URL points at it.
For development and tests; production runs on a managed PostgreSQL with both extensions.

  --port PORT            port to listen on (default 5432; 0 picks a free one)
  --dir DIR              data folder, created if missing (default .podcite/postgres)
  --host HOST            address to bind (default 127.0.0.1)
  --max-connections N    connections served at once (default 100)
  -h, --help             show this help

Prints DATABASE_URL=postgres://... on stdout once it accepts connections. All connections share
PGlite's one session: a transaction runs alone while the others wait. Ctrl-C (SIGINT) or SIGTERM
stops it cleanly. Exit status: 0 stopped, 1 failed, 2 usage error.`;

export interface DbArguments {
  port: number;
  dir: string;
  host: string;
  maxConnections: number;
}

/** Reads the command line; returns a usage error message instead of arguments when it is wrong. */
export function parseDbArguments(argv: readonly string[]): DbArguments | { error: string } {
  let values: Record<string, string | undefined>;
  try {
    const parsed = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        dir: { type: 'string' },
        host: { type: 'string' },
        'max-connections': { type: 'string' },
      },
      allowPositionals: false,
    });
    values = parsed.values;
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
  const port = Number(values.port ?? '5432');
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    return { error: `--port must be 0..65535 (got "${values.port}")` };
  const maxConnections = Number(values['max-connections'] ?? '100');
  if (!Number.isInteger(maxConnections) || maxConnections <= 0) {
    return { error: `--max-connections must be a positive integer (got "${values['max-connections']}")` };
  }
  return { port, dir: values.dir ?? '.podcite/postgres', host: values.host ?? '127.0.0.1', maxConnections };
}

/** Runs the database until a signal stops it; resolves the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const parsed = parseDbArguments(argv);
  if ('error' in parsed) {
    process.stderr.write(`${parsed.error}\n${USAGE}\n`);
    return 2;
  }
  let database: Awaited<ReturnType<typeof startEmbeddedPostgres>>;
  try {
    database = await startEmbeddedPostgres({
      dir: parsed.dir,
      port: parsed.port,
      host: parsed.host,
      maxConnections: parsed.maxConnections,
      onError: (error) =>
        process.stderr.write(`podcite db: ${error instanceof Error ? error.message : String(error)}\n`),
    });
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const reason =
      code === 'EADDRINUSE' || code === 'EACCES'
        ? `cannot listen on ${parsed.host}:${parsed.port} (${String(code)}); pass --port with a free port, or 0.`
        : error instanceof Error
          ? error.message
          : String(error);
    process.stderr.write(`podcite db: ${reason}\n`);
    return 1;
  }
  process.stderr.write(`podcite db: PostgreSQL (PGlite) serving ${parsed.dir} on ${parsed.host}:${database.port}\n`);
  process.stdout.write(`DATABASE_URL=${database.url}\n`);
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`podcite db: ${signal}: closing connections and flushing ${parsed.dir}\n`);
      database.close().then(
        () => resolve(0),
        (error: unknown) => {
          process.stderr.write(
            `podcite db: stopping failed: ${error instanceof Error ? error.message : String(error)}\n`,
          );
          resolve(1);
        },
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

if (isEntryPoint(import.meta.url)) {
  const status = await main(process.argv.slice(2));
  process.exit(status);
}
