/**
 * The index kept in PostgreSQL with pgvector (HNSW, cosine) and pg_textsearch (BM25): what lets
 * several servers share one catalogue. The only module that knows the tables (`schema-migrations.ts`
 * creates them); everything else sees an `IndexStore`.
 */
import { createHash, randomUUID } from 'node:crypto';
import pg from 'pg';
import { z } from 'zod';
import {
  type Chunk,
  type ChunkKind,
  type Episode,
  episodeSchema,
  type Show,
  showSchema,
  type TimeAnchor,
} from '../../domain.js';
import { PodciteError } from '../../errors.js';
import { tokenize, tokenizeQuery } from '../../retrieval/tokenize.js';
import { embeddingText } from '../../util/chunk-text.js';
import { checkEmbedder } from '../check-embedder.js';
import type {
  DenseSearchOptions,
  IndexChange,
  IndexManifest,
  IndexStore,
  LexicalMatch,
  LexicalSearchOptions,
  ScoredChunkId,
  WriteLock,
} from '../index-store.js';
import { REBUILD_HINT } from '../read-index-files.js';
import { migrateSchema } from './schema-migrations.js';

/**
 * Default HNSW search breadth (`hnsw.ef_search`), as the local store's: the hybrid retriever asks for
 * its 100 candidates at ef 100, dense-only search uses this. pgvector returns at most ef results, so
 * a search runs at max(ef, k).
 */
export const POSTGRES_EF_SEARCH = 200;
/** pgvector's bounds for `hnsw.ef_search`. */
const EF_LIMIT = 1000;
/** HNSW build settings, as the local graph's (`dense-store.ts`): M 16, efConstruction 64. */
const HNSW_INDEX = 'chunks_embedding_hnsw';
const BM25_INDEX = 'chunks_search_text_bm25';
/** The channel each published write notifies (payload: the new version). */
export const INDEX_CHANNEL = 'podcite_index';
/** How long a writer's lease lasts without renewal, by default. */
const WRITE_LEASE_MS = 10_000;
/** During a long incremental write, what is committed is published this often (a rebuild only at its end). */
const PUBLISH_EVERY_MS = 5_000;
/** Ids per `= ANY($1)` query when reading vectors. */
const ID_BATCH = 2_000;

/**
 * What `search_text` holds: 1 = `searchTerms`, 2 = the same with "founded" stemmed as "founder" (0 = the raw
 * text of schema 1 and 2). An index written by an older version is stale until the next write rewrites it.
 */
const SEARCH_TERMS_VERSION = 2;

/**
 * The text the BM25 index ranks: podcite's own index terms (`tokenize`: stopwords dropped, its light stemmer),
 * so the database and the in-memory BM25 match the same words and rank alike. Queries go through `tokenizeQuery`.
 */
function searchTerms(text: string): string {
  return tokenize(text).join(' ');
}

/** pg_textsearch's BM25 parameters (its defaults, which the index is built with). */
const BM25_K1 = 1.2;
const BM25_B = 0.75;

/** Words no chunk holds (tokenize keeps no `zq` prefix in real text, and none of these occur): length only. */
const PADDING_WORDS = 16;
const PADDING = Array.from({ length: PADDING_WORDS }, (_, n) => `zqpodcitepad${String.fromCharCode(97 + n)}`).join(' ');

/**
 * The score of an average-length chunk holding each query word once (what the local store divides by:
 * the sum of the words' IDFs, X), from the question's score as a document of its own: bare (L words, each
 * once) it scores X · (k1 + 1) / (1 + k1 · (1 − b) + c · L) with c = k1 · b / avgdl, padded with
 * `PADDING_WORDS` words of no score X · (k1 + 1) / (1 + k1 · (1 − b) + c · (L + P)). Two equations in X and c.
 */
export function referenceFromSelfScores(options: { bare: number; padded: number; length: number }): number {
  const { bare, padded, length } = options;
  if (!(bare > 0) || !(padded > 0)) return 0;
  const k1 = BM25_K1 + 1;
  // k1'·X/bare − c·L = base and k1'·X/padded − c·(L + P) = base, so c = k1'·X·(1/padded − 1/bare) / P.
  const base = 1 + BM25_K1 * (1 - BM25_B);
  const perReference = k1 / bare - (length * k1 * (1 / padded - 1 / bare)) / PADDING_WORDS;
  return perReference > 0 ? base / perReference : 0;
}

const episodesSchema = z.array(episodeSchema);
const showsSchema = z.array(showSchema);

interface MetaRow {
  embedder: string | null;
  dimension: number | null;
  ef_search: number | null;
  search_terms: number;
  created_at: string | null;
  chunk_count: string;
  episode_count: number;
  version: string;
}

interface ChunkRow {
  chunk_id: string;
  episode_id: string;
  ordinal: number;
  episode_title: string;
  kind: string;
  speaker: string | null;
  speakers: string[];
  text: string;
  start_seconds: number | null;
  end_seconds: number | null;
  approximate: boolean;
  chapter: string | null;
  anchors: TimeAnchor[];
}

const CHUNK_COLUMNS =
  'c.chunk_id, c.episode_id, c.ordinal, c.episode_title, c.kind, c.speaker, c.speakers, c.text, c.start_seconds, c.end_seconds, c.approximate, c.chapter, c.anchors';

/** The index as read in one snapshot (a repeatable-read transaction). */
interface Snapshot {
  summary: IndexManifest;
  episodes: Episode[];
  shows: Show[];
  chunks: Chunk[];
  /** Index of each chunk in `chunks`. */
}

/**
 * Connects to the database at `url` (a `postgres://` URL: DATABASE_URL) and brings its schema up to
 * date. Reads of the catalogue (manifest, episodes, chunks) come from one consistent snapshot, taken
 * at the first read and again after `reopen`; searches and `version()` ask the database each time.
 * `write` commits each episode in a transaction of its own, so a killed ingest leaves every episode
 * either as it was or as written. Readers see a new `version()` at the end of a write (every few
 * seconds of a long incremental one; a rebuild only at its end), or as soon as a dead writer's lease
 * runs out, so servers reload on whole steps rather than after every episode.
 * @throws PodciteError `unavailable:database` when the database cannot be reached.
 */
export async function openPostgresIndexStore(options: {
  url: string;
  /** Connections in the pool; default 4. */
  poolSize?: number | undefined;
  /** Milliseconds a write lock lasts unless its holder renews it (every third of it); default 10 000. */
  writeLeaseMs?: number | undefined;
  /** Test hook awaited inside each episode's transaction just before its COMMIT; lets a test kill the process there. */
  beforeEpisodeCommit?: ((episodeId: string) => Promise<void> | void) | undefined;
}): Promise<IndexStore> {
  const location = describeUrl(options.url);
  // allowExitOnIdle: one-shot commands (ask, eval) end when their work does, as with the local store.
  const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 4, allowExitOnIdle: true });
  // An idle connection the server dropped: the pool replaces it; the next query reports real trouble.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    try {
      await migrateSchema(client);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    if (error instanceof PodciteError) throw error;
    throw new PodciteError(
      'unavailable:database',
      `Cannot use the database at ${location} (DATABASE_URL): ${errorMessage(error)}. Check that it is running and that the URL is right; \`npm run db\` starts an embedded one.`,
      { cause: error },
    );
  }
  const writeLeaseMs = options.writeLeaseMs ?? WRITE_LEASE_MS;

  let snapshot: Promise<Snapshot | undefined> | undefined;
  const read = (): Promise<Snapshot | undefined> => {
    snapshot ??= readSnapshot(pool, location);
    const current = snapshot;
    // A failed read is not remembered: the next call tries again.
    current.catch(() => {
      if (snapshot === current) snapshot = undefined;
    });
    return current;
  };

  /** The live dimension, for checking query vectors without reading a snapshot. */
  let dimension: number | undefined;
  const liveDimension = async (): Promise<number | undefined> => {
    if (dimension === undefined) {
      const { rows } = await pool.query<{ dimension: number | null }>('SELECT dimension FROM podcite_index');
      dimension = rows[0]?.dimension ?? undefined;
    }
    return dimension;
  };

  const store: IndexStore = {
    location,
    lexicalInStore: true,

    async manifest() {
      return (await read())?.summary;
    },

    async listEpisodes() {
      return [...((await read())?.episodes ?? [])];
    },

    async listShows() {
      // Straight from the table: the library is wanted even when the vectors are another embedder's.
      const { rows } = await pool.query<{ show: unknown }>('SELECT show FROM shows ORDER BY position');
      return parseRows(
        showsSchema,
        rows.map((row) => row.show),
        location,
        'shows',
      );
    },

    async *scanChunks() {
      const current = await read();
      if (current) yield* current.chunks;
    },

    async chunksById(ids) {
      if (ids.length === 0) return new Map<string, Chunk>();
      const { rows } = await pool.query<ChunkRow>(
        `SELECT ${CHUNK_COLUMNS} FROM chunks c WHERE chunk_id = ANY($1::text[])`,
        [[...ids]],
      );
      return new Map(rows.map((row) => [row.chunk_id, toChunk(row)]));
    },

    async neighbours(chunkId, span) {
      const { rows } = await pool.query<ChunkRow>(
        `SELECT ${CHUNK_COLUMNS} FROM chunks c JOIN chunks around ON around.chunk_id = $1
         WHERE c.episode_id = around.episode_id AND c.ordinal BETWEEN around.ordinal - $2 AND around.ordinal + $2
         ORDER BY c.ordinal`,
        [chunkId, Math.max(0, Math.floor(span))],
      );
      return rows.map(toChunk);
    },

    async lexicalSearch(query: string, searchOptions: LexicalSearchOptions): Promise<LexicalMatch[]> {
      const k = Math.floor(searchOptions.k);
      const { episodeIds, chunkIds } = searchOptions;
      if (!(k > 0) || episodeIds?.length === 0 || chunkIds?.length === 0 || query.trim() === '') return [];
      // pg_textsearch ranks by negated BM25 (`<@>`, lower is better; 0 = no query term in the text).
      const unique = [...new Set(tokenizeQuery(query))];
      if (unique.length === 0) return [];
      const terms = unique.join(' ');
      // The question scored as a document of its own, bare and padded with words no chunk holds (once per
      // query each: InitPlans), gives the reference exactly (`referenceFromSelfScores`).
      const conditions = [
        ...(episodeIds ? ['episode_id = ANY($4::text[])'] : []),
        ...(chunkIds ? [`chunk_id = ANY($${episodeIds ? 5 : 4}::text[])`] : []),
      ];
      const filter = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
      const { rows } = await pool.query<{ chunk_id: string; rank: number; bare: number; padded: number }>(
        `SELECT chunk_id, search_text <@> to_bm25query($1, '${BM25_INDEX}') AS rank,
           (SELECT $1::text <@> to_bm25query($1, '${BM25_INDEX}')) AS bare,
           (SELECT $3::text <@> to_bm25query($1, '${BM25_INDEX}')) AS padded FROM chunks ${filter}
         ORDER BY search_text <@> to_bm25query($1, '${BM25_INDEX}') LIMIT $2`,
        [terms, k, `${terms} ${PADDING}`, ...(episodeIds ? [episodeIds] : []), ...(chunkIds ? [chunkIds] : [])],
      );
      const first = rows[0];
      const reference = first
        ? referenceFromSelfScores({ bare: -first.bare, padded: -first.padded, length: unique.length })
        : 0;
      return rows
        .filter((row) => row.rank < 0)
        .map((row) => ({
          chunkId: row.chunk_id,
          score: -row.rank,
          relevance: reference > 0 ? -row.rank / reference : 0,
        }));
    },

    async denseSearch(vector: ArrayLike<number>, searchOptions: DenseSearchOptions): Promise<ScoredChunkId[]> {
      const indexDimension = await liveDimension();
      if (indexDimension === undefined) return [];
      if (vector.length !== indexDimension) {
        throw new PodciteError(
          'index:embedder_mismatch',
          `A ${vector.length}-dimensional query cannot search an index of ${indexDimension}-dimensional vectors. ${REBUILD_HINT}`,
        );
      }
      const k = Math.floor(searchOptions.k);
      if (!(k > 0) || searchOptions.episodeIds?.length === 0) return [];
      const literal = vectorLiteral(vector);
      if (searchOptions.episodeIds) {
        // Exact within the episodes: the HNSW index would filter after its walk and could return fewer
        // than k. `+ 0` keeps the planner off the index; the (episode_id, ordinal) index finds the rows.
        const { rows } = await pool.query<{ chunk_id: string; distance: number }>(
          `SELECT chunk_id, embedding <=> $1::vector AS distance FROM chunks WHERE episode_id = ANY($2::text[])
           ORDER BY (embedding <=> $1::vector) + 0 LIMIT $3`,
          [literal, searchOptions.episodeIds, k],
        );
        return rows.map((row) => ({ chunkId: row.chunk_id, score: 1 - row.distance }));
      }
      const requested = Number.isFinite(searchOptions.ef) ? Math.floor(searchOptions.ef!) : POSTGRES_EF_SEARCH;
      // Both go into the statement's text: integers only, within pgvector's bounds.
      const ef = Math.min(EF_LIMIT, Math.max(k, requested));
      // One simple-protocol message: ef is set for this statement's transaction only, on whichever
      // pooled connection runs it. The literal is numbers we formatted, so inlining it is safe.
      const results = (await pool.query(
        `BEGIN; SET LOCAL hnsw.ef_search = ${ef};
         SELECT chunk_id, embedding <=> '${literal}' AS distance FROM chunks ORDER BY embedding <=> '${literal}' LIMIT ${Math.min(k, EF_LIMIT)};
         COMMIT;`,
      )) as unknown as pg.QueryResult<{ chunk_id: string; distance: number }>[];
      const rows = results[2]?.rows ?? [];
      return rows.map((row) => ({ chunkId: row.chunk_id, score: 1 - Number(row.distance) }));
    },

    async readVectors(ids) {
      const vectors = new Map<string, Float32Array>();
      for (let start = 0; start < ids.length; start += ID_BATCH) {
        const { rows } = await pool.query<{ chunk_id: string; embedding: string }>(
          'SELECT chunk_id, embedding::text AS embedding FROM chunks WHERE chunk_id = ANY($1::text[])',
          [ids.slice(start, start + ID_BATCH)],
        );
        for (const row of rows) vectors.set(row.chunk_id, Float32Array.from(JSON.parse(row.embedding) as number[]));
      }
      return vectors;
    },

    async lockForWriting(): Promise<WriteLock> {
      return acquireWriteLease({ pool, location, leaseMs: writeLeaseMs });
    },

    async write(change: IndexChange) {
      snapshot = undefined;
      dimension = undefined;
      try {
        await writeChange({ pool, location, change, beforeEpisodeCommit: options.beforeEpisodeCommit });
      } finally {
        snapshot = undefined;
        dimension = undefined;
      }
    },

    async version() {
      // While a writer's lease is live, what it last published; otherwise everything committed (a writer
      // killed mid-write stops renewing, and what it committed shows when its lease runs out).
      const { rows } = await pool.query<{ version: string; embedder: string | null }>(
        `SELECT embedder, CASE WHEN writer IS NOT NULL AND writer_until > clock_timestamp()
           THEN published_version ELSE version END AS version FROM podcite_index`,
      );
      const row = rows[0];
      return row?.embedder ? row.version : undefined;
    },

    async reopen() {
      // Read first, then switch: reads meanwhile (a server's searches) keep the snapshot they had.
      const next = readSnapshot(pool, location);
      await next;
      snapshot = next;
      dimension = undefined;
    },

    async close() {
      snapshot = undefined;
      await pool.end();
    },
  };
  return store;
}

/** Reads the whole catalogue in one repeatable-read transaction: what a server builds its tables from. */
async function readSnapshot(pool: pg.Pool, location: string): Promise<Snapshot | undefined> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      const meta = (await client.query<MetaRow>('SELECT * FROM podcite_index')).rows[0];
      if (!meta?.embedder || meta.dimension === null) return undefined;
      const episodeRows = await client.query<{ episode: unknown }>('SELECT episode FROM episodes ORDER BY position');
      const showRows = await client.query<{ show: unknown }>('SELECT show FROM shows ORDER BY position');
      const chunkRows = await client.query<ChunkRow>(
        `SELECT ${CHUNK_COLUMNS} FROM chunks c JOIN episodes e USING (episode_id) ORDER BY e.position, c.ordinal`,
      );
      const episodes = parseRows(
        episodesSchema,
        episodeRows.rows.map((row) => row.episode),
        location,
        'episodes',
      );
      const shows = parseRows(
        showsSchema,
        showRows.rows.map((row) => row.show),
        location,
        'shows',
      );
      const chunks = chunkRows.rows.map(toChunk);
      const summary: IndexManifest = {
        embedder: meta.embedder,
        dimension: meta.dimension,
        chunkCount: chunks.length,
        episodeCount: episodes.length,
        efSearch: meta.ef_search ?? POSTGRES_EF_SEARCH,
        createdAt: meta.created_at ?? new Date(0).toISOString(),
        stale: meta.ef_search !== POSTGRES_EF_SEARCH || meta.search_terms !== SEARCH_TERMS_VERSION,
      };
      return {
        summary,
        episodes,
        shows,
        chunks,
      };
    } finally {
      await client.query('COMMIT');
    }
  } finally {
    client.release();
  }
}

/** Applies a change: the index's settings first, then one transaction per episode, then the library. */
async function writeChange(options: {
  pool: pg.Pool;
  location: string;
  change: IndexChange;
  beforeEpisodeCommit: ((episodeId: string) => Promise<void> | void) | undefined;
}): Promise<void> {
  const { pool, location, change } = options;
  const put = change.put ?? [];
  const remove = change.remove ?? [];
  const { dimension } = change.embedder;
  for (const record of put) {
    if (record.vectors.length !== record.chunks.length) {
      throw new PodciteError(
        'internal:store',
        `Episode ${record.episode.episodeId} has ${record.chunks.length} chunks but ${record.vectors.length} vectors.`,
      );
    }
    for (const vector of record.vectors) {
      if (vector.length !== dimension) {
        throw new PodciteError(
          'internal:store',
          `A ${vector.length}-dimensional vector cannot join an index of ${dimension}-dimensional ones.`,
        );
      }
    }
  }
  const changesEpisodes = put.length > 0 || remove.length > 0 || change.replaceAll === true;
  const now = new Date().toISOString();

  // 1. The index's identity, a rebuild's clearing, and removals; positions for the episodes put.
  const { base, stored } = await transaction(pool, async (client) => {
    const meta = (await client.query<MetaRow>('SELECT * FROM podcite_index FOR UPDATE')).rows[0]!;
    if (meta.embedder && !change.replaceAll) {
      checkEmbedder({ embedder: meta.embedder, dimension: meta.dimension ?? 0 }, change.embedder, location);
    }
    // An index written before schema step 3 ranks its raw text: any write brings it to the index terms.
    const upgradesTerms = !change.replaceAll && meta.search_terms !== SEARCH_TERMS_VERSION;
    if (upgradesTerms) await rewriteSearchTerms(client);
    if (change.replaceAll) {
      await client.query('DELETE FROM chunks');
      await client.query('DELETE FROM episodes');
      if (change.shows === undefined) await client.query('DELETE FROM shows');
      await client.query('UPDATE podcite_index SET chunk_count = 0, episode_count = 0');
    } else if (remove.length > 0) {
      await removeEpisodes(client, remove);
    }
    if (meta.dimension !== dimension || !(await hasIndex(client, HNSW_INDEX))) {
      // A new width: only when the table is empty (a rebuild or a first write; checkEmbedder refused the rest).
      await client.query(`DROP INDEX IF EXISTS ${HNSW_INDEX}`);
      await client.query(`ALTER TABLE chunks ALTER COLUMN embedding TYPE vector(${dimension})`);
      await client.query(
        `CREATE INDEX ${HNSW_INDEX} ON chunks USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)`,
      );
    }
    await client.query(
      `UPDATE podcite_index SET embedder = $1, dimension = $2, ef_search = $3,
         created_at = CASE WHEN $4::text IS NULL THEN coalesce(created_at, $5) ELSE $4 END,
         search_terms = CASE WHEN $6 OR chunk_count = 0 THEN $7 ELSE search_terms END`,
      [
        change.embedder.id,
        dimension,
        POSTGRES_EF_SEARCH,
        changesEpisodes ? now : null,
        now,
        change.replaceAll === true || upgradesTerms,
        SEARCH_TERMS_VERSION,
      ],
    );
    // Published at once only when nothing follows (a removal alone, a library-only write).
    await bumpVersion(client, put.length === 0 && change.shows === undefined);
    const { rows } = await client.query<{ low: string | null }>('SELECT min(position) AS low FROM episodes');
    const storedRows = await client.query<{ episode_id: string; episode: unknown; chunks_digest: string }>(
      'SELECT episode_id, episode, chunks_digest FROM episodes WHERE episode_id = ANY($1::text[])',
      [put.map((record) => record.episode.episodeId)],
    );
    return {
      base: Number(rows[0]?.low ?? 0) - put.length,
      stored: new Map(storedRows.rows.map((row) => [row.episode_id, row])),
    };
  });

  // 2. Each episode whole, in a transaction of its own; the ones put first come first (as the local store keeps them).
  const unchanged: { episodeId: string; position: number }[] = [];
  let published = Date.now();
  for (const [offset, record] of put.entries()) {
    const position = base + offset;
    const digest = chunksDigest(record.chunks);
    const before = stored.get(record.episode.episodeId);
    if (before && before.chunks_digest === digest && jsonOf(before.episode) === jsonOf(record.episode)) {
      unchanged.push({ episodeId: record.episode.episodeId, position });
      continue;
    }
    await transaction(pool, async (client) => {
      const removed = await removeEpisodes(client, [record.episode.episodeId]);
      await client.query(
        'INSERT INTO episodes (episode_id, position, show_id, content_hash, chunks_digest, episode) VALUES ($1, $2, $3, $4, $5, $6::jsonb)',
        [
          record.episode.episodeId,
          position,
          record.episode.showId ?? null,
          record.episode.contentHash,
          digest,
          jsonOf(record.episode),
        ],
      );
      await insertChunks(client, record.chunks, record.vectors);
      await client.query('UPDATE podcite_index SET chunk_count = chunk_count + $1, episode_count = episode_count + 1', [
        record.chunks.length,
      ]);
      const last = offset === put.length - 1 && unchanged.length === 0 && change.shows === undefined;
      const publish = last || (!change.replaceAll && Date.now() - published >= PUBLISH_EVERY_MS);
      if (publish) published = Date.now();
      await bumpVersion(client, publish);
      await options.beforeEpisodeCommit?.(record.episode.episodeId);
      return removed;
    });
  }

  // 3. Episodes put again unchanged take their new places; the library.
  if (unchanged.length > 0 || change.shows !== undefined) {
    await transaction(pool, async (client) => {
      if (unchanged.length > 0) {
        await client.query(
          `UPDATE episodes SET position = moved.position FROM
             (SELECT unnest($1::text[]) AS episode_id, unnest($2::bigint[]) AS position) AS moved
           WHERE episodes.episode_id = moved.episode_id`,
          [unchanged.map((entry) => entry.episodeId), unchanged.map((entry) => entry.position)],
        );
      }
      if (change.shows !== undefined) {
        await client.query('DELETE FROM shows');
        await client.query(
          `INSERT INTO shows (show_id, position, show)
           SELECT value->>'showId', ordinality, value FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY`,
          [JSON.stringify(change.shows)],
        );
      }
      await bumpVersion(client, true);
    });
  }
}

/** Deletes episodes with their chunks and keeps the counts; resolves how many episodes went. */
async function removeEpisodes(client: pg.PoolClient, episodeIds: readonly string[]): Promise<number> {
  const chunks = await client.query('DELETE FROM chunks WHERE episode_id = ANY($1::text[])', [episodeIds]);
  const episodes = await client.query('DELETE FROM episodes WHERE episode_id = ANY($1::text[])', [episodeIds]);
  await client.query('UPDATE podcite_index SET chunk_count = chunk_count - $1, episode_count = episode_count - $2', [
    chunks.rowCount ?? 0,
    episodes.rowCount ?? 0,
  ]);
  return episodes.rowCount ?? 0;
}

/** One INSERT for an episode's chunks: a JSON array of rows, unpacked by the database. */
async function insertChunks(
  client: pg.PoolClient,
  chunks: readonly Chunk[],
  vectors: readonly ArrayLike<number>[],
): Promise<void> {
  if (chunks.length === 0) return;
  const rows = chunks.map((chunk, position) => ({
    chunk_id: chunk.chunkId,
    episode_id: chunk.episodeId,
    ordinal: chunk.ordinal,
    episode_title: chunk.episodeTitle,
    kind: chunk.kind,
    speaker: chunk.speaker,
    speakers: chunk.speakers,
    text: chunk.text,
    start_seconds: chunk.start,
    end_seconds: chunk.end,
    approximate: chunk.approximate,
    chapter: chunk.chapter,
    anchors: chunk.anchors,
    search_text: searchTerms(embeddingText(chunk)),
    embedding: vectorLiteral(vectors[position]!),
  }));
  await client.query(
    `INSERT INTO chunks (chunk_id, episode_id, ordinal, episode_title, kind, speaker, speakers, text, start_seconds,
       end_seconds, approximate, chapter, anchors, search_text, embedding)
     SELECT r.chunk_id, r.episode_id, r.ordinal, r.episode_title, r.kind, r.speaker,
       ARRAY(SELECT jsonb_array_elements_text(r.speakers)), r.text, r.start_seconds, r.end_seconds, r.approximate,
       r.chapter, r.anchors, r.search_text, r.embedding::vector
     FROM jsonb_to_recordset($1::jsonb) AS r(chunk_id text, episode_id text, ordinal integer, episode_title text,
       kind text, speaker text, speakers jsonb, text text, start_seconds double precision, end_seconds double precision,
       approximate boolean, chapter text, anchors jsonb, search_text text, embedding text)`,
    [JSON.stringify(rows)],
  );
}

/** Counts a commit; `publish` also makes everything committed so far what `version()` reports (and NOTIFYs it). */
async function bumpVersion(client: pg.PoolClient, publish: boolean): Promise<void> {
  if (!publish) {
    await client.query('UPDATE podcite_index SET version = version + 1');
    return;
  }
  await client.query(
    `WITH bumped AS (UPDATE podcite_index SET version = version + 1, published_version = version + 1 RETURNING version)
     SELECT pg_notify('${INDEX_CHANNEL}', version::text) FROM bumped`,
  );
}

async function hasIndex(client: pg.PoolClient, name: string): Promise<boolean> {
  const { rows } = await client.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [name]);
  return rows[0]?.found != null;
}

/** Runs `work` in a transaction on one pooled connection; rolls back when it throws. */
/** Recomputes every chunk's `search_text` from its stored text (no vector changes), inside the caller's transaction. */
async function rewriteSearchTerms(client: pg.PoolClient): Promise<void> {
  const { rows } = await client.query<ChunkRow>(`SELECT ${CHUNK_COLUMNS} FROM chunks c`);
  for (let start = 0; start < rows.length; start += ID_BATCH) {
    const batch = rows.slice(start, start + ID_BATCH).map(toChunk);
    await client.query(
      `UPDATE chunks SET search_text = fresh.search_text FROM
         (SELECT unnest($1::text[]) AS chunk_id, unnest($2::text[]) AS search_text) AS fresh
       WHERE chunks.chunk_id = fresh.chunk_id`,
      [batch.map((chunk) => chunk.chunkId), batch.map((chunk) => searchTerms(embeddingText(chunk)))],
    );
  }
}

async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    try {
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    client.release();
  }
}

/**
 * The write lock: a lease on the index row that its holder renews. A holder that dies (kill -9) stops
 * renewing and its lease runs out; a writer finding the lock taken waits that long for it before
 * reporting `index:busy`. A lease rather than a session advisory lock, because the embedded
 * database's connections share one session (see `pglite-wire-server.ts`).
 */
async function acquireWriteLease(options: { pool: pg.Pool; location: string; leaseMs: number }): Promise<WriteLock> {
  const { pool, location, leaseMs } = options;
  const token = randomUUID();
  const take = async (): Promise<boolean> => {
    const { rowCount } = await pool.query(
      `UPDATE podcite_index SET writer = $1, writer_until = clock_timestamp() + $2 * interval '1 millisecond'
       WHERE writer IS NULL OR writer = $1 OR writer_until < clock_timestamp()`,
      [token, leaseMs],
    );
    return rowCount === 1;
  };
  const deadline = Date.now() + leaseMs + 1_000;
  while (!(await take())) {
    if (Date.now() > deadline) {
      throw new PodciteError(
        'index:busy',
        `Another ingest is writing to ${location}; wait for it to finish, then run this one again.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  let released = false;
  const renew = setInterval(() => {
    if (!released) void take().catch(() => undefined);
  }, leaseMs / 3);
  renew.unref();
  return {
    async release() {
      if (released) return;
      released = true;
      clearInterval(renew);
      await pool.query('UPDATE podcite_index SET writer = NULL, writer_until = NULL WHERE writer = $1', [token]);
    },
  };
}

function toChunk(row: ChunkRow): Chunk {
  return {
    chunkId: row.chunk_id,
    episodeId: row.episode_id,
    episodeTitle: row.episode_title,
    kind: row.kind as ChunkKind,
    speaker: row.speaker,
    speakers: row.speakers,
    text: row.text,
    start: row.start_seconds,
    end: row.end_seconds,
    approximate: row.approximate,
    chapter: row.chapter,
    ordinal: row.ordinal,
    anchors: row.anchors,
  };
}

/** pgvector's text form; float32 values round-trip with 9 significant digits. */
function vectorLiteral(vector: ArrayLike<number>): string {
  const parts: string[] = [];
  for (let index = 0; index < vector.length; index++) {
    const value = vector[index]!;
    if (!Number.isFinite(value)) {
      throw new PodciteError('internal:store', `Vector component ${index} is ${value}; vectors must be finite.`);
    }
    parts.push(String(Number(value.toPrecision(9))));
  }
  return `[${parts.join(',')}]`;
}

/** The stored form of an episode as jsonb returns it: keys as they are in the object, no undefined. */
function jsonOf(value: unknown): string {
  return JSON.stringify(JSON.parse(JSON.stringify(value)), sortedKeys);
}

function sortedKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).sort(([left], [right]) => (left < right ? -1 : 1)));
}

function chunksDigest(chunks: readonly Chunk[]): string {
  const hash = createHash('sha1');
  for (const chunk of chunks) hash.update(JSON.stringify(chunk)).update('\n');
  return hash.digest('base64');
}

function parseRows<T>(schema: z.ZodType<T>, rows: unknown[], location: string, table: string): T {
  const parsed = schema.safeParse(rows);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PodciteError(
      'index:corrupt',
      `The index at ${location} is damaged: the ${table} table holds a row of the wrong shape (${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}). ${REBUILD_HINT}`,
    );
  }
  return parsed.data;
}

/** The URL without its password, for messages. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return 'DATABASE_URL';
  }
}

function errorMessage(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return errorMessage(error.errors[0]);
  return error instanceof Error ? error.message : String(error);
}
