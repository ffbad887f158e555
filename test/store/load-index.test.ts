import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HNSWLib } from '@langchain/community/vectorstores/hnswlib';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type Chunk, chunkIdOf, type Manifest } from '../../src/domain.js';
import { PodciteError } from '../../src/errors.js';
import { loadIndex } from '../../src/store/load-index.js';
import { EF_SEARCH, openLocalIndexStore } from '../../src/store/local-index-store.js';
import { writeIndexFiles } from '../../src/store/write-index-files.js';
import { embeddingText } from '../../src/util/chunk-text.js';
import { HashingEmbeddings } from '../support/hashing-embeddings.js';

function chunk(episodeId: string, ordinal: number, text: string): Chunk {
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

const topics = ['tomatoes', 'rockets', 'violins', 'glaciers', 'databases', 'espresso'];
const chunks: Chunk[] = [
  ...topics.map((topic, ordinal) => chunk('alpha', ordinal, `alpha talks about ${topic} and more ${topic}`)),
  ...topics.map((topic, ordinal) => chunk('beta', ordinal, `beta covers ${topic} in depth`)),
  chunk('gamma', 0, 'gamma is only about tomatoes tomatoes tomatoes'),
];

function manifestFor(embeddings: HashingEmbeddings, indexChunks: Chunk[]): Manifest {
  const episodeIds = [...new Set(indexChunks.map((entry) => entry.episodeId))];
  return {
    version: 1,
    embedder: embeddings.id,
    dimension: embeddings.dimension,
    createdAt: '2026-01-01T00:00:00.000Z',
    chunkCount: indexChunks.length,
    efSearch: 100,
    episodes: episodeIds.map((episodeId) => ({
      episodeId,
      title: `Episode ${episodeId}`,
      date: null,
      durationSeconds: null,
      url: null,
      timestamps: 'exact',
      chunks: indexChunks.filter((entry) => entry.episodeId === episodeId).length,
      contentHash: episodeId,
      source: `${episodeId}.vtt`,
      chapters: [],
    })),
  };
}

async function buildIndex(dir: string, embeddings: HashingEmbeddings, indexChunks: Chunk[] = chunks): Promise<void> {
  const vectors = await embeddings.embedDocuments(indexChunks.map((entry) => embeddingText(entry)));
  await writeIndexFiles({ dir, manifest: manifestFor(embeddings, indexChunks), chunks: indexChunks, vectors });
}

async function codeOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PodciteError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a PodciteError');
}

function dot(a: number[], b: number[]): number {
  return a.reduce((sum, value, index) => sum + value * b[index]!, 0);
}

describe('loadIndex', () => {
  let root: string;
  let dir: string;
  const embeddings = new HashingEmbeddings({ dimension: 32 });

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'podcite-load-'));
    dir = path.join(root, 'index');
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('an index written before chapter lists had a kind of their own loads with its show notes reclassified', async () => {
    const legacy: Chunk[] = [
      {
        ...chunk('alpha', 0, 'We talk about tomatoes and why they matter.'),
        kind: 'shownotes',
        speaker: null,
        speakers: [],
      },
      {
        ...chunk('alpha', 1, '00:00 Welcome\n03:10 Tomatoes at scale\n07:45 Rockets'),
        kind: 'shownotes',
        speaker: null,
        speakers: [],
      },
      { ...chunk('alpha', 2, 'Guest: https://example.com/guest'), kind: 'shownotes', speaker: null, speakers: [] },
      chunk('alpha', 3, 'alpha talks about tomatoes'),
    ];
    await buildIndex(dir, embeddings, legacy);
    const index = await loadIndex({ store: openLocalIndexStore({ dir }), embeddings });
    expect(index.chunks.map((entry) => entry.kind)).toStrictEqual(['shownotes', 'chapters', 'promo', 'transcript']);
  });

  test('says how to create the index when there is none', async () => {
    expect(await codeOf(loadIndex({ store: openLocalIndexStore({ dir }), embeddings }))).toStrictEqual({
      code: 'index:missing',
      message: `No index at ${dir}. Run \`npm run ingest\` to index the sample corpus, or \`npm run ingest -- PATH\` for your own files.`,
    });
  });

  test('loads manifest and chunks in label order, with ef from the manifest', async () => {
    await buildIndex(dir, embeddings);
    const index = await loadIndex({ store: openLocalIndexStore({ dir }), embeddings });
    expect(index.manifest).toStrictEqual(manifestFor(embeddings, chunks));
    expect(index.chunks).toStrictEqual(chunks);
    expect(index.chunkById.get('beta#2')).toStrictEqual(chunks[8]);
  });

  test('denseSearch ranks like brute force and scores with cosine similarity', async () => {
    await buildIndex(dir, embeddings);
    const index = await loadIndex({ store: openLocalIndexStore({ dir }), embeddings });
    const query = await embeddings.embedQuery('tomatoes');
    const vectors = await embeddings.embedDocuments(chunks.map((entry) => embeddingText(entry)));
    const expected = chunks
      .map((entry, position) => ({ chunkId: entry.chunkId, score: dot(query, vectors[position]!) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 4);
    const hits = await index.denseSearch(query, { k: 4 });
    expect(hits.map((hit) => hit.chunk.chunkId)).toStrictEqual(expected.map((entry) => entry.chunkId));
    hits.forEach((hit, position) => {
      expect(hit.score).toBeCloseTo(expected[position]!.score, 5);
    });
    expect(hits[0]!.chunk.chunkId).toBe('gamma#0');
  });

  test('the episode filter runs inside the search, so k results still come back', async () => {
    await buildIndex(dir, embeddings);
    const index = await loadIndex({ store: openLocalIndexStore({ dir }), embeddings });
    const query = await embeddings.embedQuery('gamma tomatoes');
    const hits = await index.denseSearch(query, { k: 5, episodeIds: ['beta'] });
    expect(hits.length).toBe(5);
    expect(new Set(hits.map((hit) => hit.chunk.episodeId))).toStrictEqual(new Set(['beta']));
    expect(hits[0]!.chunk.chunkId).toBe('beta#0');
    const both = await index.denseSearch(query, { k: 13, episodeIds: ['beta', 'gamma'] });
    expect(both.map((hit) => hit.chunk.episodeId).sort()).toStrictEqual([...Array(6).fill('beta'), 'gamma']);
    expect(await index.denseSearch(query, { k: 3, episodeIds: [] })).toStrictEqual([]);
  });

  test('k beyond the index size returns every chunk', async () => {
    await buildIndex(dir, embeddings);
    const index = await loadIndex({ store: openLocalIndexStore({ dir }), embeddings });
    const hits = await index.denseSearch(await embeddings.embedQuery('espresso'), { k: 50 });
    expect(hits.length).toBe(chunks.length);
  });

  test('an empty index loads and finds nothing', async () => {
    await buildIndex(dir, embeddings, []);
    const index = await loadIndex({ store: openLocalIndexStore({ dir }), embeddings });
    expect(index.chunks).toStrictEqual([]);
    expect(await index.denseSearch(await embeddings.embedQuery('espresso'), { k: 5 })).toStrictEqual([]);
  });

  test('refuses an index built by another embedder and says to rebuild', async () => {
    await buildIndex(dir, embeddings);
    const other = new HashingEmbeddings({ dimension: 32, id: 'local:use-lite' });
    expect(await codeOf(loadIndex({ store: openLocalIndexStore({ dir }), embeddings: other }))).toStrictEqual({
      code: 'index:embedder_mismatch',
      message: `The index at ${dir} was built with the embedder "test:hashing-32", but the current embedder is "local:use-lite"; their vectors cannot be compared. Re-ingest with \`npm run ingest -- --rebuild\`. Or set EMBEDDINGS back to the embedder the index was built with.`,
    });
  });

  test.each([
    ['chunks.jsonl cut short', 'chunks.jsonl', (text: string) => text.slice(0, text.length / 2)],
    [
      'a manifest of the wrong shape',
      'manifest.json',
      (text: string) => text.replace('"chunkCount": 13', '"chunkCount": "13"'),
    ],
    [
      'a manifest counting other chunks',
      'manifest.json',
      (text: string) => text.replace('"chunkCount": 13', '"chunkCount": 12'),
    ],
    ['a damaged HNSW file', 'hnswlib.index', () => 'not an index'],
  ])('reports %s as index:corrupt', async (_name, file, damage) => {
    await buildIndex(dir, embeddings);
    const target = path.join(dir, file);
    await writeFile(target, damage(await readFile(target, 'utf8')));
    const { code, message } = await codeOf(loadIndex({ store: openLocalIndexStore({ dir }), embeddings }));
    expect(code).toBe('index:corrupt');
    expect(message).toContain('npm run ingest -- --rebuild');
  });

  test('at the manifest ef written by ingest, recall@10 matches brute force on 3000 chunks', async () => {
    // Seeded pseudo-random "transcripts": bag-of-words vectors spread widely, where a low ef misses neighbours.
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const words = Array.from({ length: 400 }, (_, index) => `w${index}`);
    const sentence = () => Array.from({ length: 12 }, () => words[Math.floor(random() * words.length)]).join(' ');
    const many = Array.from({ length: 3000 }, (_, index) =>
      chunk(`e${index % 30}`, Math.floor(index / 30), sentence()),
    );
    const wide = new HashingEmbeddings({ dimension: 64 });
    const vectors = await wide.embedDocuments(many.map((entry) => embeddingText(entry)));
    await writeIndexFiles({
      dir,
      manifest: { ...manifestFor(wide, many), efSearch: EF_SEARCH },
      chunks: many,
      vectors,
    });
    const index = await loadIndex({ store: openLocalIndexStore({ dir }), embeddings: wide });
    // A hit counts when it scores at least the 10th true score: bag-of-words vectors tie often.
    const recalled = (hits: { score: number }[], truth: number[]) =>
      hits.filter((hit) => hit.score >= truth[Math.min(9, truth.length - 1)]! - 1e-6).length;
    let found = 0;
    let filteredFound = 0;
    const queries = 50;
    for (let query = 0; query < queries; query++) {
      const vector = await wide.embedQuery(sentence());
      const scored = vectors.map((other, position) => ({
        episodeId: many[position]!.episodeId,
        score: dot(vector, other),
      }));
      const truth = scored.map((entry) => entry.score).sort((a, b) => b - a);
      found += recalled(await index.denseSearch(vector, { k: 10 }), truth);
      const episode = `e${query % 30}`;
      const filteredTruth = scored
        .filter((entry) => entry.episodeId === episode)
        .map((entry) => entry.score)
        .sort((a, b) => b - a);
      const filtered = await index.denseSearch(vector, { k: 10, episodeIds: [episode] });
      expect(filtered.every((hit) => hit.chunk.episodeId === episode)).toBe(true);
      filteredFound += recalled(filtered, filteredTruth);
    }
    expect(found / (queries * 10)).toBeGreaterThanOrEqual(0.98);
    expect(filteredFound / (queries * 10)).toBeGreaterThanOrEqual(0.98);
  });

  test('reads an index written before chunks.jsonl: chunks.json and LangChain HNSWLib files', async () => {
    await buildIndex(dir, embeddings);
    // The older layout: the chunks as one JSON array, plus HNSWLib's docstore and args beside the graph.
    const lines = (await readFile(path.join(dir, 'chunks.jsonl'), 'utf8')).trim().split('\n');
    await writeFile(path.join(dir, 'chunks.json'), `[${lines.join(',')}]`);
    await rm(path.join(dir, 'chunks.jsonl'));
    await writeFile(path.join(dir, 'docstore.json'), '[]');
    await writeFile(path.join(dir, 'args.json'), '{"space":"cosine","numDimensions":64}');
    const index = await loadIndex({ store: openLocalIndexStore({ dir }), embeddings });
    expect(index.chunks).toStrictEqual(chunks);
    const hits = await index.denseSearch(await embeddings.embedQuery('violins'), { k: 1 });
    expect(hits[0]!.chunk.chunkId).toBe('alpha#2');
  });

  test("LangChain's HNSWLib.load opens the index; its docstore holds chunk ids, never chunk text", async () => {
    await buildIndex(dir, embeddings);
    const docstore = JSON.parse(await readFile(path.join(dir, 'docstore.json'), 'utf8')) as Array<
      [string, { pageContent: string; metadata: object }]
    >;
    expect(docstore.map(([label, document]) => [label, document.pageContent, document.metadata])).toStrictEqual(
      chunks.map((entry, label) => [String(label), entry.chunkId, {}]),
    );
    expect(JSON.parse(await readFile(path.join(dir, 'args.json'), 'utf8'))).toStrictEqual({
      space: 'cosine',
      numDimensions: 32,
    });
    const store = await HNSWLib.load(dir, embeddings);
    const viaLangChain = await store.similaritySearch('violins', 3);
    const index = await loadIndex({ store: openLocalIndexStore({ dir }), embeddings });
    const ours = await index.denseSearch(await embeddings.embedQuery('violins'), { k: 3 });
    expect(viaLangChain.map((document) => document.pageContent)).toStrictEqual(ours.map((hit) => hit.chunk.chunkId));
    expect(ours[0]!.chunk.chunkId).toBe('alpha#2');
  });

  test('reads the first catalogue layout: chunks.jsonl and hnswlib.index with no HNSWLib args or docstore', async () => {
    await buildIndex(dir, embeddings);
    await rm(path.join(dir, 'docstore.json'));
    await rm(path.join(dir, 'args.json'));
    const index = await loadIndex({ store: openLocalIndexStore({ dir }), embeddings });
    expect(index.chunks).toStrictEqual(chunks);
    const hits = await index.denseSearch(await embeddings.embedQuery('violins'), { k: 2, ef: 10 });
    expect(hits[0]!.chunk.chunkId).toBe('alpha#2');
  });

  test('reads the old index when a swap stopped between its two renames', async () => {
    await buildIndex(dir, embeddings);
    await rename(dir, `${dir}.previous`);
    const index = await loadIndex({ store: openLocalIndexStore({ dir }), embeddings });
    expect(index.chunks.length).toBe(chunks.length);
    const hits = await index.denseSearch(await embeddings.embedQuery('violins'), { k: 1 });
    expect(hits[0]!.chunk.chunkId).toBe('alpha#2');
  });
});
