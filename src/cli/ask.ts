/**
 * `npm run ask -- "QUESTION" [--json]`: one answer on stdout. Human output is the answer, then
 * its numbered citations (episode, speaker, timestamp, link, quote); `--json` prints the same body
 * as POST /api/chat. Progress (e.g. a first ingest) and notices go to stderr, so stdout pipes cleanly.
 */
import { parseArgs } from 'node:util';
import type { Answerer, ChatAnswer } from '../domain.js';
import { PodciteError } from '../errors.js';
import { collectAnswer } from '../http/collect-answer.js';
import { REQUEST_LIMITS } from '../http/request-schemas.js';
import { isEntryPoint } from './is-entry-point.js';

const USAGE = 'Usage: npm run ask -- "QUESTION" [--json] [--episode EPISODE_ID ...]';

const HELP = `${USAGE}
   or: podcite ask "QUESTION" [--json] [--episode EPISODE_ID ...]

Answers one question from the index in INDEX_DIR (ingesting the bundled sample first when there is
none): the answer, then its numbered sources, on stdout.

  --json             print the same JSON body as POST /api/chat
  --episode ID       only search this episode (repeatable); an unknown id lists the episodes
  -h, --help         show this help

Exit status: 0 answered, 1 failed, 2 usage error.`;

/** True when the arguments (before a `--`) ask for help. */
function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((argument) => argument === '--help' || argument === '-h');
}

const readArguments = (argv: readonly string[]) =>
  parseArgs({
    args: [...argv],
    options: { json: { type: 'boolean' }, episode: { type: 'string', multiple: true } },
    allowPositionals: true,
  });

export interface AskArguments {
  question: string;
  json: boolean;
  episodeIds: string[] | undefined;
}

/** Reads the command line (the arguments after the script). Throws `PodciteError('bad_request:usage')`. */
export function parseAskArguments(argv: readonly string[]): AskArguments {
  let parsed: ReturnType<typeof readArguments>;
  try {
    parsed = readArguments(argv);
  } catch (error) {
    throw new PodciteError('bad_request:usage', `${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  // Unquoted words (npm run ask -- what is RAG) are one question.
  const question = parsed.positionals.join(' ').trim();
  if (question === '') throw new PodciteError('bad_request:usage', `No question given.\n${USAGE}`);
  if (question.length > REQUEST_LIMITS.messageCharacters) {
    throw new PodciteError(
      'bad_request:usage',
      `The question must be at most ${REQUEST_LIMITS.messageCharacters} characters.`,
    );
  }
  const episodeIds = parsed.values.episode;
  return { question, json: parsed.values.json ?? false, episodeIds: episodeIds?.length ? episodeIds : undefined };
}

/** The answer as a person reads it in a terminal: text, then one block per citation. */
export function formatAnswer(answer: ChatAnswer): string {
  const lines = [answer.answer];
  if (answer.citations.length > 0) {
    lines.push('', 'Sources:');
    for (const citation of answer.citations) {
      const when =
        citation.timestampLabel === null
          ? 'time unknown'
          : `${citation.approximate ? '~' : ''}${citation.timestampLabel}${citation.approximate ? ' (approximate)' : ''}`;
      lines.push(`[${citation.n}] ${citation.episodeTitle} — ${citation.speaker ?? 'unknown speaker'}, ${when}`);
      lines.push(`    "${citation.quote}"`);
      if (citation.url !== null) lines.push(`    ${citation.url}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** One `  id  title` line per episode, for a usage message. */
function episodeList(episodes: readonly { episodeId: string; title: string }[]): string {
  return episodes.map((episode) => `  ${episode.episodeId}  ${episode.title}`).join('\n');
}

/** Asks one question and writes the result; separated from `main` so tests can pass a fake answerer. */
export async function ask(options: {
  arguments: AskArguments;
  answerer: Answerer;
  write: (text: string) => void;
  warn: (text: string) => void;
}): Promise<ChatAnswer> {
  const { question, json, episodeIds } = options.arguments;
  const answer = await collectAnswer(options.answerer.answer({ message: question, history: [], episodeIds }, {}));
  if (json) {
    options.write(`${JSON.stringify(answer, null, 2)}\n`);
  } else {
    options.write(formatAnswer(answer));
    if (answer.notice !== undefined) options.warn(`Note: ${answer.notice}\n`);
  }
  return answer;
}

/** `podcite ask …`: `argv` are the arguments after the command; resolves with the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  if (wantsHelp(argv)) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const warn = (text: string) => process.stderr.write(text);
  const log = (message: string) => warn(`${message}\n`);
  let composition: { close(): Promise<void> } | undefined;
  try {
    const askArguments = parseAskArguments(argv);
    // Loaded here, not at the top, so importing this module (tests) does not pull in the embedder.
    const [{ loadConfig }, { compose }, { episodeFilter }] = await Promise.all([
      import('../config.js'),
      import('./compose.js'),
      import('../store/episode-filter.js'),
    ]);
    const config = loadConfig();
    const composed = await compose(config, { log });
    composition = composed;
    const { index, answerer } = composed;
    try {
      episodeFilter(index, askArguments.episodeIds, `The episodes are:\n${episodeList(index.manifest.episodes)}`);
    } catch (error) {
      throw error instanceof PodciteError ? new PodciteError('bad_request:usage', error.message) : error;
    }
    await ask({ arguments: askArguments, answerer, write: (text) => process.stdout.write(text), warn });
    return 0;
  } catch (error) {
    if (error instanceof PodciteError)
      log(error.code === 'bad_request:usage' ? error.message : `podcite: ${error.message}`);
    else log(`podcite: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return error instanceof PodciteError && error.code === 'bad_request:usage' ? 2 : 1;
  } finally {
    await composition?.close();
  }
}

if (isEntryPoint(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
