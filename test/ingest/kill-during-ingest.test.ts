import { type ChildProcess, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ingestPaths } from '../../ingest/ingest-paths.js';
import { loadIndex } from '../../src/store/load-index.js';
import { openLocalIndexStore } from '../../src/store/local-index-store.js';
import { HashingEmbeddings } from '../support/hashing-embeddings.js';

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));
const embeddings = new HashingEmbeddings();

function vtt(lines: string[]): string {
  const cues = lines.map(
    (line, index) =>
      `00:00:${String(index * 5).padStart(2, '0')}.000 --> 00:00:${String(index * 5 + 4).padStart(2, '0')}.000\n<v ${index % 2 ? 'Bob' : 'Alice'}>${line}`,
  );
  return `WEBVTT\n\n${cues.join('\n\n')}\n`;
}

/** Starts the real ingest in a child process and resolves once `ready` matches a line of its stdout. */
function startIngest(options: { indexDir: string; corpus: string; args: string[] }): {
  child: ChildProcess;
  reached: (pattern: RegExp) => Promise<void>;
  exited: Promise<number | null>;
} {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/support/ingest-child.ts', '--index', options.indexDir, ...options.args, options.corpus],
    { cwd: repositoryRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout!.on('data', (data: Buffer) => {
    output += data.toString();
    for (const waiter of waiters) if (waiter.pattern.test(output)) waiter.resolve();
  });
  let errors = '';
  child.stderr!.on('data', (data: Buffer) => {
    errors += data.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    reached: (pattern) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(output)) return resolve();
        waiters.push({ pattern, resolve });
        void exited.then((code) =>
          reject(new Error(`the ingest exited (${code}) before ${pattern}: ${output}\n${errors}`)),
        );
      }),
  };
}

describe('kill -9 during an ingest', () => {
  let root: string;
  let corpus: string;
  let baseIndex: string;
  const oldEpisodes = ['alpha', 'beta'];
  const newEpisodes = ['alpha', 'beta', 'gamma'];

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'podcite-kill-'));
    corpus = path.join(root, 'corpus');
    baseIndex = path.join(root, 'base', 'index');
    await mkdir(corpus);
    await writeFile(path.join(corpus, 'alpha.vtt'), vtt(['Tomatoes want sun.', 'And deep watering.']));
    await writeFile(path.join(corpus, 'beta.vtt'), vtt(['Rockets need nozzles.', 'Nozzles melt.']));
    await ingestPaths({ paths: [corpus], indexDir: baseIndex, embeddings });
    // The run being killed would change one episode and add another.
    await writeFile(path.join(corpus, 'beta.vtt'), vtt(['Rockets need nozzles.', 'Ceramic nozzles survive.']));
    await writeFile(path.join(corpus, 'gamma.vtt'), vtt(['Violins are spruce.', 'Varnish is overrated.']));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** Kills the child at the moment `trigger` says, then checks the index on disk. */
  async function killAndCheck(
    name: string,
    args: string[],
    trigger: (run: ReturnType<typeof startIngest>) => Promise<void>,
  ) {
    const indexDir = path.join(root, name, 'index');
    await cp(path.dirname(baseIndex), path.dirname(indexDir), { recursive: true });
    const run = startIngest({ indexDir, corpus, args });
    try {
      await trigger(run);
    } finally {
      run.child.kill('SIGKILL');
    }
    await run.exited;

    // Whatever moment it died at, an index loads and answers; it is the old one or the new one, never a mix.
    const index = await loadIndex({ store: openLocalIndexStore({ dir: indexDir }), embeddings });
    const episodeIds = index.manifest.episodes.map((episode) => episode.episodeId);
    expect([oldEpisodes, newEpisodes]).toContainEqual(episodeIds);
    expect(index.chunks.map((chunk) => chunk.episodeId)).toStrictEqual(episodeIds);
    const hits = await index.denseSearch(await embeddings.embedQuery('rockets nozzles'), { k: 1 });
    expect(hits[0]!.chunk.episodeId).toBe('beta');

    // The next ingest repairs what the killed one left and finishes the job.
    const report = await ingestPaths({ paths: [corpus], indexDir, embeddings });
    expect(report.written || episodeIds.length === 3).toBe(true);
    const repaired = await loadIndex({ store: openLocalIndexStore({ dir: indexDir }), embeddings });
    expect(repaired.manifest.episodes.map((episode) => episode.episodeId)).toStrictEqual(newEpisodes);
    expect(await readdir(path.dirname(indexDir))).toStrictEqual(['index']);
    return episodeIds;
  }

  test('while embedding: the previous index is untouched', async () => {
    const episodeIds = await killAndCheck('embedding', ['--embed-delay', '5000'], (run) =>
      run.reached(/PROGRESS embed/),
    );
    expect(episodeIds).toStrictEqual(oldEpisodes);
  });

  test('with the new index written but not yet swapped in', async () => {
    const episodeIds = await killAndCheck('before-swap', ['--pause-at', 'before-swap'], (run) =>
      run.reached(/PAUSED before-swap/),
    );
    expect(episodeIds).toStrictEqual(oldEpisodes);
  });

  test('between the two renames of the swap: the old index is read from its parking place', async () => {
    const episodeIds = await killAndCheck('between-renames', ['--pause-at', 'between-renames'], (run) =>
      run.reached(/PAUSED between-renames/),
    );
    expect(episodeIds).toStrictEqual(oldEpisodes);
  });

  test('after the swap, before clean-up: the new index is in place', async () => {
    const episodeIds = await killAndCheck('before-cleanup', ['--pause-at', 'before-cleanup'], (run) =>
      run.reached(/PAUSED before-cleanup/),
    );
    expect(episodeIds).toStrictEqual(newEpisodes);
  });

  test('while it starts up', async () => {
    const episodeIds = await killAndCheck('starting', [], () => Promise.resolve());
    expect(episodeIds).toStrictEqual(oldEpisodes);
  });

  test.each([
    ['reading files', 'parse'],
    ['writing the new index', 'write'],
  ])('as soon as it reports %s', async (_name, phase) => {
    // No pause: the child runs on while the kill is on its way, so either index may survive.
    await killAndCheck(`phase-${phase}`, [], (run) => run.reached(new RegExp(`PROGRESS ${phase}`)));
  });
});
