/**
 * The `stores` section (`npm run bench -- stores [--corpus practical-ai] [--index DIR]`): the same
 * searches against the local folder and, when DATABASE_URL is set, PostgreSQL holding the same corpus
 * — the store's own lexical and dense search (query vectors made beforehand), and the server's hybrid
 * retrieval over each (embedding included). p50/p95 in milliseconds; never asserted.
 */
import { loadConfig } from '../src/config.js';
import { createEmbeddings } from '../src/embeddings/create-embeddings.js';
import { createRetriever } from '../src/retrieval/create-retriever.js';
import type { IndexStore } from '../src/store/index-store.js';
import { loadIndex } from '../src/store/load-index.js';
import { openLocalIndexStore } from '../src/store/local-index-store.js';
import { buildIndexTables } from '../src/tables/index-tables.js';
import { percentile, printTable } from './bench-util.js';
import type { CorpusName } from './ingest-bench.js';
import { loadQuestions } from './query-bench.js';

async function timeEach(
  questions: readonly string[],
  rounds: number,
  run: (question: string, index: number) => Promise<unknown>,
) {
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const [index, question] of questions.entries()) {
      const started = performance.now();
      await run(question, index);
      times.push(performance.now() - started);
    }
  }
  return { p50: percentile(times, 50).toFixed(1), p95: percentile(times, 95).toFixed(1) };
}

export async function runStoreBench(options: { indexDir: string; corpus: CorpusName; rounds: number }): Promise<void> {
  const config = loadConfig();
  const questions = await loadQuestions(options.corpus);
  const embeddings = createEmbeddings(config, { queryCacheSize: 0 });
  const stores: { name: string; store: IndexStore }[] = [
    { name: 'local', store: openLocalIndexStore({ dir: options.indexDir }) },
  ];
  if (config.databaseUrl) {
    const { openPostgresIndexStore } = await import('../src/store/postgres/postgres-index-store.js');
    stores.push({ name: 'postgres', store: await openPostgresIndexStore({ url: config.databaseUrl }) });
  } else {
    console.log('(DATABASE_URL is not set: the local store only)');
  }
  try {
    const vectors = await Promise.all(questions.map((question) => embeddings.embedQuery(question)));
    const rows: Array<Record<string, string | number>> = [];
    for (const { name, store } of stores) {
      const index = buildIndexTables(await loadIndex({ store, embeddings }));
      const oneEpisode = [index.manifest.episodes[0]!.episodeId];
      const retriever = createRetriever({ index, embeddings });
      // One warm-up pass each (the local store builds its BM25 table on the first lexical search).
      await store.lexicalSearch(questions[0]!, { k: 10 });
      await store.denseSearch(vectors[0]!, { k: 10 });
      await retriever.search(questions[0]!, { k: 8 });
      const measured = {
        lexical: await timeEach(questions, options.rounds, (question) => store.lexicalSearch(question, { k: 100 })),
        dense: await timeEach(questions, options.rounds, (_, at) =>
          store.denseSearch(vectors[at]!, { k: 100, ef: 100 }),
        ),
        'dense 1 ep': await timeEach(questions, options.rounds, (_, at) =>
          store.denseSearch(vectors[at]!, { k: 10, episodeIds: oneEpisode }),
        ),
        hybrid: await timeEach(questions, options.rounds, (question) => retriever.search(question, { k: 8 })),
      };
      const row: Record<string, string | number> = { store: name, chunks: index.manifest.chunkCount };
      for (const [label, { p50, p95 }] of Object.entries(measured)) row[`${label} p50/p95`] = `${p50}/${p95}`;
      rows.push(row);
    }
    console.log(
      `\n## stores: ${questions.length} questions × ${options.rounds} rounds, ms (store search k 100; hybrid k 8 with embedding)\n`,
    );
    printTable(rows);
  } finally {
    for (const { store } of stores) await store.close();
    await embeddings.close();
  }
}
