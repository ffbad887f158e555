import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Manifest } from '../domain.js';
import { MANIFEST_FILE } from './index-directory.js';

/**
 * Replaces only `manifest.json` of a complete index, for changes that touch no chunk or vector (the
 * library's refresh times and validators). Written beside the folder and renamed in, so a reader sees
 * the old or the new manifest, never half of one, and the folder never holds a stray file. Call while
 * holding the ingest lock.
 */
export async function rewriteManifest(options: { dir: string; manifest: Manifest }): Promise<void> {
  const temporary = `${options.dir}.manifest-${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(options.manifest, null, 2)}\n`);
  await rename(temporary, path.join(options.dir, MANIFEST_FILE));
}
