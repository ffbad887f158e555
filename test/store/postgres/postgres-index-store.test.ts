import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chunkIdOf } from '../../../src/domain.js';
import { PodciteError } from '../../../src/errors.js';
import type { IndexStore } from '../../../src/store/index-store.js';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../../src/store/postgres/embedded-postgres.js';
import { openPostgresIndexStore } from '../../../src/store/postgres/postgres-index-store.js';
import { describeIndexStore } from '../index-store-contract.js';

let database: EmbeddedPostgres;

beforeAll(async () => {
  database = await startEmbeddedPostgres({ port: 0 });
});

afterAll(async () => {
  await database?.close();
});

/** Empties the index the way a fresh database is: no rows, no embedder, no vector width. */
async function resetDatabase(): Promise<void> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query('DELETE FROM chunks');
    await client.query('DELETE FROM episodes');
    await client.query('DELETE FROM shows');
    await client.query(
      'UPDATE podcite_index SET embedder = NULL, dimension = NULL, ef_search = NULL, created_at = NULL, chunk_count = 0, episode_count = 0, writer = NULL, writer_until = NULL',
    );
  } finally {
    await client.end();
  }
}

const open = () => openPostgresIndexStore({ url: database.url, writeLeaseMs: 1_000 });

describeIndexStore('postgres', async () => {
  await resetDatabase();
  const opened: IndexStore[] = [];
  const store = await open();
  opened.push(store);
  return {
    store,
    openAnother: async () => {
      const another = await open();
      opened.push(another);
      return another;
    },
    dispose: async () => {
      for (const each of opened) await each.close().catch(() => undefined);
    },
  };
});

function episodeRecord(episodeId: string, texts: string[]) {
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
    chunks: texts.map((text, ordinal) => ({
      chunkId: chunkIdOf(episodeId, ordinal),
      episodeId,
      episodeTitle: `Episode ${episodeId}`,
      kind: 'transcript' as const,
      speaker: 'Host',
      speakers: ['Host'],
      text,
      start: ordinal * 10,
      end: ordinal * 10 + 10,
      approximate: false,
      chapter: null,
      ordinal,
      anchors: [{ offset: 0, seconds: ordinal * 10, approximate: false }],
    })),
    vectors: texts.map((_, ordinal) => [Math.cos(ordinal), Math.sin(ordinal), 0]),
  };
}

const EMBEDDER = { id: 'test:postgres-3', dimension: 3 };

describe('openPostgresIndexStore', () => {
  test('a database that is not there is reported with DATABASE_URL and how to start one', async () => {
    const error = await openPostgresIndexStore({ url: 'postgres://postgres@127.0.0.1:1/postgres' }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(PodciteError);
    expect((error as PodciteError).code).toBe('unavailable:database');
    expect((error as PodciteError).message).toMatch(/DATABASE_URL.*npm run db/s);
  });

  test('a second process migrating the same database applies nothing twice', async () => {
    const first = await open();
    const second = await open();
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      expect((await client.query('SELECT version FROM schema_migrations ORDER BY version')).rows).toStrictEqual([
        { version: 1 },
        { version: 2 },
        { version: 3 },
      ]);
    } finally {
      await client.end();
      await first.close();
      await second.close();
    }
  });

  test('a snapshot stays whole while another instance writes; reopen moves it on', async () => {
    await resetDatabase();
    const writer = await open();
    const reader = await open();
    try {
      const lock = await writer.lockForWriting();
      await writer.write({ embedder: EMBEDDER, put: [episodeRecord('one', ['first words', 'second words'])] });
      expect((await reader.manifest())?.chunkCount).toBe(2);
      await writer.write({ embedder: EMBEDDER, put: [episodeRecord('two', ['more words'])] });
      await lock.release();
      // Same snapshot: counts and chunks agree, whatever was committed since.
      const before: string[] = [];
      for await (const chunk of reader.scanChunks()) before.push(chunk.chunkId);
      expect(before).toStrictEqual(['one#0', 'one#1']);
      expect((await reader.manifest())?.chunkCount).toBe(2);
      await reader.reopen();
      const after: string[] = [];
      for await (const chunk of reader.scanChunks()) after.push(chunk.chunkId);
      // The episodes put last come first, as in the local store.
      expect(after).toStrictEqual(['two#0', 'one#0', 'one#1']);
    } finally {
      await writer.close();
      await reader.close();
    }
  });

  test('an episode put again unchanged is not rewritten, only moved', async () => {
    await resetDatabase();
    const store = await open();
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const one = episodeRecord('one', ['first words']);
      const two = episodeRecord('two', ['other words']);
      await store.write({ embedder: EMBEDDER, put: [one, two] });
      const ctid = async () =>
        (await client.query("SELECT ctid::text AS ctid FROM chunks WHERE chunk_id = 'one#0'")).rows[0].ctid;
      const before = await ctid();
      await store.write({ embedder: EMBEDDER, put: [two, one] });
      expect(await ctid()).toBe(before);
      await store.reopen();
      expect((await store.listEpisodes()).map((episode) => episode.episodeId)).toStrictEqual(['two', 'one']);
    } finally {
      await client.end();
      await store.close();
    }
  });

  test("while a writer holds the lock, version() moves when its write ends, not with each episode's commit", async () => {
    await resetDatabase();
    const writer = await open();
    const reader = await open();
    try {
      const lock = await writer.lockForWriting();
      await writer.write({ embedder: EMBEDDER, put: [episodeRecord('one', ['first words'])] });
      const first = await reader.version();
      expect(first).toBeDefined();
      // 'two' commits, then 'three' fails (a vector that is not finite): the write ends without publishing.
      const broken = episodeRecord('three', ['broken words']);
      broken.vectors[0] = [Number.NaN, 0, 0];
      await expect(
        writer.write({ embedder: EMBEDDER, put: [episodeRecord('two', ['more words']), broken] }),
      ).rejects.toThrow(/finite/);
      expect(await reader.version()).toBe(first);
      await lock.release();
      // No live writer: everything committed counts.
      expect(await reader.version()).not.toBe(first);
      await reader.reopen();
      expect((await reader.listEpisodes()).map((episode) => episode.episodeId).sort()).toStrictEqual(['one', 'two']);
    } finally {
      await writer.close();
      await reader.close();
    }
  });

  test('lexical search ranks by BM25 over the speaker and text, stemmed', async () => {
    await resetDatabase();
    const store = await open();
    try {
      await store.write({
        embedder: EMBEDDER,
        put: [episodeRecord('one', ['we trained the models on clusters', 'nothing relevant here', 'a model'])],
      });
      const hits = await store.lexicalSearch('training model', { k: 5 });
      expect(hits.map((hit) => hit.chunkId)).toStrictEqual(['one#0', 'one#2']);
      expect(hits.every((hit) => hit.score > 0)).toBe(true);
      // The speaker's name leads a single-speaker chunk's indexed text.
      expect((await store.lexicalSearch('host', { k: 5 })).length).toBe(3);
    } finally {
      await store.close();
    }
  });
});
