import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { PodciteError } from '../src/errors.js';
import { SUPPORTED_EXTENSIONS } from './parse-file.js';

/** Folders never searched: dependencies and version control, besides anything hidden. */
const SKIPPED_FOLDERS = new Set(['node_modules']);
/** Files that sit beside transcripts but describe the folder (the bundled corpus has SOURCE.txt and LICENSE). */
const FOLDER_DOCUMENTS = /^(?:readme|licen[cs]e|copying|notice|changelog|source|authors|contributing)(?:\.[^.]*)?$/i;

/**
 * Expands files and folders into the transcript files to ingest. Folders are searched
 * recursively for supported extensions, skipping hidden entries, `node_modules`, folder documents
 * (`README.md`, `LICENSE`, `SOURCE.txt`, …), chapters files
 * (`*.chapters.json`) and sidecar metadata (`<stem>.json` beside a transcript of the same stem),
 * which `parseFile` attaches to their transcript. A file named directly is always kept. Order is
 * stable: arguments in the order given, folder entries sorted by name with numbers in numeric
 * order (`ep-2` before `ep-10`); duplicates (by real path) are dropped. Symbolic links are
 * followed, to files and to folders, except a link back into a folder already being searched (a
 * loop) and a broken link.
 * @throws PodciteError `not_found:path` when a path does not exist.
 */
export async function collectFiles(paths: string[]): Promise<string[]> {
  const collected: string[] = [];
  const seen = new Set<string>();
  const add = async (filePath: string) => {
    // By real path, so a file reached through a link and directly (or through two links) is read once.
    const key = await realpath(filePath).catch(() => path.resolve(filePath));
    if (seen.has(key)) return;
    seen.add(key);
    collected.push(filePath);
  };
  for (const given of paths) {
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(given)).isDirectory();
    } catch (error) {
      throw new PodciteError('not_found:path', `${given}: no such file or folder`, { cause: error });
    }
    if (isDirectory) for (const filePath of await walk(given, new Set())) await add(filePath);
    else await add(given);
  }
  return collected;
}

const byName = (left: string, right: string) => left.localeCompare(right, 'en', { numeric: true });

/** What a folder entry is, looking through a symbolic link; `other` for a broken link, a socket, …. */
type EntryKind = 'file' | 'folder' | 'other';

async function kindOf(entry: Dirent, entryPath: string): Promise<EntryKind> {
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'folder';
  if (!entry.isSymbolicLink()) return 'other';
  try {
    const target = await stat(entryPath);
    return target.isFile() ? 'file' : target.isDirectory() ? 'folder' : 'other';
  } catch {
    return 'other';
  }
}

/** `ancestors`: real paths of the folders being searched above this one, so a link back up is not followed. */
async function walk(folder: string, ancestors: ReadonlySet<string>): Promise<string[]> {
  const real = await realpath(folder);
  if (ancestors.has(real)) return [];
  const inside = new Set(ancestors).add(real);
  const entries = await Promise.all(
    (await readdir(folder, { withFileTypes: true }))
      .filter((entry) => !entry.name.startsWith('.'))
      .sort((left, right) => byName(left.name, right.name))
      .map(async (entry) => ({ entry, kind: await kindOf(entry, path.join(folder, entry.name)) })),
  );
  const stems = new Set(
    entries
      .filter(({ entry, kind }) => kind === 'file' && !entry.name.toLowerCase().endsWith('.json'))
      .map(({ entry }) => stemOf(entry.name)),
  );
  const files: string[] = [];
  for (const { entry, kind } of entries) {
    const entryPath = path.join(folder, entry.name);
    if (kind === 'folder') {
      if (!SKIPPED_FOLDERS.has(entry.name)) files.push(...(await walk(entryPath, inside)));
      continue;
    }
    if (kind !== 'file') continue;
    const name = entry.name.toLowerCase();
    if (!SUPPORTED_EXTENSIONS.has(path.extname(name))) continue;
    if (name.endsWith('.chapters.json') || FOLDER_DOCUMENTS.test(name)) continue;
    if (name.endsWith('.json') && stems.has(stemOf(entry.name))) continue;
    files.push(entryPath);
  }
  return files;
}

function stemOf(name: string): string {
  const extension = path.extname(name);
  return extension ? name.slice(0, -extension.length) : name;
}
