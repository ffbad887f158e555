import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_textsearch } from '@electric-sql/pglite-pg_textsearch';
import { vector } from '@electric-sql/pglite-pgvector';
import { type PgliteWireServer, startPgliteWireServer } from './pglite-wire-server.js';
import { migrateSchema } from './schema-migrations.js';

export interface EmbeddedPostgres {
  /** `postgres://postgres@HOST:PORT/postgres`: what DATABASE_URL should be set to. */
  url: string;
  port: number;
  server: PgliteWireServer;
  db: PGlite;
  /** Closes every connection, then the database (flushed to `dir`). */
  close(): Promise<void>;
}

/**
 * PostgreSQL in this process for development and tests: PGlite (PostgreSQL compiled to WebAssembly)
 * with pgvector and pg_textsearch, its schema migrated, served over the wire protocol to any number
 * of clients (see `startPgliteWireServer` for how they share its one session).
 */
export async function startEmbeddedPostgres(options: {
  /** Data folder, created if missing; undefined keeps the database in memory. */
  dir?: string | undefined;
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1. */
  host?: string | undefined;
  maxConnections?: number | undefined;
  onError?: ((error: unknown) => void) | undefined;
}): Promise<EmbeddedPostgres> {
  let dataDir: string | undefined;
  if (options.dir !== undefined) {
    dataDir = path.resolve(options.dir);
    await mkdir(dataDir, { recursive: true });
  }
  const db = await PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { vector, pg_textsearch } });
  try {
    await migrateSchema(db);
    const server = await startPgliteWireServer({
      db,
      port: options.port,
      host: options.host,
      maxConnections: options.maxConnections,
      onError: options.onError,
    });
    const host = server.host.includes(':') ? `[${server.host}]` : server.host;
    return {
      url: `postgres://postgres@${host}:${server.port}/postgres`,
      port: server.port,
      server,
      db,
      async close() {
        await server.close();
        await db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}
