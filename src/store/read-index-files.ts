import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import hnswlib from 'hnswlib-node';
import { z } from 'zod';
import { type Chunk, chunkSchema, type Manifest, manifestSchema } from '../domain.js';
import { PodciteError } from '../errors.js';
import { classifyChunkText } from '../util/classify-chunk.js';
import {
  CHUNKS_LINES_FILE,
  HNSW_INDEX_FILE,
  LEGACY_CHUNKS_FILE,
  MANIFEST_FILE,
  readableIndexDirectory,
} from './index-directory.js';
import type { HnswIndex } from './dense-store.js';

const { HierarchicalNSW } = hnswlib;

const chunksSchema = z.array(chunkSchema);

/** What every damaged-index or embedder-mismatch message tells the user to do. */
export const REBUILD_HINT = 'Re-ingest with `npm run ingest -- --rebuild`.';

/** The raw pieces of a local index, checked for consistency (read only by `local-index-store.ts`). */
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
 * Reads and checks the index in `dir` (or `<dir>.previous`, see `readableIndexDirectory`); undefined when
 * there is none. Whose vectors they are is the reader's question (`checkEmbedder`).
 * @throws PodciteError `index:corrupt` when the files are unreadable or do not belong together.
 */
export async function readIndexFiles(dir: string): Promise<IndexFiles | undefined> {
  const source = await readableIndexDirectory(dir);
  if (!source) return undefined;
  const manifest = parseFile(manifestSchema, await readText(source, MANIFEST_FILE), source, MANIFEST_FILE);
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
 * The manifest of the index in `dir` alone (the library of shows is read from it whatever the embedder);
 * undefined when there is no index.
 * @throws PodciteError `index:corrupt` when it cannot be read.
 */
export async function readManifestFile(dir: string): Promise<Manifest | undefined> {
  const source = await readableIndexDirectory(dir);
  if (!source) return undefined;
  return parseFile(manifestSchema, await readText(source, MANIFEST_FILE), source, MANIFEST_FILE);
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
