import { type Chunk, MANIFEST_VERSION, type Manifest, type SearchHit } from '../domain.js';
import type { PodciteEmbeddings } from '../embeddings/podcite-embeddings.js';
import { PodciteError } from '../errors.js';
import { checkEmbedder } from './check-embedder.js';
import type { IndexStore } from './index-store.js';
import type { LoadedIndex } from './loaded-index.js';

/**
 * Reads the index in `store` into memory for querying by `embeddings`: the manifest, every chunk (what
 * the server's tables are built from) and dense search, which stays in the store.
 * @throws PodciteError `index:missing` (nothing ingested yet), `index:embedder_mismatch` (built by
 * another embedder: vectors are incomparable), `index:corrupt` (unreadable or inconsistent).
 */
export async function loadIndex(options: { store: IndexStore; embeddings: PodciteEmbeddings }): Promise<LoadedIndex> {
  const { store, embeddings } = options;
  const summary = await store.manifest();
  if (!summary) {
    throw new PodciteError(
      'index:missing',
      `No index at ${store.location}. Run \`npm run ingest\` to index the sample corpus, or \`npm run ingest -- PATH\` for your own files.`,
    );
  }
  checkEmbedder(summary, embeddings, store.location);
  const [episodes, shows] = await Promise.all([store.listEpisodes(), store.listShows()]);
  const chunks: Chunk[] = [];
  for await (const chunk of store.scanChunks()) chunks.push(chunk);
  if (chunks.length !== summary.chunkCount) {
    throw new PodciteError(
      'index:corrupt',
      `The index at ${store.location} changed while it was read (${summary.chunkCount} chunks listed, ${chunks.length} read); try again.`,
    );
  }
  const manifest: Manifest = {
    version: MANIFEST_VERSION,
    embedder: summary.embedder,
    dimension: summary.dimension,
    createdAt: summary.createdAt,
    episodes,
    chunkCount: summary.chunkCount,
    efSearch: summary.efSearch,
    ...(shows.length > 0 ? { shows } : {}),
  };
  const chunkById = new Map(chunks.map((chunk) => [chunk.chunkId, chunk]));
  const known = (matches: ReadonlyArray<{ chunkId: string; score: number }>): SearchHit[] => {
    const hits: SearchHit[] = [];
    for (const { chunkId, score } of matches) {
      // A chunk this snapshot does not hold (the store moved on to a newer index) is left out.
      const chunk = chunkById.get(chunkId);
      if (chunk) hits.push({ chunk, score });
    }
    return hits;
  };

  return {
    manifest,
    chunks,
    chunkById,
    ...(store.lexicalInStore
      ? {
          async lexicalSearch(
            query: string,
            options: { k: number; episodeIds?: string[] | undefined; chunkIds?: string[] | undefined },
          ) {
            const matches = await store.lexicalSearch(query, options);
            return known(matches.map((match) => ({ chunkId: match.chunkId, score: match.relevance })));
          },
        }
      : {}),
    async denseSearch(vector, { k, episodeIds, ef }): Promise<SearchHit[]> {
      return known(await store.denseSearch(vector, { k, episodeIds, ef }));
    },
  };
}
