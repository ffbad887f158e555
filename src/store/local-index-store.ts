/**
 * The index kept in a local folder: `manifest.json`, `chunks.jsonl` and LangChain HNSWLib's files
 * (hnswlib-node). The only module that knows that layout (with the reader, writer and directory
 * helpers beside it); everything else sees an `IndexStore`.
 */
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Document } from '@langchain/core/documents';
import type { HNSWLib } from '@langchain/community/vectorstores/hnswlib';
import { type Chunk, chunkIdOf, type Episode, MANIFEST_VERSION, type Manifest } from '../domain.js';
import { PodciteError } from '../errors.js';
import { Bm25Index } from '../retrieval/bm25-index.js';
import { tokenize, tokenizeQuery } from '../retrieval/tokenize.js';
import { embeddingText } from '../util/chunk-text.js';
import { checkEmbedder } from './check-embedder.js';
import { wrapDenseIndex } from './dense-store.js';
import { acquireIngestLock, isReplaceable, MANIFEST_FILE, repairIndexDirectory } from './index-directory.js';
import type {
  DenseSearchOptions,
  IndexChange,
  IndexManifest,
  IndexStore,
  LexicalMatch,
  LexicalSearchOptions,
  ScoredChunkId,
  WriteLock,
} from './index-store.js';
import { type IndexFiles, REBUILD_HINT, readIndexFiles, readManifestFile } from './read-index-files.js';
import { rewriteManifest } from './rewrite-manifest.js';
import { type SwapStep, writeIndexFiles } from './write-index-files.js';

/**
 * HNSW search breadth written to new manifests. With USE lite and a graph built at efConstruction 200,
 * ef 100 gave recall@10 0.916 on the Practical AI index (35,819 chunks, 75 real questions; 0.6 ms) and
 * the same fused rankings as ef 200. Graphs are now built at efConstruction 64 (three times faster, see
 * `dense-store.ts`), which a wider search makes up for: on Practical AI with the static embedder, dense-only
 * R@1/R@5/MRR@10 on the dev set were 0.13/0.23/0.19 (efConstruction 200, ef 100), 0.10/0.16/0.14
 * (64, ef 100) and 0.13/0.23/0.18 (64, ef 200); the hybrid was the same in all three (0.48/0.65/0.57).
 * The retriever asks for 100 dense candidates (hnswlib searches with max(ef, k)).
 */
export const EF_SEARCH = 200;

/** The index as read from the folder, with the lookups searches need. */
interface Snapshot extends IndexFiles {
  chunkById: Map<string, Chunk>;
  /** HNSW label (= line of chunks.jsonl) of each chunk. */
  labelById: Map<string, number>;
  dense: HNSWLib;
  /** Built on the first `lexicalSearch` only: the server ranks with its own tables. */
  lexical?: Bm25Index | undefined;
}

/**
 * Opens the index in the folder `dir` (nothing is read until asked). Reads a swap that was cut short
 * from `<dir>.previous` without changing anything on disk; the next write repairs it.
 */
export function openLocalIndexStore(options: {
  dir: string;
  /** Test hook awaited at each step of a write's folder swap; lets a test kill the process there. */
  onSwapStep?: ((step: SwapStep) => Promise<void> | void) | undefined;
}): IndexStore {
  const dir = path.resolve(options.dir);
  let snapshot: Promise<Snapshot | undefined> | undefined;

  const read = (): Promise<Snapshot | undefined> => {
    snapshot ??= readSnapshot(dir);
    // A failed read is not remembered: the next call tries again (an ingest may have been mid-swap).
    snapshot.catch(() => {
      snapshot = undefined;
    });
    return snapshot;
  };

  const store: IndexStore = {
    location: dir,

    async manifest() {
      const current = await read();
      return current ? summaryOf(current.manifest) : undefined;
    },

    async listEpisodes() {
      return [...((await read())?.manifest.episodes ?? [])];
    },

    async listShows() {
      // From the manifest alone: the library is wanted even when the vectors are another embedder's.
      return [...((await readManifestFile(dir))?.shows ?? [])];
    },

    async *scanChunks() {
      const current = await read();
      if (current) yield* current.chunks;
    },

    async chunksById(ids) {
      const current = await read();
      const found = new Map<string, Chunk>();
      for (const id of ids) {
        const chunk = current?.chunkById.get(id);
        if (chunk) found.set(id, chunk);
      }
      return found;
    },

    async neighbours(chunkId, span) {
      const current = await read();
      const chunk = current?.chunkById.get(chunkId);
      if (!current || !chunk) return [];
      const around: Chunk[] = [];
      for (let ordinal = chunk.ordinal - span; ordinal <= chunk.ordinal + span; ordinal++) {
        const neighbour = current.chunkById.get(chunkIdOf(chunk.episodeId, ordinal));
        if (neighbour) around.push(neighbour);
      }
      return around;
    },

    async lexicalSearch(query: string, searchOptions: LexicalSearchOptions): Promise<LexicalMatch[]> {
      const current = await read();
      if (!current || searchOptions.k <= 0) return [];
      current.lexical ??= Bm25Index.fromTerms(current.chunks.map((chunk) => tokenize(embeddingText(chunk))));
      const byEpisode = acceptEpisodes(current, searchOptions.episodeIds);
      if (byEpisode === 'none' || searchOptions.chunkIds?.length === 0) return [];
      const only = searchOptions.chunkIds ? new Set(searchOptions.chunkIds) : undefined;
      const accept = only
        ? (document: number) => only.has(current.chunks[document]!.chunkId) && (byEpisode?.(document) ?? true)
        : byEpisode;
      const terms = tokenizeQuery(query);
      const reference = current.lexical.referenceScore(terms);
      return current.lexical.search(terms, { k: searchOptions.k, accept }).map((match) => ({
        chunkId: current.chunks[match.document]!.chunkId,
        score: match.score,
        relevance: reference > 0 ? match.score / reference : 0,
      }));
    },

    async denseSearch(vector: ArrayLike<number>, searchOptions: DenseSearchOptions): Promise<ScoredChunkId[]> {
      const current = await read();
      if (!current) return [];
      const { manifest, hnsw, chunkById } = current;
      if (vector.length !== manifest.dimension) {
        throw new PodciteError(
          'index:embedder_mismatch',
          `A ${vector.length}-dimensional query cannot search an index of ${manifest.dimension}-dimensional vectors. ${REBUILD_HINT}`,
        );
      }
      const limit = Math.min(searchOptions.k, current.chunks.length);
      if (limit <= 0) return [];
      const allowed = searchOptions.episodeIds ? new Set(searchOptions.episodeIds) : undefined;
      if (allowed?.size === 0) return [];
      // Set per search: callers may trade dense recall for speed (hnswlib searches at max(ef, k)).
      hnsw.setEf(searchOptions.ef ?? manifest.efSearch);
      // hnswlib applies the filter while it walks the graph, so a filtered query still fills k results.
      const filter = allowed
        ? (document: Document) => allowed.has(chunkById.get(document.pageContent)?.episodeId ?? '')
        : undefined;
      const query = Array.isArray(vector) ? (vector as number[]) : Array.from(vector);
      const results = await current.dense.similaritySearchVectorWithScore(query, limit, filter);
      // hnswlib reports cosine distance; callers want similarity.
      return results.map(([document, distance]) => ({ chunkId: document.pageContent, score: 1 - distance }));
    },

    async readVectors(ids) {
      const current = await read();
      const vectors = new Map<string, Float32Array>();
      for (const id of ids) {
        const label = current?.labelById.get(id);
        if (current && label !== undefined) vectors.set(id, Float32Array.from(current.hnsw.getPoint(label)));
      }
      return vectors;
    },

    async lockForWriting(): Promise<WriteLock> {
      await mkdir(path.dirname(dir), { recursive: true });
      const release = await acquireIngestLock(dir);
      try {
        await repairIndexDirectory(dir);
        // Checked before any embedding work, not only at the swap: a wrong INDEX_DIR should fail fast.
        if (!(await isReplaceable(dir))) {
          throw new PodciteError(
            'config',
            `${dir} holds files that are not part of a podcite index; refusing to replace it. Point INDEX_DIR at an empty or new folder.`,
          );
        }
      } catch (error) {
        await release();
        throw error;
      }
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          await release();
        },
      };
    },

    async write(change: IndexChange) {
      const existing = change.replaceAll ? undefined : await read();
      if (existing) checkEmbedder(existing.manifest, change.embedder, dir);
      const put = change.put ?? [];
      const remove = change.remove ?? [];
      if (existing && put.length === 0 && remove.length === 0 && existing.manifest.efSearch === EF_SEARCH) {
        // Only the library's bookkeeping moved (a refresh that found nothing new): the manifest alone is replaced.
        if (change.shows) await rewriteManifest({ dir, manifest: { ...existing.manifest, shows: [...change.shows] } });
        snapshot = undefined;
        return;
      }

      const episodes: Episode[] = [];
      const chunks: Chunk[] = [];
      const vectors: ArrayLike<number>[] = [];
      for (const record of put) {
        if (record.vectors.length !== record.chunks.length) {
          throw new PodciteError(
            'internal:store',
            `Episode ${record.episode.episodeId} has ${record.chunks.length} chunks but ${record.vectors.length} vectors.`,
          );
        }
        for (const vector of record.vectors) {
          if (vector.length !== change.embedder.dimension) {
            throw new PodciteError(
              'internal:store',
              `A ${vector.length}-dimensional vector cannot join an index of ${change.embedder.dimension}-dimensional ones.`,
            );
          }
        }
        episodes.push(record.episode);
        chunks.push(...record.chunks);
        vectors.push(...record.vectors);
      }
      if (existing) {
        // The episodes already stored keep their order (and their vectors) after the ones written now.
        const replaced = new Set([...put.map((record) => record.episode.episodeId), ...remove]);
        for (const episode of existing.manifest.episodes) {
          if (!replaced.has(episode.episodeId)) episodes.push(episode);
        }
        existing.chunks.forEach((chunk, label) => {
          if (replaced.has(chunk.episodeId)) return;
          chunks.push(chunk);
          vectors.push(existing.hnsw.getPoint(label));
        });
      }
      const shows = change.shows ?? existing?.manifest.shows ?? [];
      const manifest: Manifest = {
        version: MANIFEST_VERSION,
        embedder: change.embedder.id,
        dimension: change.embedder.dimension,
        createdAt: new Date().toISOString(),
        episodes,
        chunkCount: chunks.length,
        efSearch: EF_SEARCH,
        ...(shows.length > 0 ? { shows: [...shows] } : {}),
      };
      snapshot = undefined;
      await writeIndexFiles({ dir, manifest, chunks, vectors, onSwapStep: options.onSwapStep });
    },

    async version() {
      // An ingest swaps the whole folder, so the manifest's inode, time and size change with every write.
      try {
        const info = await stat(path.join(dir, MANIFEST_FILE));
        return `${info.ino}:${info.mtimeMs}:${info.size}`;
      } catch {
        return undefined;
      }
    },

    async reopen() {
      // Read first, then switch: searches keep using the index read before until the new one is whole.
      const next = readSnapshot(dir);
      await next;
      snapshot = next;
    },

    async close() {
      snapshot = undefined;
    },
  };
  return store;
}

async function readSnapshot(dir: string): Promise<Snapshot | undefined> {
  const files = await readIndexFiles(dir);
  if (!files) return undefined;
  const { chunks, manifest, hnsw } = files;
  const chunkById = new Map(chunks.map((chunk) => [chunk.chunkId, chunk]));
  const labelById = new Map(chunks.map((chunk, label) => [chunk.chunkId, label]));
  // LangChain's HNSWLib over the graph read; its docstore answers label → chunk id from `chunks`.
  const dense = wrapDenseIndex({
    dimension: manifest.dimension,
    index: hnsw,
    chunkIds: (label) => chunks[label]?.chunkId,
  });
  return { ...files, chunkById, labelById, dense };
}

function summaryOf(manifest: Manifest): IndexManifest {
  return {
    embedder: manifest.embedder,
    dimension: manifest.dimension,
    chunkCount: manifest.chunkCount,
    episodeCount: manifest.episodes.length,
    efSearch: manifest.efSearch,
    createdAt: manifest.createdAt,
    stale: manifest.efSearch !== EF_SEARCH,
  };
}

/** BM25's document filter for an episode filter: undefined = all, 'none' = an empty filter. */
function acceptEpisodes(
  snapshot: Snapshot,
  episodeIds: readonly string[] | undefined,
): ((document: number) => boolean) | undefined | 'none' {
  if (!episodeIds) return undefined;
  if (episodeIds.length === 0) return 'none';
  const allowed = new Set(episodeIds);
  return (document) => allowed.has(snapshot.chunks[document]!.episodeId);
}

export type { SwapStep };
