/**
 * `npx tsx bench/calibrate-abstention.ts [QA.jsonl] [--index DIR]`: measures the extractive
 * answerer's support score (`questionSupport`) for every question of a labelled QA set on a real
 * index, and prints the abstention threshold `calibrateAbstention` picks, with its abstention and
 * false-abstention rates, and the rates of the threshold currently shipped.
 * Questions of kind `unanswerable` are the negatives; every other kind is answerable.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { abstentionRates, calibrateAbstention, type LabelledSupport } from '../src/answer/calibrate-abstention.js';
import { DEFAULT_ABSTAIN_BELOW, DEFAULT_TOP_K, questionSupport } from '../src/answer/extractive-answerer.js';
import { loadConfig } from '../src/config.js';
import { createEmbeddings } from '../src/embeddings/create-embeddings.js';
import { loadQaSet } from '../src/eval/qa-set.js';
import { createRetriever } from '../src/retrieval/create-retriever.js';
import { loadIndex } from '../src/store/load-index.js';
import { printTable } from './bench-util.js';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { index: { type: 'string' } } });
  const config = loadConfig();
  const qaPath = path.resolve(positionals[0] ?? path.resolve(repositoryRoot, '../shared/eval-dev.jsonl'));
  const items = await loadQaSet(qaPath);
  const embeddings = createEmbeddings(config);
  try {
    const index = await loadIndex({ dir: path.resolve(values.index ?? config.indexDir), embeddings });
    const retriever = createRetriever({ index, embeddings });
    const rows: Array<Record<string, string | number>> = [];
    const samples: LabelledSupport[] = [];
    for (const item of items) {
      const hits = await retriever.search(item.question, { k: DEFAULT_TOP_K });
      const support = questionSupport({ question: item.question, hits, index });
      const answerable = item.kind !== 'unanswerable';
      samples.push({ support, answerable });
      rows.push({ id: item.id, kind: item.kind, support: support.toFixed(3), question: item.question.slice(0, 70) });
    }
    rows.sort((a, b) => Number(a.support) - Number(b.support));
    printTable(rows);
    const chosen = calibrateAbstention(samples);
    const shipped = abstentionRates(samples, DEFAULT_ABSTAIN_BELOW);
    const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;
    console.log(
      `\n${samples.filter((s) => !s.answerable).length} unanswerable, ${samples.filter((s) => s.answerable).length} answerable questions`,
    );
    for (const [label, rates] of [
      ['calibrated', chosen],
      ['shipped', shipped],
    ] as const) {
      console.log(
        `${label}: threshold ${rates.threshold.toFixed(3)} — abstains on ${percent(rates.abstentionRate)} of unanswerable, ` +
          `falsely on ${percent(rates.falseAbstentionRate)} of answerable`,
      );
    }
  } finally {
    await embeddings.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
