/**
 * `npx tsx bench/search-cpu.ts INDEX_DIR [--questions N]`: CPU per hybrid search on a loaded
 * index, in-process (no HTTP), split into its parts — question embedding, dense search, BM25 top-k,
 * the whole-episode match — and the whole `search`. The questions are the catalogue bench's (distinct
 * 6–14 word spans of the index's own chunks), so numbers compare with its `/api/search` runs. Use it
 * while iterating on the retriever; the catalogue bench is the measurement of record.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { StaticEmbeddings } from '../src/embeddings/static-embeddings.js';
import { createRetriever, declarative } from '../src/retrieval/create-retriever.js';
import { tokenizeQuery } from '../src/retrieval/tokenize.js';
import { loadIndex } from '../src/store/load-index.js';
import { openLocalIndexStore } from '../src/store/local-index-store.js';
import { buildIndexTables } from '../src/tables/index-tables.js';
import { percentile } from './bench-util.js';
import { distinctQuestions } from './load-bench.js';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const dir = args.find((arg) => !arg.startsWith('--'));
  if (!dir) throw new Error('usage: npx tsx bench/search-cpu.ts INDEX_DIR [--questions N]');
  const option = (name: string) => {
    const at = args.indexOf(name);
    return at >= 0 ? Number(args[at + 1]) : undefined;
  };
  const count = option('--questions') ?? 1000;
  const embeddings = new StaticEmbeddings();
  let started = performance.now();
  const loaded = await loadIndex({ store: openLocalIndexStore({ dir }), embeddings });
  console.log(`loaded ${loaded.chunks.length} chunks in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  started = performance.now();
  const index = buildIndexTables(loaded);
  const lexical = index.lexical;
  console.log(`lexical index in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const retriever = createRetriever({ index, embeddings });
  const questions = await distinctQuestions(dir, count);
  // Warm-up: JIT, the tokenizer's caches.
  for (const question of questions.slice(0, 100)) await retriever.search(question, { k: 10 });

  const parts = {
    embed: [] as number[],
    'dense ef 200': [] as number[],
    'dense ef 100': [] as number[],
    bm25: [] as number[],
    'bm25 exhaustive': [] as number[],
    episodes: [] as number[],
  };
  let differing = 0;
  const minimums: Record<string, number[]> = {};
  const whole: number[] = [];
  for (const question of questions) {
    let time = performance.now();
    const vector = await embeddings.embedQuery(declarative(question));
    parts.embed.push(performance.now() - time);
    time = performance.now();
    await index.denseSearch(vector, { k: 100, ef: 200 });
    parts['dense ef 200'].push(performance.now() - time);
    time = performance.now();
    await index.denseSearch(vector, { k: 100, ef: 100 });
    parts['dense ef 100'].push(performance.now() - time);
    const terms = tokenizeQuery(question);
    time = performance.now();
    const pruned = lexical.bm25.search(terms, { k: 100 });
    parts.bm25.push(performance.now() - time);
    time = performance.now();
    const exhaustive = lexical.bm25.searchExhaustive(terms, { k: 100 });
    parts['bm25 exhaustive'].push(performance.now() - time);
    // The two again, best of three: on a shared machine the minimum is the steadier comparison.
    for (const [name, run] of [
      ['bm25 (min of 3)', () => lexical.bm25.search(terms, { k: 100 })],
      ['exhaustive (min of 3)', () => lexical.bm25.searchExhaustive(terms, { k: 100 })],
    ] as const) {
      let fastest = Number.POSITIVE_INFINITY;
      for (let repeat = 0; repeat < 3; repeat++) {
        const begin = performance.now();
        run();
        fastest = Math.min(fastest, performance.now() - begin);
      }
      minimums[name] = [...(minimums[name] ?? []), fastest];
    }
    if (
      JSON.stringify(pruned.map((match) => match.document)) !==
      JSON.stringify(exhaustive.map((match) => match.document))
    )
      differing++;
    time = performance.now();
    lexical.episodes.scoreAll(terms);
    parts.episodes.push(performance.now() - time);
    time = performance.now();
    await retriever.search(question, { k: 10 });
    whole.push(performance.now() - time);
  }
  const row = (name: string, values: number[]) => {
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    console.log(
      `${name.padEnd(10)} mean ${mean.toFixed(3)} ms  p50 ${percentile(values, 50).toFixed(3)}  p95 ${percentile(values, 95).toFixed(3)}  p99 ${percentile(values, 99).toFixed(3)}`,
    );
  };
  console.log(
    `${questions.length} distinct questions, load average ${loadavg()
      .map((value) => value.toFixed(1))
      .join(' ')}`,
  );
  for (const [name, values] of Object.entries(parts)) row(name, values);
  row('search', whole);
  for (const [name, values] of Object.entries(minimums)) row(name, values);
  console.log(`BM25 top 100 differing from exhaustive scoring: ${differing} of ${questions.length}`);
}

await main();
