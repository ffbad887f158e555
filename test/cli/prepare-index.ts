import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ingestPaths } from '../../ingest/ingest-paths.js';
import { loadConfig } from '../../src/config.js';
import { createEmbeddings } from '../../src/embeddings/create-embeddings.js';

/** A small transcript (Moonlake episode excerpt, exact timestamps) to index with the real embedder. */
export const FIXTURE_TRANSCRIPT = 'test/fixtures/latent-space/bracketed-moonlake.txt';

/**
 * Builds a real index (real offline embedder) of the fixture transcript in a temporary folder,
 * for tests that spawn `src/cli/serve.ts` or `src/cli/ask.ts`. `remove()` deletes it.
 */
export async function prepareIndex(): Promise<{
  dir: string;
  episodes: number;
  chunks: number;
  remove(): Promise<void>;
}> {
  const dir = await mkdtemp(path.join(tmpdir(), 'podcite-cli-index-'));
  const embeddings = createEmbeddings(loadConfig({ INDEX_DIR: dir }));
  try {
    const report = await ingestPaths({ paths: [FIXTURE_TRANSCRIPT], indexDir: dir, embeddings });
    return {
      dir,
      episodes: report.episodes.added.length,
      chunks: report.chunks,
      remove: () => rm(dir, { recursive: true, force: true }),
    };
  } finally {
    await embeddings.close();
  }
}
