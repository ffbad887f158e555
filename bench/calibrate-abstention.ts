/**
 * `npx tsx bench/calibrate-abstention.ts [QA.jsonl] [--index DIR] [--max-false-abstention RATE]`:
 * measures the extractive answerer's abstention signals for every question of a labelled QA set on
 * a real index — the coverage evidence (`coverageEvidence`: names the index never mentions, or
 * mostly unseen words; either abstains on its own), whether the answerer declines with the support
 * threshold off (its quote rules: a count, a year, a name, the named speaker, the topic), and the
 * support score (`questionSupport`) — and prints the support
 * threshold `calibrateAbstention` picks under the criterion "most abstentions on unanswerable
 * questions with at most RATE (default 0.05) false abstentions", with its rates, and the rates of
 * the threshold currently shipped. Questions of kind `unanswerable` are the negatives.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { abstentionRates, calibrateAbstention, type LabelledSupport } from '../src/answer/calibrate-abstention.js';
import {
  coverageEvidence,
  createExtractiveAnswerer,
  DEFAULT_ABSTAIN_BELOW,
  DEFAULT_TOP_K,
  questionSupport,
  quotableHits,
} from '../src/answer/extractive-answerer.js';
import { loadConfig } from '../src/config.js';
import { createEmbeddings } from '../src/embeddings/create-embeddings.js';
import { loadQaSet } from '../src/eval/qa-set.js';
import { createRetriever } from '../src/retrieval/create-retriever.js';
import { loadIndex } from '../src/store/load-index.js';
import { openLocalIndexStore } from '../src/store/local-index-store.js';
import { buildIndexTables } from '../src/tables/index-tables.js';
import { printTable } from './bench-util.js';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { index: { type: 'string' }, 'max-false-abstention': { type: 'string', default: '0.05' } },
  });
  const maxFalseAbstentionRate = Number(values['max-false-abstention']);
  const config = loadConfig();
  const qaPath = path.resolve(positionals[0] ?? path.resolve(repositoryRoot, 'eval/latent-space-dev.jsonl'));
  const items = await loadQaSet(qaPath);
  const embeddings = createEmbeddings(config);
  try {
    const index = buildIndexTables(
      await loadIndex({
        store: openLocalIndexStore({ dir: path.resolve(values.index ?? config.indexDir) }),
        embeddings,
      }),
    );
    const retriever = createRetriever({ index, embeddings });
    // The answerer with the support threshold off: what it still declines, it declines whatever the threshold.
    const unthresholded = createExtractiveAnswerer({ retriever, index, abstainBelow: 0 });
    const declinesAnyway = async (question: string) => {
      for await (const event of unthresholded.answer({ message: question, history: [] }, {})) {
        if (event.type === 'end') return !event.answer.answerable;
      }
      return false;
    };
    const rows: Array<Record<string, string | number>> = [];
    const samples: LabelledSupport[] = [];
    for (const item of items) {
      // As the answerer does: retrieve twice as many, keep the passages it may quote.
      const hits = quotableHits(await retriever.search(item.question, { k: 2 * DEFAULT_TOP_K }));
      const support = questionSupport({ question: item.question, hits, index });
      const { unmentioned, mostlyUnseen } = coverageEvidence({ question: item.question, index });
      const answerable = item.kind !== 'unanswerable';
      const declined = await declinesAnyway(item.question);
      samples.push({ support, answerable, uncovered: unmentioned.length > 0 || mostlyUnseen || declined });
      rows.push({
        id: item.id,
        kind: item.kind,
        support: support.toFixed(3),
        unmentioned: mostlyUnseen ? `${unmentioned.join(', ')} (mostly unseen)` : unmentioned.join(', '),
        'declined anyway': declined ? 'yes' : '',
        question: item.question.slice(0, 60),
      });
    }
    rows.sort((a, b) => Number(a.support) - Number(b.support));
    printTable(rows);
    const chosen = calibrateAbstention(samples, { maxFalseAbstentionRate });
    const shipped = abstentionRates(samples, DEFAULT_ABSTAIN_BELOW);
    const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;
    console.log(
      `\n${samples.filter((s) => !s.answerable).length} unanswerable, ${samples.filter((s) => s.answerable).length} answerable questions`,
    );
    for (const [label, rates] of [
      [`calibrated (false abstention ≤ ${percent(maxFalseAbstentionRate)})`, chosen],
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
