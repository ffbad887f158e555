import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { type IngestProgress, ingestPaths } from '../../ingest/ingest-paths.js';
import { PodciteError } from '../../src/errors.js';
import { loadIndex } from '../../src/store/load-index.js';
import { openLocalIndexStore } from '../../src/store/local-index-store.js';
import { HashingEmbeddings } from '../support/hashing-embeddings.js';

/** A WebVTT transcript: one cue per line, 5 s apart, alternating two speakers. */
function vtt(lines: string[]): string {
  const cues = lines.map((line, index) => {
    const start = `00:00:${String(index * 5).padStart(2, '0')}.000`;
    const end = `00:00:${String(index * 5 + 4).padStart(2, '0')}.000`;
    return `${start} --> ${end}\n<v ${index % 2 === 0 ? 'Alice' : 'Bob'}>${line}`;
  });
  return `WEBVTT\n\n${cues.join('\n\n')}\n`;
}

const gardening = vtt([
  'Welcome to the show, today we talk about growing tomatoes on a balcony.',
  'Tomatoes need six hours of sun and deep watering twice a week.',
]);
const rockets = vtt([
  'Our guest builds small rockets for weather research.',
  'The hardest part of a rocket is the engine nozzle, which melts.',
]);
const violins = vtt(['Violins are carved from spruce and maple.', 'Varnish changes the sound less than people think.']);

describe('ingestPaths', () => {
  let root: string;
  let corpus: string;
  let indexDir: string;
  let embeddings: HashingEmbeddings;
  let embeddedTexts: string[];

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'podcite-ingest-'));
    corpus = path.join(root, 'corpus');
    indexDir = path.join(root, 'index');
    await mkdir(corpus);
    await writeFile(path.join(corpus, 'gardening.vtt'), gardening);
    await writeFile(path.join(corpus, 'rockets.vtt'), rockets);
    await writeFile(path.join(corpus, 'violins.vtt'), violins);
    embeddings = new HashingEmbeddings();
    embeddedTexts = [];
    const original = embeddings.embedDocuments.bind(embeddings);
    vi.spyOn(embeddings, 'embedDocuments').mockImplementation(async (texts) => {
      embeddedTexts.push(...texts);
      return original(texts);
    });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  // Outside the working directory, paths are reported absolute.
  const file = (name: string) => path.join(corpus, name);

  test('a first run embeds every chunk and writes a loadable index', async () => {
    const events: IngestProgress['phase'][] = [];
    const report = await ingestPaths({
      paths: [corpus],
      indexDir,
      embeddings,
      onProgress: (event) => events.push(event.phase),
    });
    expect(report.files).toStrictEqual([
      { path: file('gardening.vtt'), status: 'ok', episodes: 1, chunks: 1, embedded: 1 },
      { path: file('rockets.vtt'), status: 'ok', episodes: 1, chunks: 1, embedded: 1 },
      { path: file('violins.vtt'), status: 'ok', episodes: 1, chunks: 1, embedded: 1 },
    ]);
    expect(report.episodes).toStrictEqual({
      added: ['gardening', 'rockets', 'violins'],
      updated: [],
      unchanged: [],
      removed: [],
      kept: [],
    });
    expect([report.chunks, report.embedded, report.reused, report.rebuilt, report.written]).toStrictEqual([
      3,
      3,
      0,
      true,
      true,
    ]);
    expect(new Set(events)).toStrictEqual(new Set(['parse', 'embed', 'write']));

    const index = await loadIndex({ store: openLocalIndexStore({ dir: indexDir }), embeddings });
    expect(index.manifest.episodes.map((episode) => [episode.episodeId, episode.source])).toStrictEqual([
      ['gardening', file('gardening.vtt')],
      ['rockets', file('rockets.vtt')],
      ['violins', file('violins.vtt')],
    ]);
    const hits = await index.denseSearch(await embeddings.embedQuery('rocket engine nozzle'), { k: 1 });
    expect(hits[0]!.chunk.chunkId).toBe('rockets#0');
    expect(await readdir(root)).toStrictEqual(['corpus', 'index']);
  });

  test('a second run over unchanged files embeds nothing and leaves the index alone', async () => {
    await ingestPaths({ paths: [corpus], indexDir, embeddings });
    const before = await loadIndex({ store: openLocalIndexStore({ dir: indexDir }), embeddings });
    embeddedTexts = [];
    const report = await ingestPaths({ paths: [corpus], indexDir, embeddings });
    expect(report.files.map((entry) => entry.status)).toStrictEqual([
      'skipped-unchanged',
      'skipped-unchanged',
      'skipped-unchanged',
    ]);
    expect(report.episodes.unchanged).toStrictEqual(['gardening', 'rockets', 'violins']);
    expect([report.embedded, report.reused, report.written]).toStrictEqual([0, 3, false]);
    expect(embeddedTexts).toStrictEqual([]);
    expect((await loadIndex({ store: openLocalIndexStore({ dir: indexDir }), embeddings })).manifest.createdAt).toBe(
      before.manifest.createdAt,
    );
  });

  test('a changed file is re-embedded; the others reuse their stored vectors', async () => {
    await ingestPaths({ paths: [corpus], indexDir, embeddings });
    await writeFile(
      path.join(corpus, 'rockets.vtt'),
      vtt(['Our guest builds small rockets for weather research.', 'Solid fuel is simpler than liquid fuel.']),
    );
    embeddedTexts = [];
    const report = await ingestPaths({ paths: [corpus], indexDir, embeddings });
    expect(report.files.map((entry) => [entry.path, entry.status, entry.embedded])).toStrictEqual([
      [file('gardening.vtt'), 'skipped-unchanged', 0],
      [file('rockets.vtt'), 'ok', 1],
      [file('violins.vtt'), 'skipped-unchanged', 0],
    ]);
    expect(report.episodes.updated).toStrictEqual(['rockets']);
    expect(report.episodes.unchanged).toStrictEqual(['gardening', 'violins']);
    expect([report.embedded, report.reused]).toStrictEqual([1, 2]);
    expect(embeddedTexts).toStrictEqual([
      'Alice: Our guest builds small rockets for weather research.\nBob: Solid fuel is simpler than liquid fuel.',
    ]);
    const index = await loadIndex({ store: openLocalIndexStore({ dir: indexDir }), embeddings });
    const hits = await index.denseSearch(await embeddings.embedQuery('solid liquid fuel'), { k: 1 });
    expect(hits[0]!.chunk.text).toContain('Solid fuel is simpler');
    expect(index.chunks.some((chunk) => chunk.text.includes('nozzle'))).toBe(false);
  });

  test('episodes of a removed file are dropped', async () => {
    await ingestPaths({ paths: [corpus], indexDir, embeddings });
    await rm(path.join(corpus, 'violins.vtt'));
    const report = await ingestPaths({ paths: [corpus], indexDir, embeddings });
    expect(report.episodes.removed).toStrictEqual(['violins']);
    expect([report.written, report.embedded]).toStrictEqual([true, 0]);
    const index = await loadIndex({ store: openLocalIndexStore({ dir: indexDir }), embeddings });
    expect(index.manifest.episodes.map((episode) => episode.episodeId)).toStrictEqual(['gardening', 'rockets']);
    expect(index.chunks.map((chunk) => chunk.episodeId)).toStrictEqual(['gardening', 'rockets']);
  });

  test('episodes from files outside this run stay; a new file is added beside them', async () => {
    await ingestPaths({ paths: [corpus], indexDir, embeddings });
    const extra = path.join(root, 'extra.vtt');
    await writeFile(extra, vtt(['Glaciers retreat faster each decade.', 'Ice cores record old air.']));
    const report = await ingestPaths({ paths: [extra], indexDir, embeddings });
    expect(report.episodes.added).toStrictEqual(['extra']);
    expect(report.episodes.kept).toStrictEqual(['gardening', 'rockets', 'violins']);
    expect(report.episodes.removed).toStrictEqual([]);
    const index = await loadIndex({ store: openLocalIndexStore({ dir: indexDir }), embeddings });
    expect(index.manifest.episodes.map((episode) => episode.episodeId).sort()).toStrictEqual([
      'extra',
      'gardening',
      'rockets',
      'violins',
    ]);
  });

  test('a file that fails to parse is reported with its reason; the others land', async () => {
    await writeFile(path.join(corpus, 'broken.vtt'), 'this is not a WebVTT file');
    const report = await ingestPaths({ paths: [corpus], indexDir, embeddings });
    const broken = path.join(corpus, 'broken.vtt');
    expect(report.files[0]).toStrictEqual({
      path: file('broken.vtt'),
      status: 'failed',
      episodes: 0,
      chunks: 0,
      embedded: 0,
      reason: `${broken}: a WebVTT file must start with "WEBVTT"`,
    });
    expect(report.files.slice(1).map((entry) => entry.status)).toStrictEqual(['ok', 'ok', 'ok']);
    const index = await loadIndex({ store: openLocalIndexStore({ dir: indexDir }), embeddings });
    expect(index.manifest.episodes.map((episode) => episode.episodeId)).toStrictEqual([
      'gardening',
      'rockets',
      'violins',
    ]);
  });

  test('a file that stops parsing keeps its previously indexed episode', async () => {
    await ingestPaths({ paths: [corpus], indexDir, embeddings });
    await writeFile(path.join(corpus, 'violins.vtt'), 'WEBVTT\n\nbroken --> cue\ntext');
    const report = await ingestPaths({ paths: [corpus], indexDir, embeddings });
    expect(report.files.find((entry) => entry.path === file('violins.vtt'))?.status).toBe('failed');
    expect(report.episodes.kept).toStrictEqual(['violins']);
    expect(report.episodes.removed).toStrictEqual([]);
    const index = await loadIndex({ store: openLocalIndexStore({ dir: indexDir }), embeddings });
    expect(index.chunkById.get('violins#0')?.text).toContain('spruce and maple');
  });

  test('a path that does not exist is reported as failed', async () => {
    const missing = path.join(root, 'nope');
    const report = await ingestPaths({ paths: [missing, corpus], indexDir, embeddings });
    expect(report.files[0]?.status).toBe('failed');
    expect(report.files[0]?.path).toBe(missing);
    expect(report.files.length).toBe(4);
  });

  test('two files with the same episode id both land under distinct ids', async () => {
    const other = path.join(root, 'other');
    await mkdir(other);
    await writeFile(path.join(other, 'rockets.vtt'), violins);
    const report = await ingestPaths({ paths: [corpus, other], indexDir, embeddings });
    expect(report.episodes.added).toStrictEqual(['gardening', 'rockets', 'violins', 'rockets-2']);
    const index = await loadIndex({ store: openLocalIndexStore({ dir: indexDir }), embeddings });
    expect(index.chunkById.get('rockets-2#0')?.text).toContain('spruce');
  });

  test('an index built by another embedder is refused with the rebuild command, and --rebuild replaces it', async () => {
    await ingestPaths({ paths: [corpus], indexDir, embeddings });
    const other = new HashingEmbeddings({ dimension: 48 });
    const refusal = await ingestPaths({ paths: [corpus], indexDir, embeddings: other }).catch(
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(PodciteError);
    expect((refusal as PodciteError).code).toBe('index:embedder_mismatch');
    expect((refusal as PodciteError).message).toBe(
      `The index at ${indexDir} was built with the embedder "test:hashing-64", but the current embedder is "test:hashing-48"; their vectors cannot be compared. Re-ingest with \`npm run ingest -- --rebuild\`. Or set EMBEDDINGS back to the embedder the index was built with.`,
    );
    const report = await ingestPaths({ paths: [corpus], indexDir, embeddings: other, rebuild: true });
    expect([report.rebuilt, report.embedded, report.written]).toStrictEqual([true, 3, true]);
    expect(
      (await loadIndex({ store: openLocalIndexStore({ dir: indexDir }), embeddings: other })).manifest.dimension,
    ).toBe(48);
  });

  test('a damaged index is replaced and the problem reported', async () => {
    await ingestPaths({ paths: [corpus], indexDir, embeddings });
    await writeFile(path.join(indexDir, 'chunks.jsonl'), '[{');
    const report = await ingestPaths({ paths: [corpus], indexDir, embeddings });
    expect(report.rebuilt).toBe(true);
    expect(report.previousIndexProblem).toContain('line 1 of chunks.jsonl is not valid JSON');
    expect((await loadIndex({ store: openLocalIndexStore({ dir: indexDir }), embeddings })).chunks.length).toBe(3);
  });

  test('refuses to replace a folder of other files given as the index', async () => {
    await mkdir(indexDir);
    await writeFile(path.join(indexDir, 'thesis.docx'), 'precious');
    const refusal = await ingestPaths({ paths: [corpus], indexDir, embeddings }).catch((error: unknown) => error);
    expect((refusal as PodciteError).code).toBe('config');
    expect(await readdir(indexDir)).toStrictEqual(['thesis.docx']);
    expect(embeddedTexts).toStrictEqual([]);
  });

  test('two ingests at once in one process: the second is refused, the first lands', async () => {
    const results = await Promise.allSettled([
      ingestPaths({ paths: [corpus], indexDir, embeddings }),
      ingestPaths({ paths: [corpus], indexDir, embeddings }),
    ]);
    expect(results.map((result) => result.status).sort()).toStrictEqual(['fulfilled', 'rejected']);
    const rejected = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
    expect((rejected.reason as PodciteError).code).toBe('index:busy');
    expect((await loadIndex({ store: openLocalIndexStore({ dir: indexDir }), embeddings })).chunks.length).toBe(3);
  });

  test('a second ingest while one runs is refused', async () => {
    await writeFile(`${indexDir}.lock`, String(process.ppid));
    const refusal = await ingestPaths({ paths: [corpus], indexDir, embeddings }).catch((error: unknown) => error);
    expect((refusal as PodciteError).code).toBe('index:busy');
  });
});
