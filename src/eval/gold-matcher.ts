import { type Chunk, chunkIdOf } from '../domain.js';
import type { LoadedIndex } from '../store/loaded-index.js';
import { parseClock } from '../util/time-label.js';
import { normalizeForMatch } from './normalize-for-match.js';
import type { QaItem } from './qa-set.js';
import { chunkContainsQuote } from './quote-matching.js';

/**
 * Decides whether a retrieved or cited chunk is gold evidence for a question: it must come from
 * the evidence's episode (title → episodeId through the manifest) and contain the quote, allowing
 * for chunk boundaries (see `chunkContainsQuote`).
 */
export interface GoldMatcher {
  isGold(item: QaItem, chunk: Chunk): boolean;
  /** Evidence titles that name no episode in the index (reported so a typo does not pass silently). */
  unknownTitles(items: readonly QaItem[]): string[];
}

export function createGoldMatcher(index: LoadedIndex): GoldMatcher {
  const episodeIdByTitle = new Map<string, string>();
  for (const episode of index.manifest.episodes) {
    episodeIdByTitle.set(normalizeForMatch(episode.title), episode.episodeId);
    // Sets written against episode ids (or file stems) resolve too.
    episodeIdByTitle.set(normalizeForMatch(episode.episodeId), episode.episodeId);
  }
  const byPosition = new Map<string, Chunk>();
  for (const chunk of index.chunks) byPosition.set(chunkIdOf(chunk.episodeId, chunk.ordinal), chunk);
  const resolve = (title: string) => episodeIdByTitle.get(normalizeForMatch(title));

  return {
    isGold(item, chunk) {
      return item.evidence.some((evidence) => {
        if (resolve(evidence.episode) !== chunk.episodeId) return false;
        return chunkContainsQuote({
          quote: evidence.quote,
          chunk,
          previous: byPosition.get(chunkIdOf(chunk.episodeId, chunk.ordinal - 1)),
          next: byPosition.get(chunkIdOf(chunk.episodeId, chunk.ordinal + 1)),
        });
      });
    },
    unknownTitles(items) {
      const unknown = new Set<string>();
      for (const item of items)
        for (const evidence of item.evidence) if (!resolve(evidence.episode)) unknown.add(evidence.episode);
      return [...unknown];
    },
  };
}

/** Gold times (seconds) of a question's evidence that carries a timestamp. */
export function goldTimes(item: QaItem): number[] {
  return item.evidence.flatMap((evidence) => {
    const seconds = evidence.timestamp ? parseClock(evidence.timestamp) : null;
    return seconds === null ? [] : [seconds];
  });
}
