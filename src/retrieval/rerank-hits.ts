/**
 * Second stage of the hybrid: the fused ranking's best candidates reordered by a linear model over what
 * the fused score does not see — how much of the question the passage and the chunks either side of it
 * say (a turn cut into chunks often names the topic in one and answers in the next), whether its speaker
 * is the one the question names, its length. Weights fitted by `bench/fit-reranker.ts` on our held-out
 * question sets, never the dev sets. Deliberately blind to numbers and names in the passage: the
 * extractive answerer's quote rules check those, and a ranking that prefers them would satisfy the
 * rules for questions the corpus does not answer (measured: 20 fewer abstentions over 227 such questions).
 */
import { type Chunk, chunkIdOf } from '../domain.js';
import type { IndexTables } from '../tables/index-tables.js';
import type { Bm25Index } from './bm25-index.js';

/** How many of the fused ranking's best candidates are reranked. */
export const RERANK_DEPTH = 20;

export const RERANK_FEATURES = [
  /** Fused score relative to the best candidate's. */
  'fused',
  /** BM25 relative to a passage holding every question term once (capped as fusion caps it). */
  'lexical',
  /** Share of the question's IDF weight the passage says. */
  'coverage',
  /** The same over the passage and the chunks either side of it: the answer often follows the words that name the topic. */
  'contextCoverage',
  /** 1 when the passage's speaker is one the question names. */
  'namedSpeaker',
  /** log(1 + terms) / 5: a longer passage says more. */
  'length',
] as const;
export type RerankFeature = (typeof RERANK_FEATURES)[number];

/** Fitted by `npx tsx bench/fit-reranker.ts` (see its header for the data and the cross-validation). */
export const RERANK_WEIGHTS: Readonly<Record<RerankFeature, number>> = {
  fused: 0.92,
  lexical: -0.31,
  coverage: 0.22,
  contextCoverage: 0.84,
  namedSpeaker: 0.24,
  length: 0.29,
};

export interface RerankCandidate {
  chunk: Chunk;
  /** The fused score the first stage ranked by. */
  score: number;
  /** The candidate's BM25 relative to the question's reference score, capped. */
  lexical: number;
}

/** What the features of one question share: its terms with their IDF weights and the speakers it names. */
export interface RerankQuestion {
  question: string;
  /** Distinct query terms with their inverse document frequency. */
  weights: Map<string, number>;
  /** Speakers the question names. */
  named: ReadonlySet<string>;
}

export function rerankQuestion(options: {
  question: string;
  terms: readonly string[];
  bm25: Bm25Index;
  named: ReadonlySet<string>;
}): RerankQuestion {
  const weights = new Map<string, number>();
  for (const term of options.terms) weights.set(term, options.bm25.inverseDocumentFrequency(term));
  return { question: options.question, weights, named: options.named };
}

/**
 * The features of each candidate, in `RERANK_FEATURES` order. Term presence and lengths come from the
 * index's own BM25 postings (documents are `embeddingText` of each chunk), so nothing is tokenized again.
 */
export function rerankFeatures(options: {
  question: RerankQuestion;
  candidates: readonly RerankCandidate[];
  index: Pick<IndexTables, 'chunkById' | 'lexical'>;
}): number[][] {
  const { question, candidates, index } = options;
  const { bm25, positionById } = index.lexical;
  const total = [...question.weights.values()].reduce((sum, weight) => sum + weight, 0);
  const coverage = (documents: readonly number[]) => {
    if (total === 0) return 0;
    let said = 0;
    for (const [term, weight] of question.weights) {
      if (documents.some((document) => bm25.contains(term, document))) said += weight;
    }
    return said / total;
  };
  const positionOf = (episodeId: string, ordinal: number) => {
    const chunk = index.chunkById.get(chunkIdOf(episodeId, ordinal));
    return chunk ? positionById.get(chunk.chunkId) : undefined;
  };
  const best = candidates[0]?.score ?? 0;
  return candidates.map(({ chunk, score, lexical }) => {
    const own = positionById.get(chunk.chunkId) ?? -1;
    const around = [own];
    for (const offset of [-1, 1]) {
      const neighbour = positionOf(chunk.episodeId, chunk.ordinal + offset);
      if (neighbour !== undefined) around.push(neighbour);
    }
    const values: Record<RerankFeature, number> = {
      fused: best > 0 ? score / best : 0,
      lexical,
      coverage: coverage([own]),
      contextCoverage: coverage(around),
      namedSpeaker: chunk.speaker !== null && question.named.has(chunk.speaker) ? 1 : 0,
      length: Math.log(1 + bm25.documentLength(own)) / 5,
    };
    return RERANK_FEATURES.map((feature) => values[feature]);
  });
}

/**
 * The candidates with their transcript passages reordered by the model; show notes and other kinds keep
 * their places (the model was fitted on transcript passages: the Practical AI sets have nothing else).
 * Scores stay on the fused scale, position by position, so the list is still best first.
 */
export function rerankHits<T extends RerankCandidate>(options: {
  question: RerankQuestion;
  candidates: readonly T[];
  index: Pick<IndexTables, 'chunkById' | 'lexical'>;
  weights?: Readonly<Record<RerankFeature, number>> | undefined;
}): T[] {
  const weights = options.weights ?? RERANK_WEIGHTS;
  const { candidates } = options;
  const slots = candidates.flatMap((candidate, position) => (candidate.chunk.kind === 'transcript' ? [position] : []));
  const passages = slots.map((position) => candidates[position]!);
  const features = rerankFeatures({ ...options, candidates: passages });
  const order = passages
    .map((candidate, at) => ({
      candidate,
      at,
      score: RERANK_FEATURES.reduce((sum, feature, k) => sum + weights[feature] * features[at]![k]!, 0),
    }))
    .sort((left, right) => right.score - left.score || left.at - right.at);
  const reordered = [...candidates];
  slots.forEach((position, at) => {
    reordered[position] = order[at]!.candidate;
  });
  return reordered.map((candidate, position) => ({ ...candidate, score: candidates[position]!.score }));
}
