import type { SearchHit } from '../domain.js';

export interface DiversifyOptions {
  k: number;
  /**
   * Multiplier applied to a candidate's score for each already-chosen chunk it neighbours
   * (same episode, ordinal within `window`). 1 disables diversification. Default 0.85.
   */
  neighbourPenalty?: number;
  /** How many ordinals away still counts as neighbouring. Default 1. */
  window?: number;
}

/**
 * Greedy re-selection of the top k so one long turn, cut into consecutive chunks, does not fill
 * the whole list: each pick discounts the chunks next to it. Input must be sorted best first;
 * output scores are the discounted ones, still best first.
 */
export function diversifyHits(hits: readonly SearchHit[], options: DiversifyOptions): SearchHit[] {
  const penalty = options.neighbourPenalty ?? 0.85;
  const window = options.window ?? 1;
  if (penalty >= 1) return hits.slice(0, options.k);
  const remaining = hits.map((hit) => ({ hit, score: hit.score }));
  const chosen: SearchHit[] = [];
  while (chosen.length < options.k && remaining.length > 0) {
    let bestIndex = 0;
    for (let index = 1; index < remaining.length; index++) {
      if (remaining[index]!.score > remaining[bestIndex]!.score) bestIndex = index;
    }
    const [best] = remaining.splice(bestIndex, 1);
    if (!best) break;
    chosen.push({ chunk: best.hit.chunk, score: best.score });
    for (const candidate of remaining) {
      const sameEpisode = candidate.hit.chunk.episodeId === best.hit.chunk.episodeId;
      if (sameEpisode && Math.abs(candidate.hit.chunk.ordinal - best.hit.chunk.ordinal) <= window) {
        // Subtracting a share of the magnitude discounts negative scores too (a plain product would raise them).
        candidate.score -= (1 - penalty) * Math.abs(candidate.score);
      }
    }
  }
  return chosen;
}
