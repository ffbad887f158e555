/**
 * `npx tsx bench/abstention-dense-study.ts --fit A.jsonl:INDEX,… --check B.jsonl:INDEX,…`: whether the
 * best dense score, measured against the index's own null level, adds to the evidence support as an
 * abstention signal. Per question: support (as the answerer computes it), the best cosine of the question
 * against any chunk, and whether coverage already abstains. Per index: the null level, the median best
 * cosine of the corpus's own transcript questions (sentences ending in "?", 6+ words, up to 200 taken
 * evenly) searched outside their episode. Fits `support + w · (dense − null) < t` on the --fit sets
 * pooled (most abstention with at most 5% false abstention) and reports the --check sets at that fit.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { coverageEvidence, DEFAULT_TOP_K, questionSupport, quotableHits } from '../src/answer/extractive-answerer.js';
import { loadConfig } from '../src/config.js';
import { createEmbeddings } from '../src/embeddings/create-embeddings.js';
import { loadQaSet } from '../src/eval/qa-set.js';
import { createRetriever } from '../src/retrieval/create-retriever.js';
import { loadIndex } from '../src/store/load-index.js';
import { openLocalIndexStore } from '../src/store/local-index-store.js';
import { buildIndexTables, type IndexTables } from '../src/tables/index-tables.js';
import { splitSentences } from '../src/util/split-sentences.js';

interface Sample {
  set: string;
  answerable: boolean;
  uncovered: boolean;
  support: number;
  /** Best dense cosine minus the index's null level. */
  dense: number;
}

const PROBES = 200;

async function nullLevel(index: IndexTables, embed: (text: string) => Promise<number[]>): Promise<number> {
  const questions: Array<{ text: string; episodeId: string }> = [];
  for (const chunk of index.chunks) {
    if (chunk.kind !== 'transcript') continue;
    for (const sentence of splitSentences(chunk)) {
      const text = chunk.text.slice(sentence.start, sentence.end).trim();
      if (text.endsWith('?') && text.split(/\s+/u).length >= 6) questions.push({ text, episodeId: chunk.episodeId });
    }
  }
  const step = Math.max(1, Math.floor(questions.length / PROBES));
  const episodeIds = index.manifest.episodes.map((episode) => episode.episodeId);
  const best: number[] = [];
  for (let position = 0; position < questions.length && best.length < PROBES; position += step) {
    const probe = questions[position]!;
    const others = episodeIds.filter((id) => id !== probe.episodeId);
    const hits = await index.denseSearch(await embed(probe.text), { k: 1, episodeIds: others, ef: 100 });
    if (hits[0]) best.push(hits[0].score);
  }
  best.sort((a, b) => a - b);
  return best[Math.floor(best.length / 2)] ?? 0;
}

/** Samples of every `SET:INDEX` spec, keyed by spec; each index is loaded (and its null level measured) once. */
async function samplesFor(specs: string[]): Promise<Map<string, Sample[]>> {
  const config = loadConfig();
  const embeddings = createEmbeddings(config);
  const samples = new Map<string, Sample[]>();
  try {
    const byIndex = new Map<string, string[]>();
    for (const spec of specs) {
      const dir = spec.slice(spec.indexOf(':') + 1);
      byIndex.set(dir, [...(byIndex.get(dir) ?? []), spec]);
    }
    for (const [dir, setSpecs] of byIndex) {
      const index = buildIndexTables(
        await loadIndex({ store: openLocalIndexStore({ dir: path.resolve(dir) }), embeddings }),
      );
      const retriever = createRetriever({ index, embeddings });
      const embed = (text: string) => embeddings.embedQuery(text);
      const level = await nullLevel(index, embed);
      console.log(`${dir}: null level ${level.toFixed(3)}`);
      for (const spec of setSpecs) {
        const set = spec.slice(0, spec.indexOf(':'));
        const setSamples: Sample[] = [];
        samples.set(spec, setSamples);
        for (const item of await loadQaSet(set)) {
          const hits = quotableHits(await retriever.search(item.question, { k: 2 * DEFAULT_TOP_K }));
          const support = questionSupport({ question: item.question, hits, index });
          const { unmentioned, mostlyUnseen } = coverageEvidence({ question: item.question, index });
          const top = await index.denseSearch(await embed(item.question), { k: 1, ef: 100 });
          setSamples.push({
            set: path.basename(set, '.jsonl'),
            answerable: item.kind !== 'unanswerable',
            uncovered: unmentioned.length > 0 || mostlyUnseen,
            support,
            dense: (top[0]?.score ?? 0) - level,
          });
        }
      }
    }
  } finally {
    await embeddings.close();
  }
  return samples;
}

/** The threshold with the most abstention on `samples` at ≤ 5% false abstention, for `weight`. */
function bestThreshold(samples: Sample[], weight: number) {
  let top = { weight, threshold: 0, abstention: -1, falseAbstention: 0 };
  for (let threshold = -0.6; threshold <= 0.8; threshold += 0.01) {
    const r = rates(samples, weight, threshold);
    if (r.falseAbstention <= 0.05 && r.abstention > top.abstention) top = { weight, threshold, ...r };
  }
  return top;
}

function rates(samples: Sample[], weight: number, threshold: number) {
  const abstains = (s: Sample) => s.uncovered || s.support + weight * s.dense < threshold;
  const negatives = samples.filter((s) => !s.answerable);
  const positives = samples.filter((s) => s.answerable);
  return {
    abstention: negatives.filter(abstains).length / Math.max(1, negatives.length),
    falseAbstention: positives.filter(abstains).length / Math.max(1, positives.length),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { fit: { type: 'string' }, check: { type: 'string' } } });
  const fitSpecs = (values.fit ?? '').split(',').filter(Boolean);
  const checkSpecs = (values.check ?? '').split(',').filter(Boolean);
  const all = await samplesFor([...new Set([...fitSpecs, ...checkSpecs])]);
  const fit = fitSpecs.flatMap((spec) => all.get(spec) ?? []);
  const check = checkSpecs.flatMap((spec) => all.get(spec) ?? []);
  const perWeight = [0, 0.5, 1, 2, 3, 4, 6].map((weight) => bestThreshold(fit, weight));
  const best = perWeight.reduce((left, right) => (right.abstention > left.abstention ? right : left));
  const show = (label: string, samples: Sample[], weight: number, threshold: number) => {
    const r = rates(samples, weight, threshold);
    const n = samples.filter((s) => !s.answerable).length;
    console.log(
      `  ${label.padEnd(28)} abstention ${r.abstention.toFixed(2)} (${n} unanswerable)  false ${r.falseAbstention.toFixed(2)} (${samples.length - n} answerable)`,
    );
  };
  console.log('per weight, the threshold with most fit-set abstention at ≤ 5% false (fit | check pooled):');
  for (const top of perWeight) {
    const c = rates(check, top.weight, top.threshold);
    console.log(
      `  w ${top.weight}: t ${top.threshold.toFixed(2)}  ${top.abstention.toFixed(2)} / ${top.falseAbstention.toFixed(2)} | ${c.abstention.toFixed(2)} / ${c.falseAbstention.toFixed(2)}`,
    );
  }
  console.log(`fit: w ${best.weight}, t ${best.threshold.toFixed(2)}`);
  for (const [label, w, t] of [
    ['shipped (support < 0.10)', 0, 0.1],
    [`fitted (w ${best.weight}, t ${best.threshold.toFixed(2)})`, best.weight, best.threshold],
  ] as const) {
    console.log(label);
    show('fit sets pooled', fit, w, t);
    for (const set of new Set(check.map((s) => s.set)))
      show(
        set,
        check.filter((s) => s.set === set),
        w,
        t,
      );
    show('check sets pooled', check, w, t);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
