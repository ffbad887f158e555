import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { PodciteError } from '../../src/errors.js';
import { ensureIndex } from '../../src/cli/ensure-index.js';
import { HashingEmbeddings } from '../support/hashing-embeddings.js';

describe('ensureIndex', () => {
  let root: string;
  let transcript: string;
  // The fake embedder suits a bulk ingest, so ensureIndex ingests with it rather than starting model workers.
  const configFor = (indexDir: string) => ({
    ...loadConfig({ EMBEDDINGS: 'openai', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' }),
    indexDir,
  });

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'podcite-ensure-'));
    transcript = path.join(root, 'show.vtt');
    await writeFile(
      transcript,
      'WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Ann>Bees dance to share where flowers are.\n',
    );
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await rm(root, { recursive: true, force: true });
  });

  test('ingests the corpus when there is no index, then loads it; the next start just loads', async () => {
    const embeddings = new HashingEmbeddings();
    const spy = vi.spyOn(embeddings, 'embedDocuments');
    const lines: string[] = [];
    const config = configFor(path.join(root, 'index'));
    const first = await ensureIndex({ config, embeddings, log: (line) => lines.push(line), corpusPaths: [transcript] });
    expect(first.manifest.episodes.map((episode) => episode.episodeId)).toStrictEqual(['show']);
    expect(lines[0]).toBe(
      `No index at ${config.indexDir} yet: indexing the sample corpus first (one time, about a minute).`,
    );
    expect(lines.at(-1)).toMatch(
      /^Index written at .*: 1 episode \(1 added, 0 updated, 0 unchanged, 0 removed\), 1 chunk; embedded 1, reused 0 in \d+\.\d s\.$/,
    );
    const calls = spy.mock.calls.length;

    const second = await ensureIndex({
      config,
      embeddings,
      log: (line) => lines.push(line),
      corpusPaths: [transcript],
    });
    expect(second.chunks).toStrictEqual(first.chunks);
    expect(spy.mock.calls.length).toBe(calls);
  });

  test('does not paper over an index made by another embedder', async () => {
    const config = configFor(path.join(root, 'index'));
    await ensureIndex({ config, embeddings: new HashingEmbeddings(), log: () => undefined, corpusPaths: [transcript] });
    const error = await ensureIndex({
      config,
      embeddings: new HashingEmbeddings({ dimension: 16 }),
      log: () => undefined,
      corpusPaths: [transcript],
    }).catch((caught: unknown) => caught);
    expect((error as PodciteError).code).toBe('index:embedder_mismatch');
    expect(error).toBeInstanceOf(PodciteError);
  });
});
