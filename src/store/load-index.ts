import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { Document } from '@langchain/core/documents';
import hnswlib from 'hnswlib-node';
import { z } from 'zod';
import { type Chunk, chunkSchema, type Manifest, manifestSchema, type SearchHit } from '../domain.js';
import type { PodciteEmbeddings } from '../embeddings/podcite-embeddings.js';
import { PodciteError } from '../errors.js';
import { classifyChunkText } from '../util/classify-chunk.js';
import {
  CHUNKS_LINES_FILE,
  HNSW_INDEX_FILE,
  LEGACY_CHUNKS_FILE,
  MANIFEST_FILE,
  readableIndexDirectory,
} from './index-directory.js';
import { wrapDenseIndex } from './dense-store.js';
import type { LoadedIndex } from './loaded-index.js';

const { HierarchicalNSW } = hnswlib;
type HnswIndex = InstanceType<typeof HierarchicalNSW>;

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
  /** The HNSW graph; `getPoint(label)` gives a chunk's stored vector. */
  hnsw: HnswIndex;
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
      `The index at ${dir} was built with the embedder "${manifest.embedder}", but the current embedder is "${embeddings.id}"; their vectors cannot be compared. ${REBUILD_HINT} Or set EMBEDDINGS back to the embedder the index was built with${settingFor(manifest.embedder)}.`,
    );
  }
  // 0 means an OpenAI-protocol model whose width is not known until its first response.
  if (embeddings.dimension !== 0 && embeddings.dimension !== manifest.dimension) {
    throw new PodciteError(
      'index:embedder_mismatch',
      `The index at ${dir} holds ${manifest.dimension}-dimensional vectors, but "${embeddings.id}" makes ${embeddings.dimension}-dimensional ones. ${REBUILD_HINT}`,
    );
  }
  const { chunks, file } = await readChunks(source);
  // Indexes written before chapter lists and promos had kinds of their own stored them as show notes.
  for (const chunk of chunks) {
    if (chunk.kind === 'shownotes') chunk.kind = classifyChunkText({ text: chunk.text, source: 'shownotes' });
  }

  const hnsw = new HierarchicalNSW('cosine', manifest.dimension);
  try {
    await hnsw.readIndex(path.join(source, HNSW_INDEX_FILE));
  } catch (error) {
    throw corrupt(source, `the HNSW files could not be read (${errorMessage(error)})`, error);
  }
  const count = hnsw.getCurrentCount();
  if (chunks.length !== manifest.chunkCount || count !== chunks.length) {
    throw corrupt(
      source,
      `the manifest counts ${manifest.chunkCount} chunks, ${file} holds ${chunks.length} and the HNSW index ${count}`,
    );
  }
  return { source, manifest, chunks, hnsw };
}

/**
 * The chunks of the index in `folder`: `chunks.jsonl` read line by line (no string of the whole file, which
 * at 10,000 episodes would pass V8's string limit), or an older index's `chunks.json`. Strings that
 * repeat across chunks (episode ids and titles, speakers, chapters) are shared, not held once per chunk.
 */
async function readChunks(folder: string): Promise<{ chunks: Chunk[]; file: string }> {
  if (!(await isFile(path.join(folder, CHUNKS_LINES_FILE))) && (await isFile(path.join(folder, LEGACY_CHUNKS_FILE)))) {
    const text = await readText(folder, LEGACY_CHUNKS_FILE);
    return { chunks: parseFile(chunksSchema, text, folder, LEGACY_CHUNKS_FILE), file: LEGACY_CHUNKS_FILE };
  }
  const chunks: Chunk[] = [];
  const shared = new Map<string, string>();
  const share = (value: string) => {
    const existing = shared.get(value);
    if (existing !== undefined) return existing;
    shared.set(value, value);
    return value;
  };
  let lines: Interface | undefined;
  try {
    lines = createInterface({
      input: createReadStream(path.join(folder, CHUNKS_LINES_FILE), 'utf8'),
      crlfDelay: Infinity,
    });
    let lineNumber = 0;
    for await (const line of lines) {
      lineNumber++;
      if (line.length === 0) continue;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch (error) {
        throw corrupt(folder, `line ${lineNumber} of ${CHUNKS_LINES_FILE} is not valid JSON`, error);
      }
      const parsed = chunkSchema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw corrupt(
          folder,
          `line ${lineNumber} of ${CHUNKS_LINES_FILE} does not match the expected shape (${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''})`,
        );
      }
      const chunk = parsed.data;
      chunk.episodeId = share(chunk.episodeId);
      chunk.episodeTitle = share(chunk.episodeTitle);
      if (chunk.speaker !== null) chunk.speaker = share(chunk.speaker);
      if (chunk.chapter !== null) chunk.chapter = share(chunk.chapter);
      chunk.speakers = chunk.speakers.map(share);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof PodciteError) throw error;
    throw corrupt(folder, `${CHUNKS_LINES_FILE} could not be read (${errorMessage(error)})`, error);
  } finally {
    lines?.close();
  }
  return { chunks, file: CHUNKS_LINES_FILE };
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/**
 * Opens the index in `dir` for querying by `embeddings`. Reads a swap that was cut short from
 * `<dir>.previous` without changing anything on disk (the next ingest repairs it).
 * @throws PodciteError `index:missing` (nothing ingested yet), `index:embedder_mismatch` (built by
 * another embedder: vectors are incomparable), `index:corrupt` (unreadable or inconsistent files).
 */
export async function loadIndex(options: { dir: string; embeddings: PodciteEmbeddings }): Promise<LoadedIndex> {
  const { manifest, chunks, hnsw } = await readIndexFiles(options);
  const count = chunks.length;
  const chunkById = new Map(chunks.map((chunk) => [chunk.chunkId, chunk]));
  // LangChain's HNSWLib over the graph read above; its docstore answers label → chunk id from `chunks`.
  const store = wrapDenseIndex({
    embeddings: options.embeddings,
    dimension: manifest.dimension,
    index: hnsw,
    chunkIds: (label) => chunks[label]?.chunkId,
  });

  return {
    manifest,
    chunks,
    chunkById,
    async denseSearch(vector, { k, episodeIds, ef }): Promise<SearchHit[]> {
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
      // Set per search: callers may trade dense recall for speed (hnswlib searches at max(ef, k)).
      hnsw.setEf(ef ?? manifest.efSearch);
      // hnswlib applies the filter while it walks the graph, so a filtered query still fills k results.
      const filter = allowed
        ? (document: Document) => allowed.has(chunkById.get(document.pageContent)?.episodeId ?? '')
        : undefined;
      const results = await store.similaritySearchVectorWithScore(vector, limit, filter);
      const hits: SearchHit[] = [];
      for (const [document, distance] of results) {
        const chunk = chunkById.get(document.pageContent);
        // hnswlib reports cosine distance; callers want similarity.
        if (chunk) hits.push({ chunk, score: 1 - distance });
      }
      return hits;
    },
  };
}

/** The `EMBEDDINGS` value that selects an embedder id, said in the mismatch message when it is one of ours. */
function settingFor(embedderId: string): string {
  if (embedderId === 'local:use-lite') return ' (EMBEDDINGS=use-lite)';
  if (embedderId.startsWith('local:use-lite-static-')) return ' (EMBEDDINGS=local)';
  if (embedderId.startsWith('openai:')) return ' (EMBEDDINGS=openai)';
  return '';
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
