import type { Chunk, Retriever, SearchHit, SearchOptions } from '../domain.js';
import type { PodciteEmbeddings } from '../embeddings/podcite-embeddings.js';
import { PodciteError } from '../errors.js';
import type { LoadedIndex } from '../store/loaded-index.js';
import { embeddingText } from '../util/chunk-text.js';
import { Bm25Index } from './bm25-index.js';
import { detectSpeakerIntent } from './detect-speaker-intent.js';
import { diversifyHits } from './diversify-hits.js';
import { type DenseNormalisation, type FusionCandidate, type FusionWeights, fuseScores } from './fuse-scores.js';
import { tokenize } from './tokenize.js';

/** Which evidence ranks chunks: both (the shipped default) or one side alone (for evaluation). */
export type RetrievalMode = 'hybrid' | 'lexical' | 'dense';

/** Knobs of the hybrid retriever; defaults were chosen on the Latent Space dev set (see `npm run eval`). */
export interface RetrieverTuning {
  weights: FusionWeights;
  denseNormalisation: DenseNormalisation;
  /** Cap on the normalised lexical score (BM25 / score of a document containing each query term once). */
  lexicalCap: number;
  /** How many candidates each side contributes before fusion. */
  candidates: number;
  /** Score multiplier per already-chosen neighbouring chunk (1 = no diversification). */
  neighbourPenalty: number;
  /** Added (in normalised score units) to chunks spoken mainly by a speaker the question names. */
  speakerBoost: number;
}

export const DEFAULT_RETRIEVER_TUNING: RetrieverTuning = {
  weights: { lexical: 0.5, dense: 0.5 },
  denseNormalisation: 'min-max',
  lexicalCap: 1.5,
  candidates: 100,
  neighbourPenalty: 0.85,
  speakerBoost: 0.15,
};

/** The lexical side built once per index; share it between retrievers over the same index. */
export interface ChunkLexicalIndex {
  bm25: Bm25Index;
  /** Position of each chunk in `LoadedIndex.chunks` (= its BM25 document number). */
  positionById: Map<string, number>;
  /** Every speaker named in the index, for matching names in questions. */
  speakers: Set<string>;
}

/** A `Retriever` that also exposes what it was built from, so callers can reuse or inspect it. */
export interface HybridRetriever extends Retriever {
  readonly mode: RetrievalMode;
  readonly lexicalIndex: ChunkLexicalIndex;
  readonly tuning: RetrieverTuning;
}

/** Builds the BM25 index over `embeddingText(chunk)` for every chunk, in index order. */
export function buildChunkLexicalIndex(chunks: readonly Chunk[]): ChunkLexicalIndex {
  const speakers = new Set<string>();
  for (const chunk of chunks) for (const speaker of chunk.speakers) speakers.add(speaker);
  return {
    bm25: Bm25Index.build(chunks.map((chunk) => embeddingText(chunk))),
    positionById: new Map(chunks.map((chunk, position) => [chunk.chunkId, position])),
    speakers,
  };
}

/** Largest `k` a search accepts (the HTTP contract's limit). */
export const MAX_SEARCH_K = 50;

/**
 * Hybrid retriever: BM25 over chunk text plus the index's dense search, fused by weighted
 * normalised scores, nudged towards speakers the question names, then diversified so
 * neighbouring chunks of one turn do not fill the top k. Episode filters apply inside both
 * searches. Building the lexical side costs ~1 s per 2M words unless `lexicalIndex` is given.
 */
export function createRetriever(options: {
  index: LoadedIndex;
  embeddings: PodciteEmbeddings;
  /** Default `hybrid`. */
  mode?: RetrievalMode | undefined;
  /** A lexical index already built for the same `index` (see `buildChunkLexicalIndex`). */
  lexicalIndex?: ChunkLexicalIndex | undefined;
  tuning?: Partial<RetrieverTuning> | undefined;
}): HybridRetriever {
  const { index, embeddings } = options;
  const mode = options.mode ?? 'hybrid';
  const tuning: RetrieverTuning = { ...DEFAULT_RETRIEVER_TUNING, ...options.tuning };
  const lexicalIndex = options.lexicalIndex ?? buildChunkLexicalIndex(index.chunks);
  const { bm25, positionById } = lexicalIndex;
  const chunks = index.chunks;

  async function search(query: string, searchOptions: SearchOptions): Promise<SearchHit[]> {
    const k = searchOptions.k;
    if (!Number.isInteger(k) || k < 1 || k > MAX_SEARCH_K) {
      throw new PodciteError('bad_request:search', `k must be an integer from 1 to ${MAX_SEARCH_K} (got ${k}).`);
    }
    const episodeIds = searchOptions.episodeIds;
    const allowed = episodeIds ? new Set(episodeIds) : undefined;
    const pool = Math.max(tuning.candidates, k * 3);
    const terms = tokenize(query);
    const reference = bm25.referenceScore(terms);

    const lexicalMatches =
      mode === 'dense' || reference === 0
        ? []
        : bm25.search(terms, {
            k: pool,
            accept: allowed ? (document) => allowed.has(chunks[document]!.episodeId) : undefined,
          });
    const denseHits =
      mode === 'lexical'
        ? []
        : await index.denseSearch(await embeddings.embedQuery(query), { k: pool, episodeIds });

    const candidates = new Map<number, FusionCandidate>();
    for (const match of lexicalMatches) {
      candidates.set(match.document, { id: match.document, lexical: match.score, dense: undefined });
    }
    for (const hit of denseHits) {
      const position = positionById.get(hit.chunk.chunkId);
      if (position === undefined) continue;
      if (allowed && !allowed.has(hit.chunk.episodeId)) continue;
      const existing = candidates.get(position);
      if (existing) existing.dense = hit.score;
      else candidates.set(position, { id: position, lexical: bm25.score(terms, position), dense: hit.score });
    }

    const weights: FusionWeights =
      mode === 'lexical' ? { lexical: 1, dense: 0 } : mode === 'dense' ? { lexical: 0, dense: 1 } : tuning.weights;
    const fused = fuseScores({
      candidates: [...candidates.values()],
      weights,
      lexicalReference: reference,
      lexicalCap: tuning.lexicalCap,
      denseNormalisation: tuning.denseNormalisation,
    });

    const named = new Set(detectSpeakerIntent(query, lexicalIndex.speakers));
    const ranked: SearchHit[] = [];
    for (const [position, score] of fused) {
      const chunk = chunks[position]!;
      ranked.push({ chunk, score: score + speakerBonus({ chunk, named, boost: tuning.speakerBoost }) });
    }
    ranked.sort((left, right) => right.score - left.score || compareChunks(left.chunk, right.chunk));
    return diversifyHits(ranked, { k, neighbourPenalty: tuning.neighbourPenalty });
  }

  return { mode, lexicalIndex, tuning, search };
}

function speakerBonus(options: { chunk: Chunk; named: ReadonlySet<string>; boost: number }): number {
  const { chunk, named, boost } = options;
  if (named.size === 0) return 0;
  if (chunk.speaker !== null && named.has(chunk.speaker)) return boost;
  // A named speaker who only chimes in within a grouped chunk is weaker evidence of "what X said".
  if (chunk.speakers.some((speaker) => named.has(speaker))) return boost / 2;
  return 0;
}

function compareChunks(left: Chunk, right: Chunk): number {
  if (left.episodeId !== right.episodeId) return left.episodeId < right.episodeId ? -1 : 1;
  return left.ordinal - right.ordinal;
}
