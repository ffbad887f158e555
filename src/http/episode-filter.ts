import { PodciteError } from '../errors.js';
import type { LoadedIndex } from '../store/loaded-index.js';

/**
 * Checks requested episode ids against the index. An empty or absent list means every episode
 * (undefined); an unknown id is a 400 naming it, rather than a silently empty answer.
 */
export function episodeFilter(index: LoadedIndex, episodeIds: readonly string[] | undefined): string[] | undefined {
  if (episodeIds === undefined || episodeIds.length === 0) return undefined;
  const known = new Set(index.manifest.episodes.map((episode) => episode.episodeId));
  const unknown = [...new Set(episodeIds)].filter((episodeId) => !known.has(episodeId));
  if (unknown.length > 0) {
    const listed = unknown
      .slice(0, 5)
      .map((episodeId) => JSON.stringify(episodeId.slice(0, 80)))
      .join(', ');
    throw new PodciteError(
      'bad_request:episode',
      `Unknown episodeIds: ${listed}${unknown.length > 5 ? ' …' : ''}. GET /api/episodes lists the episodes.`,
    );
  }
  return [...new Set(episodeIds)];
}
