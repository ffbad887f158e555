import { PodciteError } from '../errors.js';
import type { LoadedIndex } from './loaded-index.js';

/**
 * Checks requested episode ids against the index. An empty or absent list means every episode
 * (undefined); an unknown id is an error naming it (a 400 over HTTP), rather than a silently empty
 * answer. `whereListed` tells the caller's user where the ids are (default: the HTTP endpoint).
 */
export function episodeFilter(
  index: LoadedIndex,
  episodeIds: readonly string[] | undefined,
  whereListed = 'GET /api/episodes lists the episodes.',
): string[] | undefined {
  if (episodeIds === undefined || episodeIds.length === 0) return undefined;
  const known = new Set(index.manifest.episodes.map((episode) => episode.episodeId));
  const unique = [...new Set(episodeIds)];
  const unknown = unique.filter((episodeId) => !known.has(episodeId));
  if (unknown.length > 0) {
    const listed = unknown
      .slice(0, 5)
      .map((episodeId) => JSON.stringify(episodeId.slice(0, 80)))
      .join(', ');
    throw new PodciteError(
      'bad_request:episode',
      `Unknown episodeIds: ${listed}${unknown.length > 5 ? ' …' : ''}. ${whereListed}`,
    );
  }
  return unique;
}
