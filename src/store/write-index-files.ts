import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import type { Chunk, Manifest } from '../domain.js';
import { PodciteError } from '../errors.js';
import { buildDenseStore } from './dense-store.js';
import {
  CHUNKS_LINES_FILE,
  isReplaceable,
  MANIFEST_FILE,
  previousDirectory,
  stagingDirectory,
} from './index-directory.js';

/** Points in the swap where a test can stop the process (see `writeIndexFiles`' `onSwapStep`). */
export type SwapStep = 'before-swap' | 'between-renames' | 'before-cleanup';

/**
 * Writes a complete index (manifest, chunks, HNSW graph with LangChain HNSWLib's args.json and an ids-only docstore.json) to a staging folder beside `dir` and swaps it
 * in whole, so a crash or `kill -9` at any moment leaves either the old or the new index loadable (see
 * `src/store/index-directory.ts`). Call while holding the ingest lock. `vectors[i]` belongs to
 * `chunks[i]`; the HNSW label of a chunk is its line number (0-based) in `chunks.jsonl`. Chunks are
 * streamed out one JSON line each, so no string the size of the whole catalogue is ever built.
 */
export async function writeIndexFiles(options: {
  dir: string;
  manifest: Manifest;
  chunks: readonly Chunk[];
  vectors: readonly ArrayLike<number>[];
  /** Test hook awaited at each step of the swap; lets a test kill the process there. */
  onSwapStep?: ((step: SwapStep) => Promise<void> | void) | undefined;
}): Promise<void> {
  const { dir, manifest, chunks, vectors } = options;
  if (vectors.length !== chunks.length) {
    throw new PodciteError('internal:store', `${chunks.length} chunks but ${vectors.length} vectors.`);
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
    await writeChunkLines(path.join(staging, CHUNKS_LINES_FILE), chunks);
    // LangChain's HNSWLib over our own graph; its docstore holds chunk ids only (the text is in chunks.jsonl).
    const store = buildDenseStore({
      dimension: manifest.dimension,
      ids: chunks.map((chunk) => chunk.chunkId),
      vectors,
    });
    await store.save(staging);
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

/** One chunk per line, written through a stream that waits when the disk falls behind. */
async function writeChunkLines(file: string, chunks: readonly Chunk[]): Promise<void> {
  const stream = createWriteStream(file, { encoding: 'utf8' });
  try {
    for (const chunk of chunks) {
      if (!stream.write(`${JSON.stringify(chunk)}\n`)) {
        await new Promise<void>((resolve, reject) => {
          const onError = (error: Error) => reject(error);
          stream.once('error', onError);
          stream.once('drain', () => {
            stream.off('error', onError);
            resolve();
          });
        });
      }
    }
  } finally {
    stream.end();
  }
  await finished(stream);
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
