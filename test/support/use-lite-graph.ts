/**
 * Universal Sentence Encoder lite run the way it was exported: tfjs-converter's graph executor over the
 * TensorFlow graph in `model.json`. Production runs the same computation as direct tfjs ops
 * (`src/embeddings/use-lite-encoder.ts`); tests hold it to this reference.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import * as converter from '@tensorflow/tfjs-converter';
import { Tokenizer } from '@tensorflow-models/universal-sentence-encoder/dist/tokenizer/index.js';
import { readUseLiteFiles } from '../../src/embeddings/use-lite-files.js';

/** The reference model: embeds a batch of texts in one graph call. */
export interface UseLiteGraph {
  /** Returns `texts.length × 512` floats, one L2-normalised vector per text, in input order. */
  embed(texts: string[]): Promise<Float32Array>;
}

/**
 * Loads the graph on tfjs' wasm backend. Texts go in whole: the graph clips each to its first
 * 128 tokens itself, so a comparison also checks the direct pass's clipping.
 */
export async function loadUseLiteGraph(): Promise<UseLiteGraph> {
  await tf.setBackend('wasm');
  await tf.ready();
  const { modelJson, weightData, vocabulary } = await readUseLiteFiles();
  const graph = await converter.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology as object,
      weightSpecs: modelJson.weightsManifest.flatMap((group) => group.weights),
      weightData,
    }),
  );
  const tokenizer = new Tokenizer(vocabulary);

  return {
    async embed(texts) {
      const indices: number[] = [];
      const values: number[] = [];
      texts.forEach((text, row) => {
        const tokens = tokenizer.encode(text);
        // As in production: an empty row would vanish from the sparse input, so it reads as the unknown piece.
        const rowTokens = tokens.length > 0 ? tokens : [0];
        rowTokens.forEach((token, column) => {
          indices.push(row, column);
          values.push(token);
        });
      });
      const indicesTensor = tf.tensor2d(indices, [values.length, 2], 'int32');
      const valuesTensor = tf.tensor1d(values, 'int32');
      // executeAsync, not execute: the graph's `Where` ops have data-dependent output shapes.
      const output = (await graph.executeAsync({ indices: indicesTensor, values: valuesTensor })) as tf.Tensor;
      indicesTensor.dispose();
      valuesTensor.dispose();
      try {
        return (await output.data()) as Float32Array;
      } finally {
        output.dispose();
      }
    },
  };
}
