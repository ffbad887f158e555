import type { SearchHit, SearchResult } from '../domain.js';
import { formatTimestamp } from '../util/time-label.js';

/** A retrieval hit as POST /api/search returns it (contract `results[]`). */
export function toSearchResult(hit: SearchHit): SearchResult {
  const { chunk } = hit;
  return {
    chunkId: chunk.chunkId,
    episodeId: chunk.episodeId,
    episodeTitle: chunk.episodeTitle,
    speaker: chunk.speaker,
    start: chunk.start,
    end: chunk.end,
    timestampLabel: chunk.start === null ? null : formatTimestamp(chunk.start),
    approximate: chunk.approximate,
    text: chunk.text,
    score: hit.score,
    kind: chunk.kind,
  };
}
