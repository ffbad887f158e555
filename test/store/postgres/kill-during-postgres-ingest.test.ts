import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../../src/store/postgres/embedded-postgres.js';

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
const EPISODES = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];

function vtt(episode: string, cues: number): string {
  const lines = Array.from(
    { length: cues },
    (_, index) =>
      `00:${String(index).padStart(2, '0')}:00.000 --> 00:${String(index).padStart(2, '0')}:30.000\n<v ${index % 2 ? 'Bob' : 'Alice'}>In ${episode}, point ${index}: ${'words of substance '.repeat(12)}and more.`,
  );
  return `WEBVTT\n\n${lines.join('\n\n')}\n`;
}

/** Runs the ingest child; `reached` resolves when a stdout line matches. */
function startIngest(args: string[]): {
  child: ChildProcess;
  reached: (pattern: RegExp) => Promise<string>;
  exited: Promise<number | null>;
  output: () => string;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/postgres-ingest-child.ts', ...args], {
    cwd: repositoryRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  child.stdout!.on('data', (data: Buffer) => {
    output += data.toString();
    for (const waiter of waiters) {
      const match = waiter.pattern.exec(output);
      if (match) waiter.resolve(match[0]);
    }
  });
  child.stderr!.on('data', (data: Buffer) => {
    output += data.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => output,
    reached: (pattern) =>
      new Promise<string>((resolve, reject) => {
        const match = pattern.exec(output);
        if (match) return resolve(match[0]);
        waiters.push({ pattern, resolve });
        void exited.then((code) => reject(new Error(`the ingest exited (${code}) before ${pattern}:\n${output}`)));
      }),
  };
}

/** Each stored episode with the chunks it says it has and the chunks the table holds. */
async function episodeChunkCounts(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ episode_id: string; expected: number; stored: number }>(
      `SELECT e.episode_id, (e.episode->>'chunks')::int AS expected,
         (SELECT count(*)::int FROM chunks c WHERE c.episode_id = e.episode_id) AS stored
       FROM episodes e ORDER BY e.episode_id`,
    );
    const meta = (await client.query('SELECT chunk_count::int AS chunks, episode_count AS episodes FROM podcite_index'))
      .rows[0];
    const total = (await client.query('SELECT count(*)::int AS n FROM chunks')).rows[0].n;
    return { rows, meta, total };
  } finally {
    await client.end();
  }
}

describe('kill -9 during an ingest into PostgreSQL', () => {
  let root: string;
  let corpus: string;
  let database: EmbeddedPostgres;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'podcite-pg-kill-'));
    corpus = path.join(root, 'corpus');
    await mkdir(corpus);
    for (const [index, episode] of EPISODES.entries()) {
      await writeFile(path.join(corpus, `${episode}.vtt`), vtt(episode, 8 + index * 3));
    }
    database = await startEmbeddedPostgres({ port: 0 });
  });

  afterAll(async () => {
    await database?.close();
    await rm(root, { recursive: true, force: true });
  });

  test('leaves no episode with part of its chunks, and the next run completes the index', async () => {
    const common = ['--database-url', database.url, '--index', path.join(root, 'index'), '--lease-ms', '1500'];
    const killed = startIngest([...common, '--pause-before-commit', '3', corpus]);
    const paused = await killed.reached(/PAUSED \S+/);
    const interrupted = paused.slice('PAUSED '.length);
    killed.child.kill('SIGKILL');
    expect(await killed.exited).toBeNull();

    // Two episodes were committed; the third's transaction died with its client.
    const after = await episodeChunkCounts(database.url);
    expect(after.rows).toHaveLength(2);
    expect(after.rows.map((row) => row.episode_id)).not.toContain(interrupted);
    for (const row of after.rows) expect(row.stored).toBe(row.expected);
    expect(after.meta).toStrictEqual({ chunks: after.total, episodes: 2 });

    const rerun = startIngest([...common, corpus]);
    await rerun.reached(/DONE \d+/);
    expect(await rerun.exited).toBe(0);
    const complete = await episodeChunkCounts(database.url);
    expect(complete.rows.map((row) => row.episode_id)).toStrictEqual([...EPISODES].sort());
    for (const row of complete.rows) expect(row.stored).toBe(row.expected);
    expect(complete.meta).toStrictEqual({ chunks: complete.total, episodes: EPISODES.length });
    expect(rerun.output()).toMatch(/DONE \d+/);
  });
});
