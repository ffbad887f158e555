import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ingestPaths } from '../../ingest/ingest-paths.js';
import { loadConfig } from '../../src/config.js';
import { createEmbeddings } from '../../src/embeddings/create-embeddings.js';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../src/store/postgres/embedded-postgres.js';
import { openPostgresIndexStore } from '../../src/store/postgres/postgres-index-store.js';
import { type SpawnedServer, spawnServer } from '../cli/spawn-server.js';

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

function vtt(lines: string[]): string {
  const cues = lines.map(
    (line, index) => `00:0${index}:00.000 --> 00:0${index}:30.000\n<v ${index % 2 ? 'Bob' : 'Alice'}>${line}`,
  );
  return `WEBVTT\n\n${cues.join('\n\n')}\n`;
}

interface Load {
  requests: number;
  failures: string[];
}

/** Asks `url` for searches back to back until `stop()` is true; every answer must be a 200. */
async function keepSearching(url: string, load: Load, stop: () => boolean): Promise<void> {
  const queries = ['tomatoes and sun', 'rocket nozzles', 'zeppelin hangars'];
  for (let turn = 0; !stop(); turn++) {
    try {
      const response = await fetch(`${url}/api/search`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: queries[turn % queries.length], k: 5 }),
      });
      load.requests++;
      if (response.status !== 200) load.failures.push(`${response.status} ${await response.text()}`);
      else await response.json();
    } catch (error) {
      load.failures.push(String(error));
    }
  }
}

/** Resolves the episode ids of `url`'s top search results for `query`. */
async function searchEpisodes(url: string, query: string): Promise<string[]> {
  const response = await fetch(`${url}/api/search`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, k: 3 }),
  });
  const body = (await response.json()) as { results: { episodeId: string }[] };
  return body.results.map((result) => result.episodeId);
}

describe('two podcite servers on one PostgreSQL while an ingest adds an episode', () => {
  let root: string;
  let corpus: string;
  let database: EmbeddedPostgres;
  const servers: SpawnedServer[] = [];

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'podcite-replicas-'));
    corpus = path.join(root, 'corpus');
    await mkdir(corpus);
    await writeFile(
      path.join(corpus, 'tomatoes.vtt'),
      vtt(['Tomatoes want full sun all day.', 'Water them deeply, not often.']),
    );
    await writeFile(
      path.join(corpus, 'rockets.vtt'),
      vtt(['Rocket nozzles take the heat of the burn.', 'Ceramic nozzles survive longer.']),
    );
    database = await startEmbeddedPostgres({ port: 0 });
    const store = await openPostgresIndexStore({ url: database.url });
    const embeddings = createEmbeddings(loadConfig({ EMBEDDINGS: 'local' }));
    try {
      await ingestPaths({ paths: [corpus], indexDir: path.join(root, 'index'), store, embeddings });
    } finally {
      await store.close();
      await embeddings.close();
    }
  });

  afterAll(async () => {
    for (const server of servers) server.child.kill('SIGKILL');
    await database?.close();
    await rm(root, { recursive: true, force: true });
  });

  test('every request succeeds during the ingest, and both serve the new episode soon after', async () => {
    const env = {
      DATABASE_URL: database.url,
      INDEX_DIR: path.join(root, 'index'),
      EMBEDDINGS: 'local',
      OPENAI_API_KEY: '',
      OPENAI_BASE_URL: '',
      RATE_LIMIT_PER_MINUTE: '0',
      LOG_LEVEL: 'warn',
    };
    servers.push(
      ...(await Promise.all([
        spawnServer({ script: 'src/cli/serve.ts', env, startTimeoutMs: 90_000 }),
        spawnServer({ script: 'src/cli/serve.ts', env, startTimeoutMs: 90_000 }),
      ])),
    );
    for (const server of servers) {
      expect(await searchEpisodes(server.url, 'zeppelin hangars')).not.toContain('zeppelins');
    }

    const loads: Load[] = servers.map(() => ({ requests: 0, failures: [] }));
    let stopped = false;
    const traffic = servers.map((server, index) => keepSearching(server.url, loads[index]!, () => stopped));

    await writeFile(
      path.join(corpus, 'zeppelins.vtt'),
      vtt(['Zeppelin hangars were the largest buildings of their day.', 'Helium made the zeppelins safe.']),
    );
    const ingest = spawn(process.execPath, ['bin/podcite.js', 'ingest', corpus], {
      cwd: repositoryRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let ingestOutput = '';
    ingest.stdout.on('data', (data: Buffer) => {
      ingestOutput += data.toString();
    });
    ingest.stderr.on('data', (data: Buffer) => {
      ingestOutput += data.toString();
    });
    const ingestStatus = await new Promise<number | null>((resolve) => ingest.on('exit', resolve));
    expect(ingestStatus, ingestOutput).toBe(0);
    expect(ingestOutput).toContain('1 added');

    // Both pick the new episode up by polling the index version (once a second); 10 s is the bound.
    const deadline = Date.now() + 10_000;
    const serving = servers.map(() => false);
    while (serving.includes(false) && Date.now() < deadline) {
      for (const [index, server] of servers.entries()) {
        if (!serving[index]) serving[index] = (await searchEpisodes(server.url, 'zeppelin hangars'))[0] === 'zeppelins';
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    stopped = true;
    await Promise.all(traffic);
    expect(serving).toStrictEqual([true, true]);
    expect(loads.map((load) => load.failures)).toStrictEqual([[], []]);
    expect(loads.every((load) => load.requests > 0)).toBe(true);

    for (const server of servers) server.child.kill('SIGTERM');
    expect(await Promise.all(servers.map((server) => server.exited))).toStrictEqual([0, 0]);
  });
});
