import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Show, showSchema } from '../../src/domain.js';
import { MANIFEST_FILE, readableIndexDirectory } from '../../src/store/index-directory.js';

/**
 * The library of shows recorded in the index at `indexDir`, read without loading the index (whose
 * vectors may belong to another embedder, as when `--rebuild` switches embedders). Empty when there
 * is no index or its manifest cannot be read.
 */
export async function readLibrary(indexDir: string): Promise<Show[]> {
  const source = await readableIndexDirectory(indexDir);
  if (!source) return [];
  try {
    const manifest = JSON.parse(await readFile(path.join(source, MANIFEST_FILE), 'utf8')) as { shows?: unknown };
    const shows = showSchema.array().safeParse(manifest.shows ?? []);
    return shows.success ? shows.data : [];
  } catch {
    return [];
  }
}
