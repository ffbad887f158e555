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
import { ensureIndex } from '../store/ensure-index.js';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The Latent Space dev set (a copy of the team's shared `eval-dev.jsonl`, kept in the repository so a fresh clone can run it). */
export const DEFAULT_QA_SET = path.resolve(repositoryRoot, 'eval/latent-space-dev.jsonl');

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      index: { type: 'string' },
      chat: { type: 'boolean', default: false },
      'answers-only': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write('Usage: npm run eval -- [QA.jsonl] [--index DIR] [--chat] [--answers-only] [--json]\n');
    return;
  }
  const config = loadConfig();
  const qaPath = path.resolve(positionals[0] ?? DEFAULT_QA_SET);
  const indexDir = path.resolve(values.index ?? config.indexDir);
  const items = await loadQaSet(qaPath);
  // No question cache: the answer pass re-asks the retrieval pass's questions, and its latency
  // figures should include embedding them.
  const embeddings = createEmbeddings(config, { queryCacheSize: 0 });
  try {
    // A missing index is built from the bundled sample first (progress on stderr), as `npm start` does.
    const index = await ensureIndex({ config: { ...config, indexDir }, embeddings });
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
      process.stdout.write(`${JSON.stringify({ qaSet: qaPath, indexDir, ...report }, null, 2)}\n`);
    } else {
      const heading = `QA set ${qaPath}\nIndex ${indexDir}: ${index.manifest.episodes.length} episodes, ${index.chunks.length} chunks, embedder ${index.manifest.embedder}`;
      process.stdout.write(`${formatReport(report, heading)}\n`);
    }
  } finally {
    await embeddings.close();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof PodciteError ? `${error.code}: ${error.message}` : String(error);
  process.stderr.write(`eval failed: ${message}\n`);
  process.exitCode = 1;
});
