import { beforeAll, describe, expect, test } from 'vitest';
import { loadUseLiteModel, USE_LITE_DIMENSION, type UseLiteModel } from '../../src/embeddings/use-lite-model.js';
import { loadUseLiteGraph, type UseLiteGraph } from '../support/use-lite-graph.js';

/** Float error between the two passes measured ~1e-12 below 1; a wrong op moves it by far more. */
const MIN_COSINE = 0.99999;

// Past the 128 tokens the model reads (the graph clips it itself), and long enough for attention's
// slice-by-slice path.
const longPassage = Array.from(
  { length: 12 },
  (_, index) => `In part ${index + 1} the host and her guest compared interest rates, housing and energy prices.`,
).join(' ');

const texts = [
  '',
  'cat',
  'Why?',
  'What did she say about inflation?',
  'Who was the guest on episode 12, and when did they first appear on the show?',
  'Héllo wörld — naïve café; 東京タワー 🎧 Ελληνικά русский',
  '!!!???...,,,;;;',
  '1234567890',
  '¿Dónde está la biblioteca? Qu’est-ce que c’est ?',
  'URL: https://example.com/path?x=1&y=2 — email: someone@example.org',
  'the the the the the the the the the the the the',
  'A small kitten was resting on the rug near the fireplace.',
  'Quarterly GDP growth slowed across the euro area as exports fell and factories cut their hours.',
  'Batteries store renewable energy for the grid. '.repeat(6),
  longPassage,
  longPassage.slice(0, 300),
  'ok',
  'Semiconductor supply chains, elections, courts and privacy: the episode covered all of them in an hour.',
  'dog.',
  'How do electric cars change what cities spend on roads, parking and public transport over ten years?',
];

function vectorAt(vectors: Float32Array, index: number): Float32Array {
  return vectors.subarray(index * USE_LITE_DIMENSION, (index + 1) * USE_LITE_DIMENSION);
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  a.forEach((value, index) => {
    dot += value * b[index]!;
    normA += value * value;
    normB += b[index]! * b[index]!;
  });
  return dot / Math.sqrt(normA * normB);
}

/** The texts whose vector strays from the graph's, with how far; empty when all match. */
function mismatches(vectors: Float32Array, reference: Float32Array): Array<{ text: string; cosine: number }> {
  return texts
    .map((text, index) => ({ text, cosine: cosine(vectorAt(vectors, index), vectorAt(reference, index)) }))
    .filter((result) => !(result.cosine >= MIN_COSINE));
}

describe('Universal Sentence Encoder lite as direct ops', () => {
  let model: UseLiteModel;
  let graph: UseLiteGraph;
  let reference: Float32Array;

  beforeAll(async () => {
    [model, graph] = await Promise.all([loadUseLiteModel(), loadUseLiteGraph()]);
    reference = new Float32Array(texts.length * USE_LITE_DIMENSION);
    for (const [index, text] of texts.entries()) {
      reference.set(await graph.embed([text]), index * USE_LITE_DIMENSION);
    }
  });

  test('gives each text, embedded alone, the vector the TensorFlow graph gives it', async () => {
    const vectors = new Float32Array(texts.length * USE_LITE_DIMENSION);
    for (const [index, text] of texts.entries()) {
      vectors.set(await model.embed([text]), index * USE_LITE_DIMENSION);
    }
    expect(mismatches(vectors, reference)).toStrictEqual([]);
  });

  test.each([4, 32])('gives the same vectors in padded batches of %i texts', async (batchSize) => {
    expect(mismatches(await model.embed(texts, { batchSize }), reference)).toStrictEqual([]);
  });
});
