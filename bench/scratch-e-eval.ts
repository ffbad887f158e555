import { createExtractiveAnswerer } from '../src/answer/extractive-answerer.js';
import { loadConfig } from '../src/config.js';
import { createEmbeddings } from '../src/embeddings/create-embeddings.js';
import { loadQaSet } from '../src/eval/qa-set.js';
import { runEval } from '../src/eval/run-eval.js';
import { loadIndex } from '../src/store/load-index.js';
const config = loadConfig();
const items = await loadQaSet('../shared/eval-dev.jsonl');
const embeddings = createEmbeddings(config);
const index = await loadIndex({ dir: '/tmp/podcite-e-index', embeddings });
const thresholds = (process.argv[2] ?? '0,0.19,0.323').split(',').map(Number);
const report = await runEval({ items, index, embeddings, modes: ['hybrid'], answerers: thresholds.map((t) => ({ name: `t=${t}`, create: (retriever) => createExtractiveAnswerer({ retriever, index, abstainBelow: t }) })) });
console.log('retrieval', JSON.stringify({ ...report.retrieval[0], perQuestion: undefined }));
for (const a of report.answers) {
  console.log(a.name, JSON.stringify({ ...a, perQuestion: undefined }));
}
if (process.argv[3]) for (const q of report.answers[0]!.perQuestion) console.log(q.id, q.kind, q.answerable, q.keywordRecall?.toFixed(2), `${q.goldCitations}/${q.citations}`, q.citedStart, q.answer.slice(0, 160));
await embeddings.close();
