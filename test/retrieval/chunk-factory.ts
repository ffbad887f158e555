import { type Chunk, chunkIdOf } from '../../src/domain.js';

/**
 * A transcript chunk with sensible defaults for retrieval tests; times are 30 s per ordinal
 * unless `start` is given (null = untimed).
 */
export function makeChunk(fields: Partial<Chunk> & Pick<Chunk, 'episodeId' | 'ordinal' | 'text'>): Chunk {
  const start = fields.start !== undefined ? fields.start : fields.ordinal * 30;
  const speaker = fields.speaker === undefined ? 'Host' : fields.speaker;
  return {
    chunkId: chunkIdOf(fields.episodeId, fields.ordinal),
    episodeTitle: `Episode ${fields.episodeId}`,
    kind: 'transcript',
    speaker,
    speakers: speaker === null ? [] : [speaker],
    end: start === null ? null : start + 30,
    approximate: false,
    chapter: null,
    anchors: start === null ? [] : [{ offset: 0, seconds: start, approximate: false }],
    ...fields,
    start,
  };
}
