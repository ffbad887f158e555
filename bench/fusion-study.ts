/**
 * `npx tsx bench/fusion-study.ts --latent-space DIR --practical-ai DIR [--sets NAME,…] [--variants NAME,…]`:
 * retrieval R@1 / R@5 / MRR@10 of fusion variants (tuning overrides of the shipped hybrid) on every QA set
 * whose index is given, beside lexical alone. Each index is loaded and its tables built once. Choose on
 * the held-out sets; the dev sets are reported, never tuned to.
 */
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StaticEmbeddings } from '../src/embeddings/static-embeddings.js';
import { loadQaSet } from '../src/eval/qa-set.js';
import { runEval } from '../src/eval/run-eval.js';
import type { RetrieverTuning } from '../src/retrieval/create-retriever.js';
import { loadIndex } from '../src/store/load-index.js';
import { openLocalIndexStore } from '../src/store/local-index-store.js';
import { buildIndexTables } from '../src/tables/index-tables.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The QA sets, by the corpus (index) they were written over. */
const SETS = [
  { name: 'LS dev', corpus: 'latent-space', file: 'eval/latent-space-dev.jsonl' },
  { name: 'LS held-out', corpus: 'latent-space', file: 'eval/latent-space-heldout.jsonl' },
  { name: 'PAI dev', corpus: 'practical-ai', file: 'eval/practical-ai-dev.jsonl' },
  { name: 'PAI held-out', corpus: 'practical-ai', file: 'eval/practical-ai-heldout.jsonl' },
  { name: 'PAI held-out b', corpus: 'practical-ai', file: 'eval/practical-ai-heldout-b.jsonl' },
] as const;

/** Variants as overrides of `DEFAULT_RETRIEVER_TUNING`; `shipped` is the default itself, the rest undo one change. */
const VARIANTS: Record<string, Partial<RetrieverTuning>> = {
  shipped: {},
  'before (round two: pool 100 ef 100, min-max, context 0.3, no speaking words)': {
    denseCandidates: 100,
    denseEf: 100,
    denseNormalisation: 'min-max',
    contextWeight: 0.3,
    speakingWords: undefined,
  },
  'dense pool 100 ef 100': { denseCandidates: 100, denseEf: 100 },
  'min-max normalisation': { denseNormalisation: 'min-max' },
  'context 0.3': { contextWeight: 0.3 },
  'speaking words off': { speakingWords: undefined },
  'chime-in full boost': { chimeInShare: 1 },
  'lexical pool 50': { candidates: 50 },
  'lexical pool 30': { candidates: 30 },
};

/**
 * `--grid`: every combination of the knobs the variants above move, named by their values, to choose among
 * on the held-out sets (dense pool/ef, normalisation, context weight, chime-in share, speaking words).
 */
function gridVariants(): Record<string, Partial<RetrieverTuning>> {
  const variants: Record<string, Partial<RetrieverTuning>> = {};
  for (const [denseCandidates, denseEf] of [
    [30, 50],
    [50, 50],
    [100, 100],
  ] as const)
    for (const denseNormalisation of ['min-max', 'floor'] as const)
      for (const contextWeight of [0.15, 0.2, 0.25, 0.3])
        for (const chimeInShare of [0.5, 1])
          for (const speakingWords of [undefined, 10]) {
            const name = `pool ${denseCandidates} ${denseNormalisation} ctx ${contextWeight} chime ${chimeInShare} words ${speakingWords ?? '-'}`;
            variants[name] = {
              denseCandidates,
              denseEf,
              denseNormalisation,
              contextWeight,
              chimeInShare,
              speakingWords,
            };
          }
  return variants;
}

/** `--grid2`: the other knobs around the shipped setting (episode weight, speaker boost, lexical cap, dense weight). */
function secondGridVariants(): Record<string, Partial<RetrieverTuning>> {
  const variants: Record<string, Partial<RetrieverTuning>> = {};
  for (const episodeWeight of [0.2, 0.3, 0.4])
    for (const speakerBoost of [0.1, 0.15, 0.2])
      for (const lexicalCap of [1.5, 2])
        for (const dense of [0.1, 0.15]) {
          const name = `episode ${episodeWeight} speaker ${speakerBoost} cap ${lexicalCap} dense ${dense}`;
          variants[name] = { episodeWeight, speakerBoost, lexicalCap, weights: { lexical: 1 - dense, dense } };
        }
  return variants;
}

function option(name: string): string | undefined {
  const args = process.argv.slice(2);
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

async function main(): Promise<void> {
  const dirs: Record<string, string | undefined> = {
    'latent-space': option('--latent-space'),
    'practical-ai': option('--practical-ai'),
  };
  const setFilter = option('--sets')?.split(',');
  const variantFilter = option('--variants')?.split(',');
  const all = process.argv.includes('--grid')
    ? gridVariants()
    : process.argv.includes('--grid2')
      ? secondGridVariants()
      : VARIANTS;
  const variants = Object.entries(all).filter(
    ([name]) => !variantFilter || variantFilter.some((wanted) => name.startsWith(wanted)),
  );
  const embeddings = new StaticEmbeddings();
  const rows: string[] = [];
  for (const corpus of ['latent-space', 'practical-ai'] as const) {
    const dir = dirs[corpus];
    if (!dir) continue;
    const index = buildIndexTables(await loadIndex({ store: openLocalIndexStore({ dir }), embeddings }));
    for (const set of SETS.filter((entry) => entry.corpus === corpus)) {
      if (setFilter && !setFilter.includes(set.name)) continue;
      const items = await loadQaSet(path.join(root, set.file)).catch(() => undefined);
      if (!items) continue;
      const lexical = await runEval({ items, index, embeddings, modes: ['lexical'] });
      rows.push(`${set.name} | lexical | ${figures(lexical.retrieval[0])}`);
      for (const [name, tuning] of variants) {
        const report = await runEval({ items, index, embeddings, modes: ['hybrid'], tuning });
        rows.push(`${set.name} | ${name} | ${figures(report.retrieval[0])}`);
      }
      process.stderr.write(`${set.name} done (load ${loadavg()[0]!.toFixed(1)})\n`);
    }
  }
  process.stdout.write(`set | variant | R@1 / R@5 / MRR@10 (n)\n${rows.join('\n')}\n`);
}

function figures(report: { recallAt1: number; recallAt5: number; mrrAt10: number; questions: number } | undefined) {
  if (!report) return '-';
  const grid = process.argv.includes('--grid') || process.argv.includes('--grid2');
  const format = (value: number) => value.toFixed(grid ? 3 : 2);
  return `${format(report.recallAt1)} / ${format(report.recallAt5)} / ${format(report.mrrAt10)} (${report.questions})`;
}

await main();
