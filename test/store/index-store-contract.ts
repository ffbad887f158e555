/**
 * What every `IndexStore` must do, as a suite any implementation runs on itself:
 * `describeIndexStore('local', makeHarness)`. Vectors here are unit length (stores that keep cosine
 * vectors may normalise them) and 4-dimensional; chunks are real `Chunk`s.
 */
import { describe, expect, test } from 'vitest';
import { type Chunk, chunkIdOf, type Episode, type Show } from '../../src/domain.js';
import { PodciteError } from '../../src/errors.js';
import { checkEmbedder } from '../../src/store/check-embedder.js';
import type { EpisodeRecord, IndexChange, IndexStore } from '../../src/store/index-store.js';

export interface IndexStoreHarness {
  /** A store over an empty index, used by the test. */
  store: IndexStore;
  /** A second, independent instance over the same index (another process would open this). */
  openAnother(): Promise<IndexStore>;
  /** Closes what the harness opened and deletes the index. */
  dispose(): Promise<void>;
}

const EMBEDDER = { id: 'test:contract-4', dimension: 4 };

/** Unit vectors along (or between) the four axes. */
const AXIS = {
  x: [1, 0, 0, 0],
  y: [0, 1, 0, 0],
  z: [0, 0, 1, 0],
  w: [0, 0, 0, 1],
  /** Mostly x, some y. */
  xy: [0.8, 0.6, 0, 0],
  /** Mostly w, some y. */
  wy: [0, 0.6, 0, 0.8],
} as const;

function makeChunk(episodeId: string, ordinal: number, text: string): Chunk {
  return {
    chunkId: chunkIdOf(episodeId, ordinal),
    episodeId,
    episodeTitle: `Episode ${episodeId}`,
    kind: 'transcript',
    speaker: 'Host',
    speakers: ['Host'],
    text,
    start: ordinal * 30,
    end: ordinal * 30 + 30,
    approximate: false,
    chapter: null,
    ordinal,
    anchors: [{ offset: 0, seconds: ordinal * 30, approximate: false }],
  };
}

function makeEpisode(episodeId: string, chunkCount: number, contentHash = episodeId): Episode {
  return {
    episodeId,
    title: `Episode ${episodeId}`,
    date: null,
    durationSeconds: null,
    url: null,
    timestamps: 'exact',
    chunks: chunkCount,
    contentHash,
    source: `${episodeId}.vtt`,
    chapters: [],
  };
}

/** An episode whose chunk n says `texts[n]` and has vector `vectors[n]`. */
function record(episodeId: string, entries: Array<[string, readonly number[]]>, contentHash?: string): EpisodeRecord {
  return {
    episode: makeEpisode(episodeId, entries.length, contentHash),
    chunks: entries.map(([text], ordinal) => makeChunk(episodeId, ordinal, text)),
    vectors: entries.map(([, vector]) => vector),
  };
}

const ALPHA = record('alpha', [
  ['alpha opens with tomatoes from the garden', AXIS.x],
  ['alpha then talks about rockets and launches', AXIS.y],
  ['alpha ends with violins in the orchestra', AXIS.z],
]);
const BETA = record('beta', [
  ['beta is about rockets rockets rockets', AXIS.wy],
  ['beta closes on glaciers melting', AXIS.w],
]);

const SHOW: Show = {
  showId: 'example-com-show',
  title: 'A show',
  author: null,
  image: null,
  feedUrl: 'https://example.com/show.xml',
  etag: null,
  lastModified: null,
  lastRefreshed: '2026-01-01T00:00:00.000Z',
  items: [{ guid: 'g1', episodeId: 'alpha', itemHash: 'h1' }],
};

async function allChunks(store: IndexStore): Promise<Chunk[]> {
  const chunks: Chunk[] = [];
  for await (const chunk of store.scanChunks()) chunks.push(chunk);
  return chunks;
}

/** Chunk ids grouped by episode, in the order the store yields them (episode order is the store's own). */
async function chunkIdsByEpisode(store: IndexStore): Promise<Record<string, string[]>> {
  const grouped: Record<string, string[]> = {};
  for (const chunk of await allChunks(store)) {
    const ids = grouped[chunk.episodeId] ?? [];
    ids.push(chunk.chunkId);
    grouped[chunk.episodeId] = ids;
  }
  return grouped;
}

async function writeLocked(store: IndexStore, change: IndexChange): Promise<void> {
  const lock = await store.lockForWriting();
  try {
    await store.write(change);
  } finally {
    await lock.release();
  }
}

async function rejection(promise: Promise<unknown>): Promise<PodciteError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof PodciteError)) throw new Error(`expected a PodciteError, got ${String(error)}`);
  return error;
}

/**
 * Registers the contract tests for one implementation. `makeHarness` is called once per test and
 * must give a store over an empty index.
 */
export function describeIndexStore(name: string, makeHarness: () => Promise<IndexStoreHarness>): void {
  describe(`IndexStore contract: ${name}`, () => {
    const withStore = (body: (harness: IndexStoreHarness) => Promise<void>) => async () => {
      const harness = await makeHarness();
      try {
        await body(harness);
      } finally {
        await harness.dispose();
      }
    };

    test(
      'an empty store has no manifest, no episodes, no chunks, no version, and searches find nothing',
      withStore(async ({ store }) => {
        expect(await store.manifest()).toBeUndefined();
        expect(await store.listEpisodes()).toStrictEqual([]);
        expect(await store.listShows()).toStrictEqual([]);
        expect(await allChunks(store)).toStrictEqual([]);
        expect(await store.version()).toBeUndefined();
        expect(await store.chunksById(['alpha#0'])).toStrictEqual(new Map());
        expect(await store.lexicalSearch('tomatoes', { k: 5 })).toStrictEqual([]);
      }),
    );

    test(
      'what is written reads back: manifest, episodes, chunks by episode and ordinal, chunks by id, vectors',
      withStore(async ({ store }) => {
        await writeLocked(store, { embedder: EMBEDDER, put: [ALPHA, BETA], shows: [SHOW] });
        const manifest = await store.manifest();
        expect(manifest).toMatchObject({ embedder: EMBEDDER.id, dimension: 4, chunkCount: 5, episodeCount: 2 });
        expect(manifest?.stale).toBe(false);
        expect(Number.isNaN(Date.parse(manifest?.createdAt ?? ''))).toBe(false);
        const episodes = await store.listEpisodes();
        expect(episodes.map((episode) => episode.episodeId).sort()).toStrictEqual(['alpha', 'beta']);
        expect(episodes.find((episode) => episode.episodeId === 'alpha')).toStrictEqual(ALPHA.episode);
        expect(await store.listShows()).toStrictEqual([SHOW]);
        expect(await chunkIdsByEpisode(store)).toStrictEqual({
          alpha: ['alpha#0', 'alpha#1', 'alpha#2'],
          beta: ['beta#0', 'beta#1'],
        });
        const found = await store.chunksById(['beta#1', 'alpha#0', 'nope#9']);
        expect([...found.keys()].sort()).toStrictEqual(['alpha#0', 'beta#1']);
        expect(found.get('beta#1')).toStrictEqual(BETA.chunks[1]);
        const vectors = await store.readVectors(['alpha#1', 'beta#1', 'nope#9']);
        expect([...vectors.keys()].sort()).toStrictEqual(['alpha#1', 'beta#1']);
        expect(vectors.get('alpha#1')).toBeInstanceOf(Float32Array);
        expect([...vectors.get('alpha#1')!].map((value) => Math.round(value * 1e6) / 1e6)).toStrictEqual([0, 1, 0, 0]);
        expect([...vectors.get('beta#1')!].map((value) => Math.round(value * 1e6) / 1e6)).toStrictEqual([0, 0, 0, 1]);
      }),
    );

    test(
      'neighbours are the chunks of the same episode within the span, by ordinal',
      withStore(async ({ store }) => {
        await writeLocked(store, { embedder: EMBEDDER, put: [ALPHA, BETA] });
        const ids = async (chunkId: string, span: number) =>
          (await store.neighbours(chunkId, span)).map((chunk) => chunk.chunkId);
        expect(await ids('alpha#1', 1)).toStrictEqual(['alpha#0', 'alpha#1', 'alpha#2']);
        expect(await ids('alpha#0', 1)).toStrictEqual(['alpha#0', 'alpha#1']);
        expect(await ids('beta#1', 5)).toStrictEqual(['beta#0', 'beta#1']);
        expect(await ids('alpha#2', 0)).toStrictEqual(['alpha#2']);
        expect(await ids('nope#0', 1)).toStrictEqual([]);
      }),
    );

    test(
      'lexical search ranks the chunk that says the words most first, and honours the episode filter',
      withStore(async ({ store }) => {
        await writeLocked(store, { embedder: EMBEDDER, put: [ALPHA, BETA] });
        const all = await store.lexicalSearch('rockets', { k: 5 });
        expect(all.map((hit) => hit.chunkId)).toStrictEqual(['beta#0', 'alpha#1']);
        expect(all[0]!.score).toBeGreaterThan(all[1]!.score);
        const filtered = await store.lexicalSearch('rockets', { k: 5, episodeIds: ['alpha'] });
        expect(filtered.map((hit) => hit.chunkId)).toStrictEqual(['alpha#1']);
        expect(await store.lexicalSearch('rockets', { k: 5, episodeIds: [] })).toStrictEqual([]);
        expect((await store.lexicalSearch('rockets', { k: 1 })).map((hit) => hit.chunkId)).toStrictEqual(['beta#0']);
        expect(await store.lexicalSearch('submarines', { k: 5 })).toStrictEqual([]);
      }),
    );

    test(
      'dense search ranks by cosine similarity, fills k inside an episode filter, and refuses a wrong dimension',
      withStore(async ({ store }) => {
        await writeLocked(store, { embedder: EMBEDDER, put: [ALPHA, BETA] });
        const hits = await store.denseSearch(AXIS.xy, { k: 3 });
        expect(hits.map((hit) => hit.chunkId)).toStrictEqual(['alpha#0', 'alpha#1', 'beta#0']);
        expect(hits.map((hit) => Math.round(hit.score * 1e5) / 1e5)).toStrictEqual([0.8, 0.6, 0.36]);
        const nearest = await store.denseSearch(AXIS.w, { k: 1 });
        expect(nearest.map((hit) => hit.chunkId)).toStrictEqual(['beta#1']);
        expect(nearest[0]!.score).toBeCloseTo(1, 5);
        // Only alpha's three chunks may come back, however near beta's are.
        const filtered = await store.denseSearch(AXIS.w, { k: 3, episodeIds: ['alpha'] });
        expect(filtered.map((hit) => hit.chunkId).sort()).toStrictEqual(['alpha#0', 'alpha#1', 'alpha#2']);
        expect(await store.denseSearch(AXIS.w, { k: 3, episodeIds: [] })).toStrictEqual([]);
        const wrong = await rejection(store.denseSearch([1, 0, 0], { k: 1 }));
        expect(wrong.code).toBe('index:embedder_mismatch');
      }),
    );

    test(
      'remove drops an episode with its chunks and vectors and leaves the others',
      withStore(async ({ store }) => {
        await writeLocked(store, { embedder: EMBEDDER, put: [ALPHA, BETA] });
        await writeLocked(store, { embedder: EMBEDDER, remove: ['beta', 'never-there'] });
        expect((await store.listEpisodes()).map((episode) => episode.episodeId)).toStrictEqual(['alpha']);
        expect(await chunkIdsByEpisode(store)).toStrictEqual({ alpha: ['alpha#0', 'alpha#1', 'alpha#2'] });
        expect((await store.manifest())?.chunkCount).toBe(3);
        expect(await store.chunksById(['beta#0'])).toStrictEqual(new Map());
        expect(await store.readVectors(['beta#0'])).toStrictEqual(new Map());
        expect((await store.denseSearch(AXIS.w, { k: 5 })).map((hit) => hit.chunkId).sort()).toStrictEqual([
          'alpha#0',
          'alpha#1',
          'alpha#2',
        ]);
        expect((await store.lexicalSearch('glaciers', { k: 5 })).map((hit) => hit.chunkId)).toStrictEqual([]);
      }),
    );

    test(
      'putting an episode again replaces it whole: no chunk of the old version survives',
      withStore(async ({ store }) => {
        await writeLocked(store, { embedder: EMBEDDER, put: [ALPHA, BETA] });
        const shorter = record('alpha', [['alpha now only discusses espresso', AXIS.w]], 'alpha-v2');
        await writeLocked(store, { embedder: EMBEDDER, put: [shorter] });
        expect(await chunkIdsByEpisode(store)).toStrictEqual({ alpha: ['alpha#0'], beta: ['beta#0', 'beta#1'] });
        expect((await store.listEpisodes()).find((episode) => episode.episodeId === 'alpha')?.contentHash).toBe(
          'alpha-v2',
        );
        expect((await store.chunksById(['alpha#0'])).get('alpha#0')?.text).toBe('alpha now only discusses espresso');
        expect(await store.chunksById(['alpha#1', 'alpha#2'])).toStrictEqual(new Map());
        expect((await store.lexicalSearch('tomatoes', { k: 5 })).map((hit) => hit.chunkId)).toStrictEqual([]);
        expect((await store.lexicalSearch('espresso', { k: 5 })).map((hit) => hit.chunkId)).toStrictEqual(['alpha#0']);
        expect((await store.manifest())?.chunkCount).toBe(3);
      }),
    );

    test(
      'replaceAll drops everything first and may switch embedder; without it another embedder is refused',
      withStore(async ({ store }) => {
        await writeLocked(store, { embedder: EMBEDDER, put: [ALPHA, BETA] });
        const other = { id: 'test:other-4', dimension: 4 };
        const refused = await rejection(writeLocked(store, { embedder: other, put: [BETA] }));
        expect(refused.code).toBe('index:embedder_mismatch');
        expect((await store.manifest())?.embedder).toBe(EMBEDDER.id);
        expect((await store.manifest())?.chunkCount).toBe(5);
        await writeLocked(store, { embedder: other, put: [BETA], replaceAll: true });
        expect((await store.manifest())?.embedder).toBe(other.id);
        expect((await store.listEpisodes()).map((episode) => episode.episodeId)).toStrictEqual(['beta']);
        expect(await chunkIdsByEpisode(store)).toStrictEqual({ beta: ['beta#0', 'beta#1'] });
      }),
    );

    test(
      "the manifest names the embedder, and checkEmbedder refuses another embedder's queries",
      withStore(async ({ store }) => {
        await writeLocked(store, { embedder: EMBEDDER, put: [ALPHA] });
        const manifest = (await store.manifest())!;
        expect(() => checkEmbedder(manifest, EMBEDDER, store.location)).not.toThrow();
        for (const embedder of [
          { id: 'test:other-4', dimension: 4 },
          { id: EMBEDDER.id, dimension: 8 },
        ]) {
          let caught: unknown;
          try {
            checkEmbedder(manifest, embedder, store.location);
          } catch (error) {
            caught = error;
          }
          expect(caught).toBeInstanceOf(PodciteError);
          expect((caught as PodciteError).code).toBe('index:embedder_mismatch');
          expect((caught as PodciteError).message).toContain(store.location);
        }
      }),
    );

    test(
      'version changes with every write, and not without one; a shows-only write keeps createdAt and the chunks',
      withStore(async ({ store }) => {
        await writeLocked(store, { embedder: EMBEDDER, put: [ALPHA] });
        const first = await store.version();
        expect(first).toBeDefined();
        expect(await store.version()).toBe(first);
        const createdAt = (await store.manifest())?.createdAt;
        await writeLocked(store, { embedder: EMBEDDER, shows: [SHOW] });
        const second = await store.version();
        expect(second).not.toBe(first);
        expect(await store.listShows()).toStrictEqual([SHOW]);
        expect((await store.manifest())?.createdAt).toBe(createdAt);
        expect(await chunkIdsByEpisode(store)).toStrictEqual({ alpha: ['alpha#0', 'alpha#1', 'alpha#2'] });
        await writeLocked(store, { embedder: EMBEDDER, put: [BETA] });
        expect(await store.version()).not.toBe(second);
        // The library stays when a later write does not mention it.
        expect(await store.listShows()).toStrictEqual([SHOW]);
      }),
    );

    test(
      'another instance sees a write after reopen, and its version() moves at once',
      withStore(async ({ store, openAnother }) => {
        await writeLocked(store, { embedder: EMBEDDER, put: [ALPHA] });
        const reader = await openAnother();
        try {
          expect((await reader.listEpisodes()).map((episode) => episode.episodeId)).toStrictEqual(['alpha']);
          const before = await reader.version();
          await writeLocked(store, { embedder: EMBEDDER, put: [BETA] });
          expect(await reader.version()).not.toBe(before);
          await reader.reopen();
          expect((await reader.listEpisodes()).map((episode) => episode.episodeId).sort()).toStrictEqual([
            'alpha',
            'beta',
          ]);
          expect((await reader.manifest())?.chunkCount).toBe(5);
          expect((await reader.denseSearch(AXIS.w, { k: 1 })).map((hit) => hit.chunkId)).toStrictEqual(['beta#1']);
        } finally {
          await reader.close();
        }
      }),
    );

    test(
      'the write lock is exclusive until released',
      withStore(async ({ store, openAnother }) => {
        const other = await openAnother();
        try {
          const lock = await store.lockForWriting();
          const busy = await rejection(other.lockForWriting());
          expect(busy.code).toBe('index:busy');
          await lock.release();
          await lock.release();
          const again = await other.lockForWriting();
          await again.release();
        } finally {
          await other.close();
        }
      }),
    );
  });
}
