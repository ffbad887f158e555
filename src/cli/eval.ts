/**
 * `npm run eval -- [QA.jsonl] [--index DIR] [--chat] [--answers-only] [--json]`: retrieval and answer metrics on a
 * QA set (default: the Latent Space dev set). Compares lexical-only, dense-only and the shipped
 * hybrid retrieval on the same index in one run, then scores the shipped answerer (and, with
 * `--chat`, the LLM answerer when one is configured).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createAnswerer } from '../answer/create-answerer.js';
import { createExtractiveAnswerer } from '../answer/extractive-answerer.js';
import { loadPrompts } from '../answer/load-prompts.js';
import { loadConfig } from '../config.js';
import { createEmbeddings } from '../embeddings/create-embeddings.js';
import { PodciteError } from '../errors.js';
import { formatReport } from '../eval/format-report.js';
import { loadQaSet } from '../eval/qa-set.js';
import { type AnswererUnderTest, runEval } from '../eval/run-eval.js';
import { composeIndex } from './compose.js';
import { isEntryPoint } from './is-entry-point.js';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The Latent Space dev set (a copy of the team's shared `eval-dev.jsonl`, kept in the repository so a fresh clone can run it). */
export const DEFAULT_QA_SET = path.resolve(repositoryRoot, 'eval/latent-space-dev.jsonl');

const USAGE = `Usage: npm run eval -- [QA.jsonl] [--index DIR] [--chat] [--answers-only] [--json]
   or: podcite eval [QA.jsonl] [--index DIR] [--chat] [--answers-only] [--json]

Retrieval (lexical, dense, hybrid) and answer metrics on a QA set (default
eval/latent-space-dev.jsonl) over the index in INDEX_DIR (built from the bundled sample when missing).

  --index DIR  evaluate this index instead of INDEX_DIR
  --chat       also score the LLM answerer (needs OPENAI_API_KEY or OPENAI_BASE_URL)
  --answers-only  skip the lexical/dense/hybrid retrieval comparison (answers still use the hybrid)
  --json       print the report as JSON
  -h, --help   show this help

Exit status: 0 done, 1 failed, 2 usage error.`;

function readArguments(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      index: { type: 'string' },
      chat: { type: 'boolean', default: false },
      'answers-only': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

/** `podcite eval …`: `argv` are the arguments after the command; resolves with the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  let parsed: ReturnType<typeof readArguments>;
  try {
    parsed = readArguments(argv);
    if (parsed.positionals.length > 1)
      throw new Error(`Only one QA set may be given (got ${parsed.positionals.length}).`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    await evaluate(parsed);
    return 0;
  } catch (error) {
    const message = error instanceof PodciteError ? `${error.code}: ${error.message}` : String(error);
    process.stderr.write(`eval failed: ${message}\n`);
    return 1;
  }
}

async function evaluate({ values, positionals }: ReturnType<typeof readArguments>): Promise<void> {
  const config = loadConfig();
  const qaPath = path.resolve(positionals[0] ?? DEFAULT_QA_SET);
  const indexDir = path.resolve(values.index ?? config.indexDir);
  const items = await loadQaSet(qaPath);
  // No question cache: the answer pass re-asks the retrieval pass's questions, and its latency
  // figures should include embedding them.
  const embeddings = createEmbeddings(config, { queryCacheSize: 0 });
  let closeStore: (() => Promise<void>) | undefined;
  try {
    // A missing index is built from the bundled sample first (progress on stderr), as `npm start` does.
    const { store, index } = await composeIndex({ config: { ...config, indexDir }, embeddings });
    closeStore = () => store.close();
    const answerers: AnswererUnderTest[] = [
      { name: 'extractive', create: (retriever) => createExtractiveAnswerer({ retriever, index }) },
    ];
    if (values.chat) {
      if (!config.llm) {
        throw new PodciteError(
          'config:eval',
          '--chat needs an LLM: set OPENAI_API_KEY, or OPENAI_BASE_URL for a local OpenAI-compatible server.',
        );
      }
      const prompts = loadPrompts();
      answerers.push({ name: 'llm', create: (retriever) => createAnswerer({ config, retriever, index, prompts }) });
    }
    const report = await runEval({
      items,
      index,
      embeddings,
      answerers,
      // --answers-only skips the three retrieval comparisons (the answers still use the hybrid).
      modes: values['answers-only'] ? [] : undefined,
      onProgress: (message) => process.stderr.write(`eval: ${message}\n`),
    });
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ qaSet: qaPath, indexDir: store.location, ...report }, null, 2)}\n`);
    } else {
      const heading = `QA set ${qaPath}\nIndex ${store.location}: ${index.manifest.episodes.length} episodes, ${index.chunks.length} chunks, embedder ${index.manifest.embedder}`;
      process.stdout.write(`${formatReport(report, heading)}\n`);
    }
  } finally {
    await embeddings.close();
    await closeStore?.();
  }
}

if (isEntryPoint(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
