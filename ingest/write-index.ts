import { mkdir, open, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SynchronousInMemoryDocstore } from '@langchain/community/stores/doc/in_memory';
import { HNSWLib } from '@langchain/community/vectorstores/hnswlib';
import { Document } from '@langchain/core/documents';
import hnswlib from 'hnswlib-node';
import type { Chunk, Manifest } from '../src/domain.js';
import type { PodciteEmbeddings } from '../src/embeddings/podcite-embeddings.js';
import { PodciteError } from '../src/errors.js';
import {
  CHUNKS_FILE,
  isReplaceable,
  MANIFEST_FILE,
  previousDirectory,
  stagingDirectory,
} from '../src/store/index-directory.js';
import { embeddingText } from '../src/util/chunk-text.js';

const { HierarchicalNSW } = hnswlib;

/** Points in the swap where a test can stop the process (see `writeIndex`'s `onSwapStep`). */
export type SwapStep = 'before-swap' | 'between-renames' | 'before-cleanup';

/** HNSW graph degree and build breadth: hnswlib's defaults, written down so a library change cannot move them. */
const HNSW_M = 16;
const HNSW_EF_CONSTRUCTION = 200;
/** Fixed seed: the same chunks and vectors give the same graph. */
const HNSW_SEED = 100;

/**
 * Writes a complete index (manifest, chunks, LangChain HNSWLib files) to a staging folder beside
 * `dir` and swaps it in whole, so a crash or `kill -9` at any moment leaves either the old or the
 * new index loadable (see `src/store/index-directory.ts`). Call while holding the ingest lock.
 * `vectors[i]` belongs to `chunks[i]`; the HNSW label of a chunk is its position in `chunks.json`.
 */
export async function writeIndex(options: {
  dir: string;
  manifest: Manifest;
  chunks: Chunk[];
  vectors: number[][];
  embeddings: PodciteEmbeddings;
  /** Test hook awaited at each step of the swap; lets a test kill the process there. */
  onSwapStep?: ((step: SwapStep) => Promise<void> | void) | undefined;
}): Promise<void> {
  const { dir, manifest, chunks, vectors } = options;
  if (vectors.length !== chunks.length) {
    throw new PodciteError('internal:ingest', `${chunks.length} chunks but ${vectors.length} vectors.`);
  }
  if (!(await isReplaceable(dir))) {
    throw new PodciteError(
      'config',
      `${dir} holds files that are not part of a podcite index; refusing to replace it. Point INDEX_DIR at an empty or new folder.`,
    );
  }
  const staging = stagingDirectory(dir);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    const index = new HierarchicalNSW('cosine', manifest.dimension);
    // hnswlib cannot initialise an index for zero elements; an empty corpus still gets a loadable index.
    index.initIndex({
      maxElements: Math.max(1, chunks.length),
      m: HNSW_M,
      efConstruction: HNSW_EF_CONSTRUCTION,
      randomSeed: HNSW_SEED,
    });
    const documents = new Map<string, Document>();
    chunks.forEach((chunk, label) => {
      index.addPoint(vectors[label]!, label);
      documents.set(
        String(label),
        new Document({
          pageContent: embeddingText(chunk),
          metadata: { chunkId: chunk.chunkId, episodeId: chunk.episodeId },
        }),
      );
    });
    const store = new HNSWLib(options.embeddings, {
      space: 'cosine',
      numDimensions: manifest.dimension,
      index,
      docstore: new SynchronousInMemoryDocstore(documents),
    });
    await store.save(staging);
    // HNSWLib.save serialises its whole args object, native index included; keep only what `load` reads.
    await writeFile(
      path.join(staging, 'args.json'),
      JSON.stringify({ space: 'cosine', numDimensions: manifest.dimension }),
    );
    await writeFile(path.join(staging, CHUNKS_FILE), JSON.stringify(chunks));
    // Last: a folder with a manifest is a complete index.
    await writeFile(path.join(staging, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    await syncFolder(staging);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }

  await options.onSwapStep?.('before-swap');
  const previous = previousDirectory(dir);
  await rm(previous, { recursive: true, force: true });
  let hadOld = true;
  try {
    await rename(dir, previous);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    hadOld = false;
  }
  await options.onSwapStep?.('between-renames');
  await rename(staging, dir);
  await syncDirectoryEntry(path.dirname(dir));
  await options.onSwapStep?.('before-cleanup');
  if (hadOld) await rm(previous, { recursive: true, force: true });
}

/** Flushes every file of a folder, and the folder itself, so a power cut cannot leave a manifest pointing at lost data. */
async function syncFolder(folder: string): Promise<void> {
  for (const name of await readdir(folder)) {
    const handle = await open(path.join(folder, name), 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
  await syncDirectoryEntry(folder);
}

async function syncDirectoryEntry(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } catch {
    // Some filesystems refuse fsync on a directory; the renames are still atomic.
  } finally {
    await handle.close();
  }
}
