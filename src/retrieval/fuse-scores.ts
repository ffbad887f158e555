/**
 * Score fusion for hybrid retrieval. Plain reciprocal-rank fusion treats rank 1 of a weak lexical
 * list like rank 1 of a strong dense list; the weighted fusion here puts both sides on absolute
 * scales first, so a side that matched poorly contributes little.
 */

/** A candidate seen by at least one side. Scores are raw; `undefined` = not in that side's list. */
export interface FusionCandidate {
  id: number;
  /** Raw BM25 score; exact for every candidate (the lexical index can score any document). */
  lexical: number;
  /** Cosine similarity from dense search; undefined when the candidate was outside the dense list. */
  dense: number | undefined;
}

export interface FusionWeights {
  lexical: number;
  dense: number;
}

/**
 * How dense cosines are mapped before weighting. `min-max` spreads the list from its worst (0) to its best (1)
 * cosine; `floor` maps its worst to 0 and a perfect match (cosine 1) to 1, so a list of uniformly weak matches
 * stays weak instead of its best being stretched to 1.
 */
export type DenseNormalisation = 'raw' | 'min-max' | 'floor' | 'z-score';

export interface FuseOptions {
  candidates: readonly FusionCandidate[];
  weights: FusionWeights;
  /**
   * BM25 score of a document that contains every query term once (`Bm25Index.referenceScore`).
   * Lexical scores are divided by it and capped at `lexicalCap`.
   */
  lexicalReference: number;
  /** Upper bound of the normalised lexical score (repeats of a word stop helping). Default 1.5. */
  lexicalCap?: number;
  /** Default `min-max`: relative to the best and worst cosine in the dense list. */
  denseNormalisation?: DenseNormalisation;
}

/**
 * Weighted sum of normalised lexical and dense scores. A candidate missing from the dense list
 * gets the list's lowest cosine (it ranked below all of them, so that is an upper bound).
 * Returns fused scores by candidate id.
 */
export function fuseScores(options: FuseOptions): Map<number, number> {
  const { candidates, weights } = options;
  const cap = options.lexicalCap ?? 1.5;
  const denseValues = candidates.flatMap((candidate) => (candidate.dense === undefined ? [] : [candidate.dense]));
  const denseFloor = denseValues.length > 0 ? Math.min(...denseValues) : 0;
  const normaliseDense = denseNormaliser(denseValues, options.denseNormalisation ?? 'min-max');
  const fused = new Map<number, number>();
  for (const candidate of candidates) {
    const lexical = options.lexicalReference > 0 ? Math.min(cap, candidate.lexical / options.lexicalReference) : 0;
    const dense = normaliseDense(candidate.dense ?? denseFloor);
    fused.set(candidate.id, weights.lexical * lexical + weights.dense * dense);
  }
  return fused;
}

function denseNormaliser(values: readonly number[], method: DenseNormalisation): (value: number) => number {
  if (values.length === 0 || method === 'raw') return (value) => value;
  const minimum = Math.min(...values);
  const maximum = Math.max(...values);
  if (method === 'min-max') {
    const range = maximum - minimum;
    return range > 0 ? (value) => (value - minimum) / range : () => 1;
  }
  if (method === 'floor') {
    const range = 1 - minimum;
    return range > 0 ? (value) => (value - minimum) / range : () => 1;
  }
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const deviation = Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length);
  return deviation > 0 ? (value) => (value - mean) / deviation : () => 0;
}

/**
 * Reciprocal-rank fusion (Cormack et al. 2009): `Σ 1 / (k + rank)` over the lists a candidate is in.
 * Kept as the baseline the weighted fusion is measured against.
 */
export function reciprocalRankFusion(lists: readonly (readonly number[])[], k = 60): Map<number, number> {
  const fused = new Map<number, number>();
  for (const list of lists) {
    list.forEach((id, rank) => {
      fused.set(id, (fused.get(id) ?? 0) + 1 / (k + rank + 1));
    });
  }
  return fused;
}
