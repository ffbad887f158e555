import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { createUseLiteEncoder } from '../../src/embeddings/use-lite-encoder.js';
import type { UseLiteFiles } from '../../src/embeddings/use-lite-files.js';
import { USE_LITE_DIMENSION } from '../../src/embeddings/use-lite-model.js';

/** Single-token rows per model call: one-token rows are cheap, so large batches are fine. */
const BATCH = 250;

/**
 * Universal Sentence Encoder lite's sentence vector of every vocabulary piece on its own (the row `[id]`),
 * `vocabulary.length × 512` floats: the Model2Vec starting point, where a token's static vector is what
 * the model makes of it alone. Runs USE lite's direct forward pass on tfjs-wasm in this thread.
 */
export async function tokenVectors(files: UseLiteFiles): Promise<Float32Array> {
  await tf.setBackend('wasm');
  await tf.ready();
  const encoder = createUseLiteEncoder({ modelJson: files.modelJson, weightData: files.weightData });
  const count = files.vocabulary.length;
  const vectors = new Float32Array(count * USE_LITE_DIMENSION);
  for (let start = 0; start < count; start += BATCH) {
    const rows = Array.from({ length: Math.min(BATCH, count - start) }, (_, offset) => [start + offset]);
    vectors.set(await encoder.encode(rows), start * USE_LITE_DIMENSION);
  }
  return vectors;
}
