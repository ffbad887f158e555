import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { EmbeddingWorkerPool } from '../../src/embeddings/worker-pool.js';

const workerUrl = new URL('../support/recording-worker.mjs', import.meta.url);
let folder: string;
let logFile: string;

beforeEach(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'podcite-pool-'));
  logFile = path.join(folder, 'events.jsonl');
  process.env.POOL_TEST_LOG = logFile;
});

afterEach(async () => {
  delete process.env.POOL_TEST_LOG;
  await rm(folder, { recursive: true, force: true });
});

async function events(): Promise<Array<{ thread: number; event: string; at: number }>> {
  const text = await readFile(logFile, 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { thread: number; event: string; at: number });
}

describe('EmbeddingWorkerPool.warmUp', () => {
  test('warms the first worker alone, then starts and warms the others', async () => {
    const pool = new EmbeddingWorkerPool({ size: 3, dimension: 4, workerUrl });
    try {
      await pool.warmUp();
      const seen = await events();
      const threads = [...new Set(seen.map((entry) => entry.thread))];
      // Every worker got its own warm-up task.
      expect(
        threads.map((thread) => seen.filter((entry) => entry.thread === thread).map((entry) => entry.event)),
      ).toStrictEqual(threads.map(() => ['spawned', 'task:warm up']));
      // The others were spawned only after the first had finished warming up.
      const firstWarm = seen.find((entry) => entry.event === 'task:warm up')!;
      const laterSpawns = seen.filter((entry) => entry.event === 'spawned' && entry.thread !== firstWarm.thread);
      expect(laterSpawns).toHaveLength(2);
      expect(laterSpawns.every((entry) => entry.at >= firstWarm.at)).toBe(true);
      expect(seen.filter((entry) => entry.event === 'spawned').indexOf(laterSpawns[0]!)).toBe(1);
    } finally {
      await pool.close();
    }
  });

  test('work asked for during the warm-up is still done, in input order', async () => {
    const pool = new EmbeddingWorkerPool({ size: 2, dimension: 4, workerUrl });
    try {
      const [, vectors] = await Promise.all([pool.warmUp(), pool.embed(['a', 'b', 'c'])]);
      expect(vectors).toStrictEqual([
        [0, 0, 0, 0],
        [0, 0, 0, 0],
        [0, 0, 0, 0],
      ]);
      expect((await events()).filter((entry) => entry.event === 'task:a|b|c')).toHaveLength(1);
    } finally {
      await pool.close();
    }
  });
});
