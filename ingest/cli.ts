/**
 * `npm run ingest -- [PATH ...] [--rebuild]`: ingests files and folders (default: the bundled
 * sample corpus) into INDEX_DIR. Progress goes to stderr, the per-file report and summary to
 * stdout. Exit status 1 when any file failed or the run could not finish, 2 on a usage error, 0 otherwise.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { createEmbeddings, embeddingWorkerCount } from '../src/embeddings/create-embeddings.js';
import { createIndexStore } from '../src/cli/create-index-store.js';
import { isEntryPoint } from '../src/cli/is-entry-point.js';
import { PodciteError } from '../src/errors.js';
import { feedSettingsFromConfig } from './feeds/feed-settings.js';
import { formatIngestReport } from './format-ingest-report.js';
import { ingestPaths } from './ingest-paths.js';
import { createProgressReporter } from './progress-reporter.js';

/** The bundled sample corpus, found relative to this file so the command works from any directory. */
const SAMPLE_CORPUS = fileURLToPath(new URL('../data/', import.meta.url));

const USAGE = `Usage: npm run ingest -- [PATH | FEED_URL ...] [--refresh] [--remove SHOW_ID] [--rebuild]
   or: podcite ingest [PATH | FEED_URL ...] [--refresh] [--remove SHOW_ID] [--rebuild]

Ingests transcript files, folders and podcast feeds (http/https URLs) into INDEX_DIR
(default .podcite/index), or into PostgreSQL when DATABASE_URL is set. With nothing to read, ingests the bundled sample corpus (data/).
Re-running is incremental: unchanged episodes are skipped, removed ones dropped.

A FEED_URL (a podcast's RSS feed, e.g. https://example.org/feed.xml) adds the show to the
library: its episodes' transcripts are read (with TRANSCRIBE_BASE_URL set, audio-only episodes
are transcribed). Private network addresses are refused unless ALLOW_PRIVATE_URLS=true.
A running server picks up the new index within a second.

  --refresh         re-read every feed in the library; only new or changed episodes are fetched
  --remove SHOW_ID  drop a show and its episodes (repeatable); SHOW_ID as GET /api/shows lists it
  --rebuild         start from an empty index and embed everything again
  -h, --help        show this help`;

async function main(argv: readonly string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArguments>;
  try {
    parsed = parseArguments(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const config = loadConfig();
  const { refresh, remove } = parsed.values;
  const nothingNamed = parsed.positionals.length === 0 && !refresh && remove.length === 0;
  const store = await createIndexStore(config);
  const embeddings = createEmbeddings(config, { workers: embeddingWorkerCount() });
  const progress = createProgressReporter(process.stderr);
  const started = performance.now();
  try {
    const report = await ingestPaths({
      paths: nothingNamed ? [SAMPLE_CORPUS] : parsed.positionals,
      refresh,
      removeShows: remove,
      feeds: feedSettingsFromConfig(config),
      indexDir: config.indexDir,
      store,
      embeddings,
      rebuild: parsed.values.rebuild,
      onProgress: (event) => progress.onProgress(event),
    });
    progress.finish();
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(`${formatIngestReport(report, { seconds }).join('\n')}\n`);
    return report.files.some((file) => file.status === 'failed') ? 1 : 0;
  } finally {
    progress.finish();
    await embeddings.close();
    await store.close();
  }
}

function parseArguments(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      rebuild: { type: 'boolean', default: false },
      refresh: { type: 'boolean', default: false },
      remove: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

/** `podcite ingest …`: `argv` are the arguments after the command; resolves with the exit status. */
export function runIngest(argv: readonly string[]): Promise<number> {
  return main(argv).catch((error: unknown) => {
    const message =
      error instanceof PodciteError
        ? error.message
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error);
    process.stderr.write(`\ningest failed: ${message}\n`);
    return 1;
  });
}

if (isEntryPoint(import.meta.url)) process.exitCode = await runIngest(process.argv.slice(2));
