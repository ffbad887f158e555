import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Chunk, chunkIdOf } from '../../../src/domain.js';
import { createRetriever } from '../../../src/retrieval/create-retriever.js';
import type { IndexStore } from '../../../src/store/index-store.js';
import { loadIndex } from '../../../src/store/load-index.js';
import { openLocalIndexStore } from '../../../src/store/local-index-store.js';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../../src/store/postgres/embedded-postgres.js';
import { openPostgresIndexStore } from '../../../src/store/postgres/postgres-index-store.js';
import { buildIndexTables } from '../../../src/tables/index-tables.js';
import { embeddingText } from '../../../src/util/chunk-text.js';
import { HashingEmbeddings } from '../../support/hashing-embeddings.js';

const embeddings = new HashingEmbeddings();

const TEXTS: Record<string, string[]> = {
  alpha: [
    'We talked about rockets and how reusable boosters land again.',
    'Then the guest explained orbital refuelling for long missions.',
    'Tomatoes grow best in warm soil, and rockets do not help them.',
  ],
  beta: [
    'Espresso needs finely ground beans and hot water under pressure.',
    'Latte art takes practice: steamed milk poured into espresso.',
  ],
};

async function records() {
  return Promise.all(
    Object.entries(TEXTS).map(async ([episodeId, texts]) => {
      const chunks: Chunk[] = texts.map((text, ordinal) => ({
        chunkId: chunkIdOf(episodeId, ordinal),
        episodeId,
        episodeTitle: `Episode ${episodeId}`,
        kind: 'transcript',
        speaker: 'Host',
        speakers: ['Host'],
        text,
        start: ordinal * 10,
        end: ordinal * 10 + 10,
        approximate: false,
        chapter: null,
        ordinal,
        anchors: [{ offset: 0, seconds: ordinal * 10, approximate: false }],
      }));
      return {
        episode: {
          episodeId,
          title: `Episode ${episodeId}`,
          date: null,
          durationSeconds: null,
          url: null,
          timestamps: 'exact' as const,
          chunks: texts.length,
          contentHash: `${episodeId}:${texts.join('|')}`,
          source: `${episodeId}.vtt`,
          chapters: [],
        },
        chunks,
        vectors: await embeddings.embedDocuments(chunks.map(embeddingText)),
      };
    }),
  );
}

async function fill(store: IndexStore): Promise<void> {
  const lock = await store.lockForWriting();
  try {
    await store.write({
      embedder: { id: embeddings.id, dimension: embeddings.dimension },
      put: await records(),
      replaceAll: true,
    });
  } finally {
    await lock.release();
  }
}

let database: EmbeddedPostgres;

beforeAll(async () => {
  database = await startEmbeddedPostgres({ port: 0 });
});

afterAll(async () => {
  await database?.close();
});

describe('the hybrid retriever over the PostgreSQL store', () => {
  test('takes its lexical candidates from the database: a word only its BM25 index holds finds the chunk', async () => {
    const store = await openPostgresIndexStore({ url: database.url });
    try {
      await fill(store);
      const tables = buildIndexTables(await loadIndex({ store, embeddings }));
      // Only the database learns the word: the loaded chunks (and the in-memory BM25 built from them) keep the old text.
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      await client.query(`UPDATE chunks SET search_text = 'zebrafinch' WHERE chunk_id = 'beta#1'`);
      await client.end();

      for (const mode of ['hybrid', 'lexical'] as const) {
        const retriever = createRetriever({ index: tables, embeddings, mode });
        const hits = await retriever.search('zebrafinch', { k: 3 });
        expect(hits[0]?.chunk.chunkId).toBe('beta#1');
        expect(hits[0]?.chunk.text).toBe(TEXTS.beta![1]);
        // The episode filter applies inside the database's search.
        const filtered = await retriever.search('zebrafinch', { k: 3, episodeIds: ['alpha'] });
        expect(filtered.map((hit) => hit.chunk.chunkId)).not.toContain('beta#1');
      }
      // The same tables without the store's lexical search rank with the in-memory BM25, which never saw the word.
      const { lexicalSearch: _fromDatabase, ...withoutStoreSearch } = tables;
      const inMemory = createRetriever({ index: withoutStoreSearch, embeddings, mode: 'lexical' });
      expect(await inMemory.search('zebrafinch', { k: 3 })).toStrictEqual([]);
    } finally {
      await store.close();
    }
  });

  test('a database written before the index terms is marked stale, and the next write rewrites its BM25 text', async () => {
    const store = await openPostgresIndexStore({ url: database.url });
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await fill(store);
      // As schema steps 1 and 2 left it: the raw chunk text, and no record of the index terms.
      await client.query('UPDATE chunks SET search_text = text');
      await client.query('UPDATE podcite_index SET search_terms = 0');
      await store.reopen();
      expect((await store.manifest())?.stale).toBe(true);
      // 'explained' was stored raw; the query's index term is the stemmed one, which the raw text does not hold.
      expect((await store.lexicalSearch('explaining', { k: 3 })).map((match) => match.chunkId)).toStrictEqual([]);

      const lock = await store.lockForWriting();
      try {
        // A write that changes no episode (a library-only refresh) is enough.
        await store.write({ embedder: { id: embeddings.id, dimension: embeddings.dimension }, shows: [] });
      } finally {
        await lock.release();
      }
      await store.reopen();
      expect((await store.manifest())?.stale).toBe(false);
      expect((await store.lexicalSearch('explaining', { k: 3 })).map((match) => match.chunkId)).toStrictEqual([
        'alpha#1',
      ]);
      const { rows } = await client.query<{ vectors: string }>(
        'SELECT count(*) AS vectors FROM chunks WHERE embedding IS NOT NULL',
      );
      expect(Number(rows[0]?.vectors)).toBe(5);
    } finally {
      await client.end();
      await store.close();
    }
  });

  test('ranks and scores like the local store: same order, same relevance, same fused scores', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'podcite-lexical-'));
    {
      const postgres = await openPostgresIndexStore({ url: database.url });
      const local = openLocalIndexStore({ dir });
      try {
        await fill(postgres);
        await fill(local);
        for (const query of ['rockets', 'espresso with steamed milk', 'how do reusable rockets land?']) {
          const fromDatabase = await postgres.lexicalSearch(query, { k: 5 });
          const fromFolder = await local.lexicalSearch(query, { k: 5 });
          expect(fromDatabase.map((match) => match.chunkId)).toStrictEqual(fromFolder.map((match) => match.chunkId));
          fromDatabase.forEach((match, rank) => {
            expect(match.relevance).toBeCloseTo(fromFolder[rank]!.relevance, 1);
          });
          // Candidates another search found are scored on their own.
          const only = await postgres.lexicalSearch(query, { k: 5, chunkIds: ['alpha#2'] });
          expect(only.map((match) => match.chunkId)).toStrictEqual(
            fromFolder.some((match) => match.chunkId === 'alpha#2') ? ['alpha#2'] : [],
          );
        }
        const byDatabase = createRetriever({
          index: buildIndexTables(await loadIndex({ store: postgres, embeddings })),
          embeddings,
        });
        const byFolder = createRetriever({
          index: buildIndexTables(await loadIndex({ store: local, embeddings })),
          embeddings,
        });
        const question = 'What did the guest say about rockets landing?';
        const fromDatabase = await byDatabase.search(question, { k: 5 });
        const fromFolder = await byFolder.search(question, { k: 5 });
        expect(fromDatabase.map((hit) => hit.chunk.chunkId)).toStrictEqual(fromFolder.map((hit) => hit.chunk.chunkId));
        fromDatabase.forEach((hit, rank) => {
          expect(hit.score).toBeCloseTo(fromFolder[rank]!.score, 1);
        });
      } finally {
        await postgres.close();
        await local.close();
        await rm(dir, { recursive: true, force: true });
      }
    }
  });
});
