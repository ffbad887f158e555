/**
 * Where the pieces of an index live on disk, and how a half-finished swap is read or repaired.
 *
 * An ingest builds the new index in `<dir>.staging-<pid>` (manifest written last), then swaps:
 * `<dir>` → `<dir>.previous`, staging → `<dir>`, then deletes `<dir>.previous`. A folder holding
 * `manifest.json` is complete, so at every instant `<dir>` or `<dir>.previous` is a whole index.
 */
import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PodciteError } from '../errors.js';

export const MANIFEST_FILE = 'manifest.json';
/** The chunks, one JSON object a line; line n is HNSW label n. */
export const CHUNKS_LINES_FILE = 'chunks.jsonl';
/** The HNSW graph and vectors, in hnswlib's own format. */
export const HNSW_INDEX_FILE = 'hnswlib.index';
/**
 * Files of indexes written before chunks were streamed: the chunks as one JSON array, and LangChain
 * HNSWLib's docstore (every chunk's text again) and args. Still read (`chunks.json`) and replaced.
 */
export const LEGACY_CHUNKS_FILE = 'chunks.json';
const LEGACY_FILES = [LEGACY_CHUNKS_FILE, 'docstore.json', 'args.json'] as const;

/** Where the index being replaced waits during a swap. */
export function previousDirectory(dir: string): string {
  return `${dir}.previous`;
}

/** Where an ingest (process `pid`) builds its new index. A sibling, so the swap is a same-filesystem rename. */
export function stagingDirectory(dir: string, pid: number = process.pid): string {
  return `${dir}.staging-${pid}`;
}

/**
 * True when `dir` is missing, empty, or holds nothing but index files: safe to replace. Guards
 * against an INDEX_DIR pointed at a folder of the user's own files, which a swap would delete.
 */
export async function isReplaceable(dir: string): Promise<boolean> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
  const known = new Set<string>([MANIFEST_FILE, CHUNKS_LINES_FILE, HNSW_INDEX_FILE, ...LEGACY_FILES]);
  return entries.every((entry) => known.has(entry));
}

export async function hasManifest(dir: string): Promise<boolean> {
  try {
    return (await stat(path.join(dir, MANIFEST_FILE))).isFile();
  } catch {
    return false;
  }
}

/**
 * The folder to read the index from without changing anything: `dir` when complete, else
 * `<dir>.previous` when a swap was cut short between its two renames, else undefined (no index).
 */
export async function readableIndexDirectory(dir: string): Promise<string | undefined> {
  if (await hasManifest(dir)) return dir;
  const previous = previousDirectory(dir);
  if (await hasManifest(previous)) return previous;
  return undefined;
}

/**
 * Finishes or undoes an interrupted swap and deletes abandoned staging folders. Call only while
 * holding the ingest lock: it renames and deletes.
 */
export async function repairIndexDirectory(dir: string): Promise<void> {
  const previous = previousDirectory(dir);
  if (await hasManifest(dir)) {
    // The swap completed; only the clean-up was cut short.
    await rm(previous, { recursive: true, force: true });
  } else if ((await hasManifest(previous)) && (await isReplaceable(dir))) {
    // Cut short between the renames: put the old index back.
    await rm(dir, { recursive: true, force: true });
    await rename(previous, dir);
  }
  const parent = path.dirname(dir);
  const stagingPrefix = `${path.basename(dir)}.staging-`;
  let siblings: string[] = [];
  try {
    siblings = await readdir(parent);
  } catch {
    return;
  }
  await Promise.all(
    siblings
      .filter((name) => name.startsWith(stagingPrefix))
      .map((name) => rm(path.join(parent, name), { recursive: true, force: true })),
  );
}

/**
 * Takes `<dir>.lock` so two ingests never write the same index; a lock left by a process that no
 * longer runs (e.g. killed) is taken over. Returns the release function.
 * @throws PodciteError('index:busy') while another live process holds it.
 */
export async function acquireIngestLock(dir: string): Promise<() => Promise<void>> {
  const lockFile = `${dir}.lock`;
  // Reserved before the first await, so a second call in this process cannot slip in between.
  if (heldHere.has(lockFile)) {
    throw new PodciteError('index:busy', `Another ingest in this process is writing the index at ${dir}.`);
  }
  heldHere.add(lockFile);
  try {
    await takeLockFile(lockFile, dir);
  } catch (error) {
    heldHere.delete(lockFile);
    throw error;
  }
  return async () => {
    heldHere.delete(lockFile);
    await rm(lockFile, { force: true });
  };
}

async function takeLockFile(lockFile: string, dir: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(lockFile, String(process.pid), { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim());
    // A lock naming this process but not reserved in `heldHere` was left by an earlier process with the same id.
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isRunning(holder)) {
      throw new PodciteError(
        'index:busy',
        `Another ingest (process ${holder}) is writing the index at ${dir}. Wait for it to finish, or delete ${lockFile} if that process is gone.`,
      );
    }
    await rm(lockFile, { force: true });
  }
  throw new PodciteError('index:busy', `Could not take the ingest lock ${lockFile}.`);
}

/** Locks this process holds, so two ingests in one process exclude each other too. */
const heldHere = new Set<string>();

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
