/**
 * Universal Sentence Encoder lite's forward pass, written as direct tfjs ops.
 *
 * The model ships as a 317-node TensorFlow graph, and tfjs-converter's executor adds bookkeeping to every
 * node it walks. The same computation as 83 eager ops (plus 63 free reshapes) saves ~3–4 ms a call
 * (measured single calls: a 1-word question 13.2 → 2.6 ms, 5 words 11.5 → 6.4 ms); the arithmetic itself,
 * ~0.37 ms a token on tfjs-wasm, is the same either way, so long texts and big batches gain little.
 * It was read off `model.json`'s `modelTopology`:
 *
 * 1. Token ids → 256-d embeddings; each token gets `embedding + (embedding + timing)`, where timing is
 *    `[sin(p·f), cos(p·f)]` of its position `p` over 128 frequencies `f` (Layer_0/AddTimingSignal).
 * 2. Two pre-norm transformer layers (KonaTransformer Layer_0, Layer_1), each:
 *    `y = x' + Attention(LayerNorm(x))`, then `y + FFN(LayerNorm(y))`, with 4 heads, padded keys masked
 *    by a −1e9 bias and FFN `relu(y·W1 + b1)·W2 + b2`. Layer_0 widens 256 → 512: its attention output is
 *    512-wide and its residual `x'` is `x·W + b` (AdjustResidualInput); Layer_1's residual is `x` itself.
 * 3. Mean over the text's tokens, then `tanh(mean·W + b)`, L2-normalised.
 *
 * Weights and constants (head count, scales, epsilons, the 128-token bound) come from the same file.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { UseLiteModelJson } from './use-lite-files.js';

/** Turns token ids into sentence vectors. */
export interface UseLiteEncoder {
  /**
   * Embeds each row of SentencePiece token ids (at least one per row) into a 512-d L2-normalised vector,
   * returned back to back in row order. Rows are read up to their first 128 tokens, as the graph reads them
   * (measured: a 716-token text and its first 128 tokens give the same vector). Rows of different lengths
   * are padded and masked, so a row's vector does not depend on the rest of its batch (to float error).
   */
  encode(rows: number[][]): Promise<Float32Array>;
}

const HUB_MODULE = 'module_apply_default/Encoder_en';
const ENCODE = `${HUB_MODULE}/KonaTransformer/Encode`;
const STACK = `${ENCODE}/TransformerStack`;
const VARIABLES = 'module/Encoder_en';

interface Dense {
  kernel: tf.Tensor2D;
  bias: tf.Tensor1D;
}

interface LayerNorm {
  scale: tf.Tensor1D;
  bias: tf.Tensor1D;
}

interface TransformerLayer {
  attentionNorm: LayerNorm;
  /**
   * The graph's one query-key-value projection, cut into its three thirds. Splitting its output per call
   * instead is slow on tfjs-wasm, whose Slice copies its whole input each time (measured 24 ms for 8 texts).
   */
  queries: Dense;
  keys: Dense;
  values: Dense;
  /** Multiplies the queries before the dot products (1/√head width). */
  queryScale: tf.Scalar;
  attentionOutput: Dense;
  /** Projects the layer's input to the output width when the two differ (Layer_0 only). */
  residual: Dense | undefined;
  feedForwardNorm: LayerNorm;
  feedForwardIn: Dense;
  feedForwardOut: Dense;
}

interface EncoderWeights {
  embeddings: tf.Tensor2D;
  /** `[maxTokens, 256]`: the timing signal of every position the model reads. */
  timingSignal: tf.Tensor2D;
  layers: TransformerLayer[];
  heads: number;
  layerNormEpsilon: tf.Scalar;
  /** Added to attention scores of padded keys; −1e9 makes their softmax weight exactly 0. */
  paddingBias: number;
  hidden: Dense;
  normEpsilon: tf.Scalar;
  maxTokens: number;
}

/**
 * The batch as a `[batch, length]` grid, shorter rows padded with token 0. Padding runs through every
 * position-wise op and is kept out only of attention (as keys) and pooling: the graph instead gathers real
 * tokens out for its feed-forward step, but a row gather on tfjs-wasm costs about as much as the matMul
 * it would save (measured 2 ms for 130 rows of 512).
 */
interface PaddedBatch {
  batch: number;
  length: number;
  ids: tf.Tensor1D;
  /** `[batch, 1, 1, length]` score bias for padded keys; undefined when no row is padded. */
  keyBias: tf.Tensor4D | undefined;
  /** `[batch, length, 1]`: 1 for a real token, 0 for padding. */
  tokenMask: tf.Tensor3D;
  /** `[batch, 1]`: real tokens per row. */
  tokenCounts: tf.Tensor2D;
}

/**
 * Builds the encoder from `model.json`'s weight manifest and the concatenated shards. The weights are
 * decoded once into the current tfjs backend (wasm in podcite), so the backend must be set first.
 */
export function createUseLiteEncoder(options: {
  modelJson: UseLiteModelJson;
  weightData: ArrayBuffer;
}): UseLiteEncoder {
  const specs = options.modelJson.weightsManifest.flatMap((group) => group.weights);
  const weights = readEncoderWeights(tf.io.decodeWeights(options.weightData, specs));
  return {
    async encode(rows) {
      const output = tf.tidy(() => forwardPass(weights, rows));
      try {
        return (await output.data()) as Float32Array;
      } finally {
        output.dispose();
      }
    },
  };
}

function forwardPass(weights: EncoderWeights, rows: number[][]): tf.Tensor2D {
  const padded = padRows(
    rows.map((row) => row.slice(0, weights.maxTokens)),
    weights.paddingBias,
  );
  let hidden = embedTokens(weights, padded);
  for (const layer of weights.layers) hidden = transformerLayer({ weights, layer, padded, input: hidden });
  const pooled = meanOverTokens(hidden, padded);
  return l2Normalize(tf.tanh(dense(pooled, weights.hidden)), weights.normEpsilon);
}

function padRows(rows: number[][], paddingBias: number): PaddedBatch {
  const batch = rows.length;
  const length = Math.max(...rows.map((row) => row.length));
  if (rows.some((row) => row.length === 0)) throw new Error('Every row needs at least one token.');
  const ids = new Int32Array(batch * length);
  const bias = new Float32Array(batch * length);
  const mask = new Float32Array(batch * length);
  rows.forEach((row, rowIndex) => {
    ids.set(row, rowIndex * length);
    mask.fill(1, rowIndex * length, rowIndex * length + row.length);
    bias.fill(paddingBias, rowIndex * length + row.length, (rowIndex + 1) * length);
  });
  const isPadded = rows.some((row) => row.length < length);
  return {
    batch,
    length,
    ids: tf.tensor1d(ids, 'int32'),
    keyBias: isPadded ? tf.tensor4d(bias, [batch, 1, 1, length]) : undefined,
    tokenMask: tf.tensor3d(mask, [batch, length, 1]),
    tokenCounts: tf.tensor2d(
      rows.map((row) => row.length),
      [batch, 1],
    ),
  };
}

/** `[batch × length, 256]`: each token's embedding plus its position's timing signal, as the graph adds them. */
function embedTokens(weights: EncoderWeights, padded: PaddedBatch): tf.Tensor2D {
  const width = weights.embeddings.shape[1];
  const embedded = tf.reshape(tf.gather(weights.embeddings, padded.ids), [padded.batch, padded.length, width]);
  const timing = tf.slice(weights.timingSignal, [0, 0], [padded.length, width]);
  // The graph adds the embedding twice: once with the timing signal (AddTimingSignal/add) and once
  // more as the stack's input (Layer_0/add).
  const withTiming = tf.add(embedded, tf.add(embedded, timing));
  return tf.reshape(withTiming, [padded.batch * padded.length, width]);
}

function transformerLayer(options: {
  weights: EncoderWeights;
  layer: TransformerLayer;
  padded: PaddedBatch;
  input: tf.Tensor2D;
}): tf.Tensor2D {
  const { weights, layer, padded, input } = options;
  const normalised = layerNorm(input, layer.attentionNorm, weights.layerNormEpsilon);
  const attended = selfAttention({ layer, padded, heads: weights.heads, input: normalised });
  const residual = layer.residual ? dense(input, layer.residual) : input;
  const afterAttention = tf.add<tf.Tensor2D>(attended, residual);
  const feedForwardInput = layerNorm(afterAttention, layer.feedForwardNorm, weights.layerNormEpsilon);
  const expanded = dense(feedForwardInput, layer.feedForwardIn, 'relu');
  return tf.add<tf.Tensor2D>(dense(expanded, layer.feedForwardOut), afterAttention);
}

function selfAttention(options: {
  layer: TransformerLayer;
  padded: PaddedBatch;
  heads: number;
  input: tf.Tensor2D;
}): tf.Tensor2D {
  const { layer, padded, heads, input } = options;
  const { batch, length } = padded;
  const width = layer.queries.kernel.shape[1];
  const headWidth = width / heads;
  const queries = splitHeads(dense(input, layer.queries), { padded, heads });
  const keys = splitHeads(dense(input, layer.keys), { padded, heads });
  const values = splitHeads(dense(input, layer.values), { padded, heads });
  const scores = tf.matMul(tf.mul<tf.Tensor3D>(queries, layer.queryScale), keys, false, true);
  const maskedScores: tf.Tensor = padded.keyBias
    ? tf.add(tf.reshape(scores, [batch, heads, length, length]), padded.keyBias)
    : scores;
  const attention = tf.reshape<tf.Rank.R3>(tf.softmax(maskedScores), [batch * heads, length, length]);
  const context = tf.reshape(tf.matMul(attention, values), [batch, heads, length, headWidth]);
  const combined = tf.reshape<tf.Rank.R2>(tf.transpose(context, [0, 2, 1, 3]), [batch * length, width]);
  return dense(combined, layer.attentionOutput);
}

/** `[batch·length, width]` → `[batch·heads, length, width / heads]`. */
function splitHeads(projected: tf.Tensor2D, options: { padded: PaddedBatch; heads: number }): tf.Tensor3D {
  const { padded, heads } = options;
  const headWidth = projected.shape[1] / heads;
  const perPosition = tf.reshape(projected, [padded.batch, padded.length, heads, headWidth]);
  return tf.reshape(tf.transpose(perPosition, [0, 2, 1, 3]), [padded.batch * heads, padded.length, headWidth]);
}

/** Layer norm in the graph's order of operations: `scale · rsqrt(var + ε) · (x − mean) + bias`. */
function layerNorm(input: tf.Tensor2D, norm: LayerNorm, epsilon: tf.Scalar): tf.Tensor2D {
  const mean = tf.mean(input, -1, true);
  const centred = tf.sub(input, mean);
  const variance = tf.mean(tf.square(centred), -1, true);
  const inverseDeviation = tf.rsqrt(tf.add(variance, epsilon));
  return tf.add<tf.Tensor2D>(tf.mul(tf.mul(norm.scale, inverseDeviation), centred), norm.bias);
}

function dense(input: tf.Tensor2D, weights: Dense, activation: 'linear' | 'relu' = 'linear'): tf.Tensor2D {
  return tf.fused.matMul({ a: input, b: weights.kernel, bias: weights.bias, activation }) as tf.Tensor2D;
}

/** `[batch, width]`: the average of each row's real tokens; padding is masked out. */
function meanOverTokens(hidden: tf.Tensor2D, padded: PaddedBatch): tf.Tensor2D {
  const perRow = tf.reshape(hidden, [padded.batch, padded.length, hidden.shape[1]]);
  return tf.div<tf.Tensor2D>(tf.sum(tf.mul(perRow, padded.tokenMask), 1), padded.tokenCounts);
}

function l2Normalize(vectors: tf.Tensor2D, epsilon: tf.Scalar): tf.Tensor2D {
  const squaredNorm = tf.maximum(tf.sum(tf.square(vectors), 1, true), epsilon);
  return tf.mul(vectors, tf.rsqrt(squaredNorm));
}

/**
 * Picks the encoder's tensors out of the decoded weight map by their graph names, then frees the map: it also
 * holds the graph's shape constants, which the direct pass has no use for. Every tensor kept is a clone or
 * reshape, sharing the decoded data, so freeing the map's own handles frees only what is unused.
 */
function readEncoderWeights(map: tf.NamedTensorMap): EncoderWeights {
  function stored(name: string): tf.Tensor {
    const found = map[name];
    if (!found) throw new Error(`model.json has no weight named ${name}.`);
    return found;
  }
  function scalarValue(name: string): number {
    return stored(name).dataSync()[0]!;
  }
  function scalar(name: string): tf.Scalar {
    return tf.clone(stored(name)) as tf.Scalar;
  }
  function vector(name: string): tf.Tensor1D {
    return tf.clone(stored(name)) as tf.Tensor1D;
  }
  function matrix(name: string): tf.Tensor2D {
    const found = stored(name);
    // Some kernels are stored as 1×1 convolutions, [1, 1, in, out].
    return tf.reshape(found, found.shape.slice(-2) as [number, number]);
  }
  function layerWeights(index: number): TransformerLayer {
    const variables = `${ENCODE}/Layer_${index}/TransformerLayer`;
    const kernels = `${VARIABLES}/KonaTransformer/Encode/Layer_${index}/TransformerLayer`;
    const applied = `${STACK}/Layer_${index}/TransformerLayer`;
    const norm = (prefix: string): LayerNorm => ({
      scale: vector(`${prefix}/layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat`),
      bias: vector(`${prefix}/layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat`),
    });
    const attention = (transform: string): Dense => ({
      kernel: matrix(`${kernels}/MultiheadAttention/${transform}/kernel/part_0`),
      bias: vector(`${variables}/MultiheadAttention/${transform}/bias/ConcatPartitions/concat`),
    });
    const convolution = (name: string): Dense => ({
      kernel: matrix(`${applied}/FFN/${name}/Tensordot/Reshape_1`),
      bias: vector(`${variables}/FFN/${name}/bias/ConcatPartitions/concat`),
    });
    const residualKernel = `${variables}/dense/kernel/ConcatPartitions/concat`;
    return {
      attentionNorm: norm(variables),
      ...splitQueryKeyValue(() => attention('qkv_transform_single')),
      queryScale: scalar(`${applied}/MultiheadAttention/mul/y`),
      attentionOutput: attention('output_transform_single'),
      residual:
        residualKernel in map
          ? { kernel: matrix(residualKernel), bias: vector(`${variables}/dense/bias/ConcatPartitions/concat`) }
          : undefined,
      feedForwardNorm: norm(`${variables}/FFN`),
      feedForwardIn: convolution('conv1'),
      feedForwardOut: convolution('conv2'),
    };
  }

  // The graph's two layers share these constants; their nodes live under Layer_1.
  const sharedAttention = `${STACK}/Layer_1/TransformerLayer/MultiheadAttention`;
  const maxTokens = scalarValue(`${HUB_MODULE}/KonaTransformer/ClipToMaxLength/Less/y`);
  const weights: EncoderWeights = {
    embeddings: tf.clone(stored('module/Embeddings_en')) as tf.Tensor2D,
    timingSignal: timingSignal(maxTokens, stored(`${STACK}/Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1`)),
    layers: [layerWeights(0), layerWeights(1)],
    heads: scalarValue(`${sharedAttention}/split_heads/split_last_dimension/Reshape/shape/2`),
    layerNormEpsilon: scalar(`${STACK}/Layer_1/TransformerLayer/FFN/layer_prepostprocess/layer_norm/Cast/x`),
    paddingBias: scalarValue(`${sharedAttention}/DotProductAttention/attention_bias_ignore_padding/mul/y`),
    hidden: {
      kernel: matrix(`${VARIABLES}/hidden_layers/tanh_layer_0/weights`),
      bias: vector(`${VARIABLES}/hidden_layers/tanh_layer_0/bias`),
    },
    normEpsilon: scalar(`${HUB_MODULE}/hidden_layers/l2_normalize/Maximum/y`),
    maxTokens,
  };
  tf.dispose(Object.values(map));
  return weights;
}

/** Cuts the graph's one query-key-value projection into three; the combined copy is freed. */
function splitQueryKeyValue(read: () => Dense): Pick<TransformerLayer, 'queries' | 'keys' | 'values'> {
  const [queryKernel, keyKernel, valueKernel, queryBias, keyBias, valueBias] = tf.tidy(() => {
    const { kernel, bias } = read();
    return [...tf.split(kernel, 3, 1), ...tf.split(bias, 3)];
  }) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
  return {
    queries: { kernel: queryKernel, bias: queryBias },
    keys: { kernel: keyKernel, bias: keyBias },
    values: { kernel: valueKernel, bias: valueBias },
  };
}

/** `[positions, 2 × frequencies]`: `[sin(p·f), cos(p·f)]` for p = 0 … positions − 1, as AddTimingSignal computes it. */
function timingSignal(positions: number, inverseTimescales: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const angles = tf.mul(tf.reshape(tf.range(0, positions, 1, 'float32'), [positions, 1]), inverseTimescales);
    return tf.concat([tf.sin(angles), tf.cos(angles)], 1) as tf.Tensor2D;
  });
}
