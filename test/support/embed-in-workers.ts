/**
 * Child process for `test/embeddings/universal-sentence-encoder.test.ts`: proves the embedding
 * worker starts under plain `tsx` (as `npm run ingest` runs it), not only under vitest.
 * Prints the worker-computed vectors of its arguments as JSON on stdout.
 */
import { UniversalSentenceEncoderEmbeddings } from '../../src/embeddings/universal-sentence-encoder.js';

const embeddings = new UniversalSentenceEncoderEmbeddings({ workers: 1 });
try {
  const vectors = await embeddings.embedDocuments(process.argv.slice(2));
  process.stdout.write(JSON.stringify(vectors));
} finally {
  await embeddings.close();
}
