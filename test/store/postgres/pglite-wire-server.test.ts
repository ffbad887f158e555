import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { type PgliteWireServer, startPgliteWireServer } from '../../../src/store/postgres/pglite-wire-server.js';

let db: PGlite;
let server: PgliteWireServer;
let url: string;
const clients: pg.Client[] = [];

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  // A client the server drops (or a test kills) reports it here; the assertions are elsewhere.
  client.on('error', () => undefined);
  await client.connect();
  clients.push(client);
  return client;
}

beforeAll(async () => {
  db = await PGlite.create();
  await db.exec('CREATE TABLE notes (n integer)');
  server = await startPgliteWireServer({ db, port: 0, maxConnections: 6 });
  url = `postgres://postgres@127.0.0.1:${server.port}/postgres`;
});

afterEach(async () => {
  for (const client of clients.splice(0)) await client.end().catch(() => undefined);
});

afterAll(async () => {
  await server.close();
  await db.close();
});

async function count(client: pg.Client): Promise<number> {
  return Number((await client.query('SELECT count(*) AS n FROM notes')).rows[0].n);
}

describe('startPgliteWireServer', () => {
  test('concurrent parameterised statements of several connections each get their own results', async () => {
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    try {
      const results = await Promise.all(
        Array.from({ length: 400 }, async (_, index) => {
          if (index % 2 === 0) return (await pool.query('SELECT $1::int AS value', [index])).rows[0].value;
          const { rows } = await pool.query("SELECT $1::text || '!' AS value, $2::int AS other", [`${index}`, -index]);
          return rows[0].other === -index ? rows[0].value : 'mixed up';
        }),
      );
      expect(results).toStrictEqual(Array.from({ length: 400 }, (_, index) => (index % 2 === 0 ? index : `${index}!`)));
    } finally {
      await pool.end();
    }
  });

  test('a result of many megabytes arrives intact', async () => {
    const client = await connect();
    const { rows } = await client.query<{ n: number; text: string }>(
      'SELECT n, repeat(md5(n::text), 32) AS text FROM generate_series(1, 20000) AS n',
    );
    expect(rows).toHaveLength(20_000);
    const wrong = rows.filter((row, index) => row.n !== index + 1 || row.text.length !== 1024);
    expect(wrong).toStrictEqual([]);
  });

  test('another connection waits for an open transaction and never sees its rolled-back rows', async () => {
    const writer = await connect();
    const reader = await connect();
    await writer.query('BEGIN');
    await writer.query('INSERT INTO notes VALUES (1), (2)');
    let readerDone = false;
    const seen = count(reader).then((value) => {
      readerDone = true;
      return value;
    });
    // The writer goes on inside its transaction while the reader is queued.
    expect(await count(writer)).toBe(2);
    expect(readerDone).toBe(false);
    await writer.query('ROLLBACK');
    expect(await seen).toBe(0);
  });

  test('a committed transaction is seen whole by the next reader', async () => {
    const writer = await connect();
    const reader = await connect();
    await writer.query('BEGIN');
    await writer.query('INSERT INTO notes VALUES (1)');
    const seen = count(reader);
    await writer.query('INSERT INTO notes VALUES (2)');
    await writer.query('COMMIT');
    expect(await seen).toBe(2);
    await writer.query('DELETE FROM notes');
  });

  test('a client killed inside a transaction has it rolled back, and the others carry on', async () => {
    const writer = await connect();
    const reader = await connect();
    await writer.query('BEGIN');
    await writer.query('INSERT INTO notes VALUES (7)');
    const seen = count(reader);
    (writer as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    expect(await seen).toBe(0);
    expect(db.isInTransaction()).toBe(false);
  });

  test('a failed statement inside a transaction leaves the other connections working', async () => {
    const writer = await connect();
    const reader = await connect();
    await writer.query('BEGIN');
    await expect(writer.query('SELECT no_such_column FROM notes')).rejects.toThrow(/no_such_column/);
    const seen = count(reader);
    await writer.query('ROLLBACK');
    expect(await seen).toBe(0);
  });

  test('connections past maxConnections are refused with a PostgreSQL error', async () => {
    const held = await Promise.all(Array.from({ length: 6 }, () => connect()));
    const extra = new pg.Client({ connectionString: url });
    await expect(extra.connect()).rejects.toThrow(/too many connections/);
    expect(await count(held[0]!)).toBe(0);
  });
});
