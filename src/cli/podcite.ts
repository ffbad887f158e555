/**
 * `podcite <command> …` (the package's `bin`, also behind the npm scripts): one entry point for
 * serve, ingest, ask, eval and bench. Every command answers `--help` with exit 0; a usage error
 * exits 2; a failure exits 1.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isEntryPoint } from './is-entry-point.js';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const USAGE = `Usage: podcite <command> [options]

Commands:
  serve                       serve the chat page and the APIs on HOST:PORT (npm start)
  ingest [PATH | URL ...]     index transcript files, folders and podcast feeds into INDEX_DIR
  ask "QUESTION"              one cited answer on stdout
  eval [QA.jsonl]             retrieval and answer metrics on a QA set
  bench [SECTION ...]         performance benchmarks
  db [--port PORT --dir DIR]  an embedded PostgreSQL for DATABASE_URL (development and tests)

Run "podcite <command> --help" for a command's options. Configuration comes from the environment
or a .env file; see .env.example and the README.`;

/** Each command's runner: the arguments after the command name in, the exit status out. */
const COMMANDS: Record<string, (argv: readonly string[]) => Promise<number>> = {
  async serve(argv) {
    const { serve } = await import('./serve.js');
    await serve(argv);
    // The server keeps running; its own signal handler exits.
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  },
  async ingest(argv) {
    const { runIngest } = await import('../../ingest/cli.js');
    return runIngest(argv);
  },
  async ask(argv) {
    const { main } = await import('./ask.js');
    return main(argv);
  },
  async eval(argv) {
    const { main } = await import('./eval.js');
    return main(argv);
  },
  async db(argv) {
    const { main } = await import('./db.js');
    return main(argv);
  },
  async bench(argv) {
    // bench/run.ts reads process.argv and exits by itself (its workers may hold the loop open).
    const script = path.join(repositoryRoot, 'bench/run.ts');
    process.argv = [process.argv[0] ?? 'node', script, ...argv];
    await import(pathToFileURL(script).href);
    return new Promise<number>(() => undefined);
  },
};

/** Runs `podcite …` with `argv` (the arguments after the program name); resolves with the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    const help = command !== undefined;
    (help ? process.stdout : process.stderr).write(`${USAGE}\n`);
    return help ? 0 : 2;
  }
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (run === undefined) {
    process.stderr.write(`podcite: unknown command "${command.slice(0, 100)}"\n\n${USAGE}\n`);
    return 2;
  }
  return run(rest);
}

if (isEntryPoint(import.meta.url)) {
  const status = await main(process.argv.slice(2));
  if (status !== 0) process.exitCode = status;
}
