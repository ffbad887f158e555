import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, test } from 'vitest';
import { UniversalSentenceEncoderEmbeddings } from '../../src/embeddings/universal-sentence-encoder.js';

const run = promisify(execFile);
const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

const cat = 'The cat sat quietly on the mat by the fire.';
const kitten = 'A small kitten was resting on the rug near the fireplace.';
const economy = 'Quarterly GDP growth slowed across the euro area as exports fell.';

function dot(a: number[], b: number[]): number {
  return a.reduce((sum, value, index) => sum + value * b[index]!, 0);
}

function maxDifference(a: number[], b: number[]): number {
  return Math.max(...a.map((value, index) => Math.abs(value - b[index]!)));
}

describe('UniversalSentenceEncoderEmbeddings (the real offline model)', () => {
  const inProcess = new UniversalSentenceEncoderEmbeddings();
  const pooled = new UniversalSentenceEncoderEmbeddings({ workers: 2, batchSize: 2 });

  afterAll(async () => {
    await inProcess.close();
    await pooled.close();
  });

  test('identifies itself as local:use-lite with 512 dimensions', () => {
    expect([inProcess.id, inProcess.dimension]).toStrictEqual(['local:use-lite', 512]);
  });

  test('returns one 512-long unit vector per text, in order', async () => {
    const vectors = await inProcess.embedDocuments([cat, kitten, economy]);
    expect(vectors.map((vector) => vector.length)).toStrictEqual([512, 512, 512]);
    for (const vector of vectors) expect(Math.hypot(...vector)).toBeCloseTo(1, 4);
    const query = await inProcess.embedQuery(kitten);
    expect(maxDifference(query, vectors[1]!)).toBeLessThan(1e-5);
  });

  test('puts similar sentences closer than unrelated ones', async () => {
    const [a, b, c] = await inProcess.embedDocuments([cat, kitten, economy]);
    expect(dot(a!, b!)).toBeGreaterThan(0.5);
    expect(dot(a!, b!)).toBeGreaterThan(dot(a!, c!) + 0.3);
  });

  test('gives an empty text a vector instead of dropping its row', async () => {
    const vectors = await inProcess.embedDocuments(['', cat]);
    expect(vectors.length).toBe(2);
    const alone = await inProcess.embedQuery(cat);
    expect(maxDifference(vectors[1]!, alone)).toBeLessThan(1e-5);
  });

  // Each worker loads its own model; on a busy two-core machine that takes a while.
  test('worker threads (under vitest) give the same vectors, in input order, across batches', {
    timeout: 120_000,
  }, async () => {
    const texts = [cat, kitten, economy, `${cat} Again.`, kitten];
    const [pooledVectors, localVectors] = await Promise.all([
      pooled.embedDocuments(texts),
      inProcess.embedDocuments(texts),
    ]);
    expect(pooledVectors.length).toBe(5);
    pooledVectors.forEach((vector, index) => {
      expect(maxDifference(vector, localVectors[index]!)).toBeLessThan(1e-5);
    });
  });

  test('questions asked together in workers come back batched, each with its own vector', {
    timeout: 120_000,
  }, async () => {
    await pooled.warmUp();
    const questions = [cat, kitten, economy, kitten];
    const [together, alone] = await Promise.all([
      Promise.all(questions.map((question) => pooled.embedQuery(question))),
      inProcess.embedDocuments(questions),
    ]);
    together.forEach((vector, index) => {
      expect(maxDifference(vector, alone[index]!)).toBeLessThan(1e-5);
    });
  });

  test('a repeated question is served from the cache, and a caller cannot change the cached vector', async () => {
    const first = await inProcess.embedQuery(economy);
    const expected = [...first];
    first.fill(0);
    const again = await inProcess.embedQuery(economy);
    expect(maxDifference(again, expected)).toBe(0);
  });

  test('worker threads start under plain tsx, as npm run ingest runs them', { timeout: 150_000 }, async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'test/support/embed-in-workers.ts', cat, economy],
      { cwd: repositoryRoot, timeout: 120_000 },
    );
    const vectors = JSON.parse(stdout) as number[][];
    const local = await inProcess.embedDocuments([cat, economy]);
    expect(vectors.length).toBe(2);
    expect(maxDifference(vectors[0]!, local[0]!)).toBeLessThan(1e-5);
    expect(maxDifference(vectors[1]!, local[1]!)).toBeLessThan(1e-5);
  });
});
