import type { Chunk, Manifest, SearchHit } from '../../src/domain.js';
import type { PodciteEmbeddings } from '../../src/embeddings/podcite-embeddings.js';
import { buildIndexTables, type IndexTables } from '../../src/tables/index-tables.js';
import { embeddingText } from '../../src/util/chunk-text.js';

/** Brute-force index over chunks, with its tables, for unit tests of retrieval, answerers and HTTP. */
export async function createInMemoryIndex(options: {
  chunks: Chunk[];
  embeddings: PodciteEmbeddings;
  manifest?: Partial<Manifest>;
}): Promise<IndexTables> {
  const { chunks, embeddings } = options;
  const vectors = await embeddings.embedDocuments(chunks.map((chunk) => embeddingText(chunk)));
  const episodeIds = [...new Set(chunks.map((chunk) => chunk.episodeId))];
  const manifest: Manifest = {
    version: 1,
    embedder: embeddings.id,
    dimension: embeddings.dimension,
    createdAt: new Date(0).toISOString(),
    chunkCount: chunks.length,
    efSearch: 64,
    episodes: episodeIds.map((episodeId) => {
      const own = chunks.filter((chunk) => chunk.episodeId === episodeId);
      return {
        episodeId,
        title: own[0]?.episodeTitle ?? episodeId,
        date: null,
        durationSeconds: null,
        url: null,
        timestamps: 'exact' as const,
        chunks: own.length,
        contentHash: episodeId,
        source: 'memory',
        chapters: [],
      };
    }),
    ...options.manifest,
  };
  return buildIndexTables({
    manifest,
    chunks,
    chunkById: new Map(chunks.map((chunk) => [chunk.chunkId, chunk])),
    async denseSearch(vector, { k, episodeIds: filter }): Promise<SearchHit[]> {
      const allowed = filter ? new Set(filter) : undefined;
      const hits: SearchHit[] = [];
      chunks.forEach((chunk, index) => {
        if (allowed && !allowed.has(chunk.episodeId)) return;
        const other = vectors[index]!;
        let dot = 0;
        for (let i = 0; i < vector.length; i++) dot += (vector[i] ?? 0) * (other[i] ?? 0);
        hits.push({ chunk, score: dot });
      });
      return hits.sort((a, b) => b.score - a.score).slice(0, k);
    },
  });
}
