/**
 * The search thread against in-process retrieval on a real index: the bundled sample corpus, ingested
 * with the real static embedder, searched in a real worker thread (started through tsx, as `npm start`
 * does), and compared hit for hit with `createRetriever` over the same index.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ingestPaths } from '../../ingest/ingest-paths.js';
import { loadConfig } from '../../src/config.js';
import type { Retriever, SearchHit } from '../../src/domain.js';
import { StaticEmbeddings } from '../../src/embeddings/static-embeddings.js';
import { PodciteError } from '../../src/errors.js';
import { createRetriever } from '../../src/retrieval/create-retriever.js';
import { SEARCH_THREAD_MAX_CHUNKS, SearchThread, shouldUseSearchThread } from '../../src/retrieval/worker-retriever.js';
import { loadIndex } from '../../src/store/load-index.js';
import { openLocalIndexStore } from '../../src/store/local-index-store.js';
import { buildIndexTables, type IndexTables } from '../../src/tables/index-tables.js';

const SAMPLE = fileURLToPath(new URL('../../data/', import.meta.url));
const QUESTIONS = [
  'What is the win rate of Voxtral TTS against ElevenLabs?',
  'How do they define world models?',
  'What did Felix say about running a VM on the laptop?',
  'Why is there no AlphaFold for materials?',
  'When does David start demoing the app?',
  'zzqx unknown words only',
];

let indexDir: string;
let index: IndexTables;
let inProcess: Retriever;
const embeddings = new StaticEmbeddings();
const threads: SearchThread[] = [];

function startThread(options: { workerUrl?: URL; onFailure?: (error: Error) => void } = {}): SearchThread {
  const thread = new SearchThread({ config: loadConfig({ INDEX_DIR: indexDir, EMBEDDINGS: 'local' }), ...options });
  threads.push(thread);
  return thread;
}

/** What a comparison needs of a hit: which chunk, what score, and that it is the main thread's chunk object. */
function summary(hits: SearchHit[]): Array<{ chunkId: string; score: number; own: boolean }> {
  return hits.map((hit) => ({ chunkId: hit.chunk.chunkId, score: hit.score, own: index.chunks.includes(hit.chunk) }));
}

/** The index in `dir` as the server holds it: loaded through the local store, with its tables. */
async function openIndex(dir: string): Promise<IndexTables> {
  return buildIndexTables(await loadIndex({ store: openLocalIndexStore({ dir }), embeddings }));
}

beforeAll(async () => {
  indexDir = await mkdtemp(path.join(tmpdir(), 'podcite-search-thread-'));
  await ingestPaths({ paths: [SAMPLE], indexDir, embeddings });
  index = await openIndex(indexDir);
  inProcess = createRetriever({ index, embeddings });
}, 120_000);

afterAll(async () => {
  await Promise.all(threads.map((thread) => thread.close()));
  if (indexDir) await rm(indexDir, { recursive: true, force: true });
});

describe('SearchThread', () => {
  test('returns the same hits, scores and order as in-process retrieval, as the main thread’s chunks', async () => {
    const retriever = startThread().retrieverFor(index, { fallback: inProcess });
    await retriever.loaded;
    const episodeIds = [index.manifest.episodes[1]!.episodeId, index.manifest.episodes[3]!.episodeId];
    for (const question of QUESTIONS) {
      for (const options of [{ k: 10 }, { k: 1 }, { k: 50 }, { k: 5, episodeIds }]) {
        const expected = summary(await inProcess.search(question, options));
        expect(summary(await retriever.search(question, options))).toStrictEqual(expected);
      }
    }
    const [first] = await inProcess.search(QUESTIONS[0]!, { k: 1 });
    expect(first?.chunk.text).toContain('68.4% win rate');
  });

  test('searches asked together all get their own answers', async () => {
    const retriever = startThread().retrieverFor(index, { fallback: inProcess });
    const answers = await Promise.all(QUESTIONS.map((question) => retriever.search(question, { k: 5 })));
    for (const [position, question] of QUESTIONS.entries()) {
      expect(summary(answers[position]!)).toStrictEqual(summary(await inProcess.search(question, { k: 5 })));
    }
  });

  test('a bad k is a bad_request, as in-process', async () => {
    const retriever = startThread().retrieverFor(index, { fallback: inProcess });
    for (const k of [0, 51, 2.5]) {
      const error = await retriever.search('world models', { k }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(PodciteError);
      expect((error as PodciteError).code).toBe('bad_request:search');
    }
  });

  test('a thread that cannot start is reported once, and searches run in-process instead', async () => {
    const failures: string[] = [];
    const thread = startThread({
      workerUrl: new URL('./no-such-search-worker.ts', import.meta.url),
      onFailure: (error) => failures.push(error.message),
    });
    const retriever = thread.retrieverFor(index, { fallback: inProcess });
    await retriever.loaded;
    expect(summary(await retriever.search(QUESTIONS[1]!, { k: 5 }))).toStrictEqual(
      summary(await inProcess.search(QUESTIONS[1]!, { k: 5 })),
    );
    expect(failures).toHaveLength(1);
  });

  test('an index that is not the one on disk (replaced in between) is searched in-process', async () => {
    const otherDir = await mkdtemp(path.join(tmpdir(), 'podcite-search-thread-other-'));
    try {
      await ingestPaths({ paths: [path.join(SAMPLE, 'latent-space-episodes.txt')], indexDir: otherDir, embeddings });
      const other = await openIndex(otherDir);
      const failures: string[] = [];
      const retriever = startThread({ onFailure: (error) => failures.push(error.message) }).retrieverFor(other, {
        fallback: createRetriever({ index: other, embeddings }),
      });
      await retriever.loaded;
      const hits = await retriever.search(QUESTIONS[1]!, { k: 3 });
      expect(hits.every((hit) => other.chunks.includes(hit.chunk))).toBe(true);
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatch(/loaded another index/);
    } finally {
      await rm(otherDir, { recursive: true, force: true });
    }
  });
});

describe('shouldUseSearchThread', () => {
  const base = {
    embeddings: 'local',
    chunkCount: 127_404,
    databaseStore: false,
    customEmbeddings: false,
    cores: 2,
  } as const;
  test.each([
    [{ setting: 'auto' }, true],
    [{ setting: 'auto', cores: 1 }, false],
    [{ setting: 'auto', chunkCount: SEARCH_THREAD_MAX_CHUNKS }, true],
    [{ setting: 'auto', chunkCount: SEARCH_THREAD_MAX_CHUNKS + 1 }, false],
    [{ setting: 'auto', embeddings: 'use-lite' }, false],
    [{ setting: 'auto', embeddings: 'openai' }, false],
    [{ setting: 'auto', customEmbeddings: true }, false],
    [{ setting: 'auto', databaseStore: true }, false],
    [{ setting: true, databaseStore: true }, true],
    [{ setting: true, cores: 1, chunkCount: 2_000_000, embeddings: 'use-lite' }, true],
    [{ setting: true, customEmbeddings: true }, false],
    [{ setting: false }, false],
  ] as const)('%o → %s', (overrides, expected) => {
    expect(shouldUseSearchThread({ ...base, ...overrides })).toBe(expected);
  });
});
