import { PodciteEmbeddings } from '../../src/embeddings/podcite-embeddings.js';

/**
 * Deterministic fake embedder for unit tests: a bag of lower-cased words hashed into a fixed
 * number of buckets, L2-normalised. Texts sharing words have positive cosine similarity.
 */
export class HashingEmbeddings extends PodciteEmbeddings {
  readonly id: string;
  readonly dimension: number;
  calls = 0;

  constructor(options: { dimension?: number; id?: string } = {}) {
    super({});
    this.dimension = options.dimension ?? 64;
    this.id = options.id ?? `test:hashing-${this.dimension}`;
  }

  async embedDocuments(documents: string[]): Promise<number[][]> {
    this.calls += 1;
    return documents.map((document) => this.vector(document));
  }

  async embedQuery(document: string): Promise<number[]> {
    return this.vector(document);
  }

  private vector(text: string): number[] {
    const vector = new Array<number>(this.dimension).fill(0);
    for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
      let hash = 2166136261;
      for (let index = 0; index < word.length; index++) hash = Math.imul(hash ^ word.charCodeAt(index), 16777619);
      const bucket = (hash >>> 0) % this.dimension;
      vector[bucket] = (vector[bucket] ?? 0) + 1;
    }
    const norm = Math.hypot(...vector) || 1;
    return vector.map((value) => value / norm);
  }
}
