/**
 * `npx tsx bench/fit-reranker.ts --latent-space DIR --practical-ai DIR [--depth 20]`: fits the second-stage
 * ranking weights (`RERANK_WEIGHTS` in src/retrieval/rerank-hits.ts) and measures them honestly.
 *
 * Data: every held-out QA set in eval/ (`*-heldout*.jsonl`: questions we wrote over episodes the dev sets
 * do not use); the two dev sets are never fitted on, only reported. For each answerable question the
 * hybrid's first `depth` candidates (without reranking) that are transcript passages get their
 * `rerankFeatures`, labelled by whether the chunk holds the gold quote (the eval's own matcher). R@k here is
 * over those passages (show notes keep their places and are not counted).
 *
 * Model: a linear score, fitted by gradient descent on the listwise loss −log Σ_gold softmax(10·score)
 * with a small L2 penalty, starting from the fused order (weight 1 on `fused`, 0 elsewhere).
 *
 * Measure: leave one set out — each held-out set is ranked by weights fitted on the others — and the dev
 * sets by the weights fitted on every held-out set. Prints R@1 / R@5 before and after per set, then the
 * weights to paste into `RERANK_WEIGHTS`.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StaticEmbeddings } from '../src/embeddings/static-embeddings.js';
import { createGoldMatcher } from '../src/eval/gold-matcher.js';
import { loadQaSet } from '../src/eval/qa-set.js';
import { createRetriever } from '../src/retrieval/create-retriever.js';
import { RERANK_FEATURES, type RerankFeature, rerankFeatures, rerankQuestion } from '../src/retrieval/rerank-hits.js';
import { tokenizeQuery } from '../src/retrieval/tokenize.js';
import { loadIndex } from '../src/store/load-index.js';
import { openLocalIndexStore } from '../src/store/local-index-store.js';
import { buildIndexTables } from '../src/tables/index-tables.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCALE = 10;
const L2 = 0.01;
const STEPS = 600;
const LEARNING_RATE = 0.05;

interface Question {
  set: string;
  /** Feature rows of the candidates, best fused first, and which of them hold the gold quote. */
  features: number[][];
  gold: boolean[];
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

async function collect(depth: number): Promise<Question[]> {
  const dirs = { 'latent-space': option('--latent-space'), 'practical-ai': option('--practical-ai') };
  const embeddings = new StaticEmbeddings();
  const files = (await readdir(path.join(root, 'eval'))).filter((file) => file.endsWith('.jsonl')).sort();
  const questions: Question[] = [];
  for (const [corpus, dir] of Object.entries(dirs)) {
    if (!dir) continue;
    const index = buildIndexTables(await loadIndex({ store: openLocalIndexStore({ dir }), embeddings }));
    const retriever = createRetriever({ index, embeddings, tuning: { rerank: false } });
    const matcher = createGoldMatcher(index);
    for (const file of files.filter((name) => name.startsWith(corpus))) {
      for (const item of await loadQaSet(path.join(root, 'eval', file))) {
        if (item.kind === 'unanswerable' || item.evidence.length === 0) continue;
        const hits = await retriever.search(item.question, { k: depth });
        const question = rerankQuestion({
          question: item.question,
          terms: tokenizeQuery(item.question),
          bm25: index.lexical.bm25,
          named: new Set(index.lexical.namedSpeakers(item.question)),
        });
        const lexical = (chunkId: string) => {
          const terms = tokenizeQuery(item.question);
          const reference = index.lexical.bm25.referenceScore(terms);
          const position = index.lexical.positionById.get(chunkId) ?? -1;
          return reference > 0
            ? Math.min(retriever.tuning.lexicalCap, index.lexical.bm25.score(terms, position) / reference)
            : 0;
        };
        // The model orders transcript passages only; show notes keep their fused places.
        const candidates = hits
          .filter((hit) => hit.chunk.kind === 'transcript')
          .map((hit) => ({ ...hit, lexical: lexical(hit.chunk.chunkId) }));
        questions.push({
          set: file.replace(/\.jsonl$/u, ''),
          features: rerankFeatures({ question, candidates, index }),
          gold: candidates.map((hit) => matcher.isGold(item, hit.chunk)),
        });
      }
    }
  }
  await embeddings.close();
  return questions;
}

const dot = (weights: readonly number[], row: readonly number[]) =>
  row.reduce((sum, value, k) => sum + value * weights[k]!, 0);

function fitWeights(questions: readonly Question[]): number[] {
  const weights = RERANK_FEATURES.map((feature) => (feature === 'fused' ? 1 : 0));
  const usable = questions.filter((question) => question.gold.some(Boolean));
  for (let step = 0; step < STEPS; step++) {
    const gradient = weights.map(() => 0);
    for (const { features, gold } of usable) {
      const scores = features.map((row) => SCALE * dot(weights, row));
      const top = Math.max(...scores);
      const exps = scores.map((score) => Math.exp(score - top));
      const all = exps.reduce((sum, value) => sum + value, 0);
      const golden = exps.reduce((sum, value, at) => sum + (gold[at] ? value : 0), 0);
      features.forEach((row, at) => {
        const share = exps[at]! / all - (gold[at] ? exps[at]! / golden : 0);
        for (let k = 0; k < row.length; k++) gradient[k]! += SCALE * share * row[k]!;
      });
    }
    for (let k = 0; k < weights.length; k++) {
      weights[k]! -= LEARNING_RATE * (gradient[k]! / usable.length + L2 * weights[k]!);
    }
  }
  return weights;
}

/** R@1 and R@5 of `questions` ranked by `weights` (a question without gold in the pool is a miss). */
function recall(questions: readonly Question[], weights: readonly number[]): { at1: number; at5: number } {
  let at1 = 0;
  let at5 = 0;
  for (const { features, gold } of questions) {
    const order = features
      .map((row, at) => ({ at, score: dot(weights, row) }))
      .sort((left, right) => right.score - left.score || left.at - right.at);
    if (order[0] && gold[order[0].at]) at1 += 1;
    if (order.slice(0, 5).some((entry) => gold[entry.at])) at5 += 1;
  }
  return { at1: at1 / questions.length, at5: at5 / questions.length };
}

const depth = Number(option('--depth') ?? 20);
if (!option('--latent-space') && !option('--practical-ai')) {
  process.stderr.write('Usage: npx tsx bench/fit-reranker.ts --latent-space DIR --practical-ai DIR [--depth 20]\n');
  process.exit(2);
}
if (!Number.isInteger(depth) || depth < 2 || depth > 50) {
  process.stderr.write(`--depth must be an integer from 2 to 50 (got ${option('--depth')}).\n`);
  process.exit(2);
}
const questions = await collect(depth);
const fused = RERANK_FEATURES.map((feature) => (feature === 'fused' ? 1 : 0));
const heldOut = questions.filter((question) => question.set.includes('heldout'));
const sets = [...new Set(questions.map((question) => question.set))];
const fitted = fitWeights(heldOut);
const rows: string[] = [];
const totals = { n: 0, before1: 0, after1: 0, before5: 0, after5: 0 };
for (const set of sets) {
  const mine = questions.filter((question) => question.set === set);
  const isHeldOut = set.includes('heldout');
  const weights = isHeldOut ? fitWeights(heldOut.filter((question) => question.set !== set)) : fitted;
  const before = recall(mine, fused);
  const after = recall(mine, weights);
  if (isHeldOut) {
    totals.n += mine.length;
    totals.before1 += before.at1 * mine.length;
    totals.after1 += after.at1 * mine.length;
    totals.before5 += before.at5 * mine.length;
    totals.after5 += after.at5 * mine.length;
  }
  rows.push(
    `${set} | ${isHeldOut ? 'left out' : 'dev (never fitted)'} | ${mine.length} | ${before.at1.toFixed(2)} → ${after.at1.toFixed(2)} | ${before.at5.toFixed(2)} → ${after.at5.toFixed(2)}`,
  );
}
const mean = (value: number) => (value / totals.n).toFixed(3);
process.stdout.write(
  `set | measured as | questions | R@1 fused → reranked | R@5 fused → reranked\n${rows.join('\n')}\n` +
    `held-out sets, each left out: R@1 ${mean(totals.before1)} → ${mean(totals.after1)}, R@5 ${mean(totals.before5)} → ${mean(totals.after5)} (${totals.n} questions)\n` +
    `RERANK_WEIGHTS fitted on every held-out set:\n${RERANK_FEATURES.map((feature: RerankFeature, k) => `  ${feature}: ${fitted[k]!.toFixed(2)},`).join('\n')}\n`,
);
