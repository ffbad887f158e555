import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { main, parseDbArguments } from '../../src/cli/db.js';
import { spawnDatabase } from '../support/spawn-database.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'podcite-db-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

describe('podcite db', () => {
  test.each([
    [['--port', '99999'], '--port must be 0..65535 (got "99999")'],
    [['--max-connections', '0'], '--max-connections must be a positive integer (got "0")'],
  ])('%j is a usage error', (argv, message) => {
    expect(parseDbArguments(argv)).toStrictEqual({ error: message });
  });

  test('--help prints the usage on stdout and exits 0', async () => {
    const written: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      expect(await main(['--help'])).toBe(0);
    } finally {
      write.mockRestore();
    }
    expect(written.join('')).toMatch(/^Usage: npm run db -- \[--port PORT\] \[--dir DIR\]/);
  });

  test('serves a migrated database, stops cleanly on SIGTERM and SIGINT, and keeps its data', async () => {
    const first = await spawnDatabase({ dir, startTimeoutMs: 110_000 });
    const migrated = await withClient(first.url, async (client) => {
      await client.query("INSERT INTO shows (show_id, position, show) VALUES ('kept', 0, '{}')");
      return (await client.query('SELECT version FROM schema_migrations ORDER BY version')).rows;
    });
    expect(migrated).toStrictEqual([{ version: 1 }, { version: 2 }, { version: 3 }]);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.stderr()).toContain('SIGTERM: closing connections');

    // Reopened: the row is there and the migrations are not applied twice.
    const second = await spawnDatabase({ dir, startTimeoutMs: 110_000 });
    const rows = await withClient(second.url, async (client) => ({
      shows: (await client.query('SELECT show_id FROM shows')).rows,
      migrations: (await client.query('SELECT count(*)::int AS n FROM schema_migrations')).rows,
    }));
    expect(rows).toStrictEqual({ shows: [{ show_id: 'kept' }], migrations: [{ n: 3 }] });
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
    // Two PGlite start-ups (WebAssembly compiled each time): slow on a busy two-core machine.
  }, 240_000);
});
