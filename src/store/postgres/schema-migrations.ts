import { PodciteError } from '../../errors.js';

/** What the migrations need of a connection: `pg`'s `Client` / `PoolClient` and PGlite both fit. */
export interface SqlSession {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface SchemaMigration {
  /** Applied in ascending order; never renumber or edit one that has shipped, add the next. */
  version: number;
  name: string;
  /** Run one by one (PGlite's `query` takes a single statement). */
  statements: readonly string[];
}

/**
 * The schema, one step at a time. The chunk's `embedding` column is left without a width here:
 * the width is the embedder's, known at the first write, when the store fixes it (`vector(N)`) and
 * builds the HNSW index (see `postgres-index-store.ts`).
 */
export const SCHEMA_MIGRATIONS: readonly SchemaMigration[] = [
  {
    version: 1,
    name: 'index tables, bm25 over chunk text',
    statements: [
      `CREATE EXTENSION IF NOT EXISTS vector`,
      `CREATE EXTENSION IF NOT EXISTS pg_textsearch`,
      // The manifest's scalars (one row) and the version readers poll: bumped by every committed write.
      `CREATE TABLE podcite_index (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        embedder text,
        dimension integer,
        ef_search integer,
        created_at text,
        chunk_count bigint NOT NULL DEFAULT 0,
        episode_count integer NOT NULL DEFAULT 0,
        version bigint NOT NULL DEFAULT 0,
        -- The ingest's write lock: a lease its holder renews (see lockForWriting).
        writer text,
        writer_until timestamptz
      )`,
      `INSERT INTO podcite_index DEFAULT VALUES`,
      `CREATE TABLE shows (
        show_id text PRIMARY KEY,
        position integer NOT NULL,
        show jsonb NOT NULL
      )`,
      `CREATE TABLE episodes (
        episode_id text PRIMARY KEY,
        position bigint NOT NULL,
        show_id text,
        content_hash text NOT NULL,
        -- sha1 of the chunks as written: an episode put again unchanged is not rewritten.
        chunks_digest text NOT NULL,
        episode jsonb NOT NULL
      )`,
      `CREATE TABLE chunks (
        chunk_id text PRIMARY KEY,
        episode_id text NOT NULL REFERENCES episodes (episode_id) ON DELETE CASCADE,
        ordinal integer NOT NULL,
        episode_title text NOT NULL,
        kind text NOT NULL,
        speaker text,
        speakers text[] NOT NULL,
        text text NOT NULL,
        start_seconds double precision,
        end_seconds double precision,
        approximate boolean NOT NULL,
        chapter text,
        anchors jsonb NOT NULL,
        -- embeddingText(chunk): what the dense side embedded and the bm25 index ranks
        search_text text NOT NULL,
        embedding vector NOT NULL
      )`,
      `CREATE UNIQUE INDEX chunks_episode_ordinal ON chunks (episode_id, ordinal)`,
      `CREATE INDEX chunks_search_text_bm25 ON chunks USING bm25 (search_text) WITH (text_config = 'english')`,
    ],
  },
  {
    version: 2,
    name: 'published version: readers reload on whole steps of a write',
    statements: [
      // What version() reports while a writer's lease is live; set at the end of each write (and every few
      // seconds of a long incremental one), so servers do not reload after every episode.
      'ALTER TABLE podcite_index ADD COLUMN published_version bigint NOT NULL DEFAULT 0',
    ],
  },
  {
    version: 3,
    name: 'bm25 over the index terms the local store ranks (tokenize), so both rank alike',
    statements: [
      // search_text now holds tokenize(embeddingText(chunk)) joined by spaces: stopwords dropped, podcite's own
      // stemmer applied; 'simple' only splits and lower-cases it. Rows written before keep their raw text until
      // the next write rewrites them (`search_terms` < SEARCH_TERMS_VERSION marks the index stale until then).
      'DROP INDEX IF EXISTS chunks_search_text_bm25',
      `CREATE INDEX chunks_search_text_bm25 ON chunks USING bm25 (search_text) WITH (text_config = 'simple')`,
      'ALTER TABLE podcite_index ADD COLUMN search_terms integer NOT NULL DEFAULT 0',
    ],
  },
];

/** Any number: every podcite process migrating the same database takes this transaction-scoped lock first. */
const MIGRATION_LOCK = 7_146_011;

/**
 * Brings the database's schema up to `SCHEMA_MIGRATIONS`, in one transaction under an advisory lock,
 * so processes opening the same database at once apply each step once. Idempotent: a current
 * schema costs one short transaction. Resolves the schema version now in force.
 * @throws PodciteError `index:schema` when the database was migrated by a newer podcite.
 */
export async function migrateSchema(
  session: SqlSession,
  migrations: readonly SchemaMigration[] = SCHEMA_MIGRATIONS,
): Promise<number> {
  await session.query('BEGIN');
  try {
    await session.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await session.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await session.query('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((row) => (row as { version: number }).version));
    const known = Math.max(0, ...migrations.map((migration) => migration.version));
    const newest = Math.max(0, ...applied);
    if (newest > known) {
      throw new PodciteError(
        'index:schema',
        `The database's podcite schema is at version ${newest}, newer than this podcite knows (${known}). Upgrade podcite, or point DATABASE_URL at another database.`,
      );
    }
    for (const migration of [...migrations].sort((left, right) => left.version - right.version)) {
      if (applied.has(migration.version)) continue;
      for (const statement of migration.statements) await session.query(statement);
      await session.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
    }
    await session.query('COMMIT');
    return known;
  } catch (error) {
    await session.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
