/**
 * Metric arithmetic for the evaluation harness, kept free of I/O so it can be checked on toy runs.
 * Ranks are 1-based; `null` means no relevant result was retrieved (within the cut-off used).
 */

/** Share of questions whose first relevant result is at rank ≤ k. 0 for an empty run. */
export function recallAt(ranks: readonly (number | null)[], k: number): number {
  if (ranks.length === 0) return 0;
  return ranks.filter((rank) => rank !== null && rank <= k).length / ranks.length;
}

/** Mean reciprocal rank, counting ranks beyond `cutoff` as 0. 0 for an empty run. */
export function meanReciprocalRank(ranks: readonly (number | null)[], cutoff = 10): number {
  if (ranks.length === 0) return 0;
  const total = ranks.reduce<number>((sum, rank) => sum + (rank !== null && rank <= cutoff ? 1 / rank : 0), 0);
  return total / ranks.length;
}

/** Nearest-rank percentile (p in 0..100) of the values; null when there are none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((left, right) => left - right);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** Share of `true` values; null when there are none (the metric does not apply). */
export function share(values: readonly boolean[]): number | null {
  if (values.length === 0) return null;
  return values.filter(Boolean).length / values.length;
}

/** Mean of the values; null when there are none. */
export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** 1-based rank of the first relevant item among the first `cutoff`, or null. */
export function firstRelevantRank(relevance: readonly boolean[], cutoff = 10): number | null {
  const position = relevance.slice(0, cutoff).indexOf(true);
  return position < 0 ? null : position + 1;
}
