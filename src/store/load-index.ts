import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { HNSWLib } from '@langchain/community/vectorstores/hnswlib';
import { z } from 'zod';
import { type Chunk, chunkSchema, type Manifest, manifestSchema, type SearchHit } from '../domain.js';
import type { PodciteEmbeddings } from '../embeddings/podcite-embeddings.js';
import { PodciteError } from '../errors.js';
import { classifyChunkText } from '../util/classify-chunk.js';
import { CHUNKS_FILE, MANIFEST_FILE, readableIndexDirectory } from './index-directory.js';
import type { LoadedIndex } from './loaded-index.js';

const chunksSchema = z.array(chunkSchema);

const REBUILD_HINT = 'Re-ingest with `npm run ingest -- --rebuild`.';

/**
 * Opens the index in `dir` for querying by `embeddings`. Reads a swap that was cut short from
 * `<dir>.previous` without changing anything on disk (the next ingest repairs it).
 * @throws PodciteError `index:missing` (nothing ingested yet), `index:embedder_mismatch` (built by
 * another embedder: vectors are incomparable), `index:corrupt` (unreadable or inconsistent files).
 */
/** The raw pieces of an index on disk, checked for consistency; the ingest reads stored vectors from `store`. */
export interface IndexFiles {
  /** The folder actually read: `dir`, or `<dir>.previous` after a cut-short swap. */
  source: string;
  manifest: Manifest;
  /** In HNSW label order: `chunks[i]` has label `i`. */
  chunks: Chunk[];
  store: HNSWLib;
}

/**
 * Reads and checks the index in `dir` (or `<dir>.previous`, see `readableIndexDirectory`) for use with `embeddings`.
 * @throws PodciteError `index:missing`, `index:embedder_mismatch`, `index:corrupt` as `loadIndex`.
 */
export async function readIndexFiles(options: { dir: string; embeddings: PodciteEmbeddings }): Promise<IndexFiles> {
  const { dir, embeddings } = options;
  const source = await readableIndexDirectory(dir);
  if (!source) {
    throw new PodciteError(
      'index:missing',
      `No index at ${dir}. Run \`npm run ingest\` to index the sample corpus, or \`npm run ingest -- PATH\` for your own files.`,
    );
  }

  const manifest = parseFile(manifestSchema, await readText(source, MANIFEST_FILE), source, MANIFEST_FILE);
  if (manifest.embedder !== embeddings.id) {
    throw new PodciteError(
      'index:embedder_mismatch',
      `The index at ${dir} was built with the embedder "${manifest.embedder}", but the current embedder is "${embeddings.id}"; their vectors cannot be compared. ${REBUILD_HINT} Or set EMBEDDINGS back to the embedder the index was built with.`,
    );
  }
  // 0 means an OpenAI-protocol model whose width is not known until its first response.
  if (embeddings.dimension !== 0 && embeddings.dimension !== manifest.dimension) {
    throw new PodciteError(
      'index:embedder_mismatch',
      `The index at ${dir} holds ${manifest.dimension}-dimensional vectors, but "${embeddings.id}" makes ${embeddings.dimension}-dimensional ones. ${REBUILD_HINT}`,
    );
  }
  const chunks = parseFile(chunksSchema, await readText(source, CHUNKS_FILE), source, CHUNKS_FILE);
  // Indexes written before chapter lists and promos had kinds of their own stored them as show notes.
  for (const chunk of chunks) {
    if (chunk.kind === 'shownotes') chunk.kind = classifyChunkText({ text: chunk.text, source: 'shownotes' });
  }

  let store: HNSWLib;
  try {
    store = await HNSWLib.load(source, embeddings);
  } catch (error) {
    throw corrupt(source, `the HNSW files could not be read (${errorMessage(error)})`, error);
  }
  const count = store.index.getCurrentCount();
  if (chunks.length !== manifest.chunkCount || count !== chunks.length) {
    throw corrupt(
      source,
      `the manifest counts ${manifest.chunkCount} chunks, ${CHUNKS_FILE} holds ${chunks.length} and the HNSW index ${count}`,
    );
  }
  return { source, manifest, chunks, store };
}

/**
 * Opens the index in `dir` for querying by `embeddings`. Reads a swap that was cut short from
 * `<dir>.previous` without changing anything on disk (the next ingest repairs it).
 * @throws PodciteError `index:missing` (nothing ingested yet), `index:embedder_mismatch` (built by
 * another embedder: vectors are incomparable), `index:corrupt` (unreadable or inconsistent files).
 */
export async function loadIndex(options: { dir: string; embeddings: PodciteEmbeddings }): Promise<LoadedIndex> {
  const { manifest, chunks, store } = await readIndexFiles(options);
  const count = chunks.length;
  store.index.setEf(manifest.efSearch);
  const chunkById = new Map(chunks.map((chunk) => [chunk.chunkId, chunk]));

  return {
    manifest,
    chunks,
    chunkById,
    async denseSearch(vector, { k, episodeIds }): Promise<SearchHit[]> {
      if (vector.length !== manifest.dimension) {
        throw new PodciteError(
          'index:embedder_mismatch',
          `A ${vector.length}-dimensional query cannot search an index of ${manifest.dimension}-dimensional vectors. ${REBUILD_HINT}`,
        );
      }
      const limit = Math.min(k, count);
      if (limit <= 0) return [];
      const allowed = episodeIds ? new Set(episodeIds) : undefined;
      if (allowed?.size === 0) return [];
      // hnswlib applies the filter while it walks the graph, so a filtered query still fills k results.
      const filter = allowed
        ? (document: { metadata: Record<string, unknown> }) => allowed.has(document.metadata.episodeId as string)
        : undefined;
      const results = await store.similaritySearchVectorWithScore(vector, limit, filter);
      const hits: SearchHit[] = [];
      for (const [document, distance] of results) {
        const chunk = chunkById.get(document.metadata.chunkId as string);
        if (!chunk) continue;
        // HNSWLib reports cosine distance; callers want similarity.
        hits.push({ chunk, score: 1 - distance });
      }
      return hits;
    },
  };
}

async function readText(folder: string, file: string): Promise<string> {
  try {
    return await readFile(path.join(folder, file), 'utf8');
  } catch (error) {
    throw corrupt(folder, `${file} could not be read (${errorMessage(error)})`, error);
  }
}

function parseFile<T>(schema: z.ZodType<T>, text: string, folder: string, file: string): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw corrupt(folder, `${file} is not valid JSON`, error);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw corrupt(
      folder,
      `${file} does not match the expected shape (${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''})`,
    );
  }
  return parsed.data;
}

function corrupt(folder: string, reason: string, cause?: unknown): PodciteError {
  return new PodciteError('index:corrupt', `The index at ${folder} is damaged: ${reason}. ${REBUILD_HINT}`, { cause });
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
