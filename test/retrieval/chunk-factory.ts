import type { Chunk } from '../../src/domain.js';

/** A transcript chunk with sensible defaults for retrieval tests; times are 30 s per ordinal. */
export function makeChunk(fields: Partial<Chunk> & Pick<Chunk, 'episodeId' | 'ordinal' | 'text'>): Chunk {
  const start = fields.start ?? fields.ordinal * 30;
  const speaker = fields.speaker === undefined ? 'Host' : fields.speaker;
  return {
    chunkId: `${fields.episodeId}#${fields.ordinal}`,
    episodeTitle: `Episode ${fields.episodeId}`,
    kind: 'transcript',
    speaker,
    speakers: speaker === null ? [] : [speaker],
    end: start + 30,
    approximate: false,
    chapter: null,
    anchors: [{ offset: 0, seconds: start, approximate: false }],
    ...fields,
    start,
  };
}
