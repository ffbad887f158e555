/**
 * `EMBEDDINGS=use-lite` end to end: the Universal Sentence Encoder lite transformer (not the default static
 * embedder) indexes a transcript, the server started with the same setting answers over HTTP, and a server
 * started with the default embedder refuses that index with the re-ingest message.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ingestPaths } from '../../ingest/ingest-paths.js';
import { type RunningPodcite, startPodcite } from '../../src/cli/start-podcite.js';
import { loadConfig } from '../../src/config.js';
import type { ChatAnswer, SearchResult } from '../../src/domain.js';
import { createEmbeddings } from '../../src/embeddings/create-embeddings.js';
import { STATIC_EMBEDDER_ID } from '../../src/embeddings/static-embeddings.js';
import { FIXTURE_TRANSCRIPT } from '../cli/prepare-index.js';
import { postJson } from '../http/app-harness.js';

let indexDir: string;
let podcite: RunningPodcite;
let chunks: number;

function configFor(embeddings: 'local' | 'use-lite') {
  return loadConfig({
    INDEX_DIR: indexDir,
    EMBEDDINGS: embeddings,
    HOST: '127.0.0.1',
    PORT: '0',
    RATE_LIMIT_PER_MINUTE: '0',
  });
}

beforeAll(async () => {
  indexDir = await mkdtemp(path.join(tmpdir(), 'podcite-use-lite-'));
  const embeddings = createEmbeddings(configFor('use-lite'));
  try {
    chunks = (await ingestPaths({ paths: [FIXTURE_TRANSCRIPT], indexDir, embeddings })).chunks;
  } finally {
    await embeddings.close();
  }
  podcite = await startPodcite(configFor('use-lite'), { log: () => undefined });
}, 300_000);

afterAll(async () => {
  await podcite?.close();
  if (indexDir) await rm(indexDir, { recursive: true, force: true });
});

describe('EMBEDDINGS=use-lite', () => {
  test('the server reports the transformer as its embedder', async () => {
    const health = await (await fetch(`${podcite.url}/api/health`)).json();
    expect(health).toStrictEqual({
      status: 'ok',
      episodes: 1,
      chunks,
      embedder: 'local:use-lite',
      answerer: 'extractive',
    });
  });

  test('dense search by itself finds the passage a question paraphrases', async () => {
    const index = podcite.index;
    const embeddings = createEmbeddings(configFor('use-lite'));
    try {
      const hits = await index.denseSearch(
        await embeddings.embedQuery('Lots of data helps, but you want structure so the model learns more efficiently.'),
        { k: 3 },
      );
      expect(hits.map((hit) => hit.chunk.text).join(' ')).toContain('you want the structure');
    } finally {
      await embeddings.close();
    }
  });

  test('search and chat answer over HTTP, cited to the second', async () => {
    const search = (await (
      await postJson(`${podcite.url}/api/search`, { query: 'structure efficiently learn', k: 3 })
    ).json()) as {
      results: SearchResult[];
    };
    expect(search.results[0]!.text).toContain('you want the structure');
    const answer = (await (
      await postJson(`${podcite.url}/api/chat`, { message: 'What does Chris Manning say about structure?' })
    ).json()) as ChatAnswer;
    expect(answer.answerable).toBe(true);
    expect(answer.citations.some((citation) => citation.speaker === 'Chris Manning' && citation.start !== null)).toBe(
      true,
    );
  });

  test('a server on the default embedder refuses the index and says how to fix it', async () => {
    await expect(startPodcite(configFor('local'), { log: () => undefined })).rejects.toMatchObject({
      code: 'index:embedder_mismatch',
      message: `The index at ${indexDir} was built with the embedder "local:use-lite", but the current embedder is "${STATIC_EMBEDDER_ID}"; their vectors cannot be compared. Re-ingest with \`npm run ingest -- --rebuild\`. Or set EMBEDDINGS back to the embedder the index was built with (EMBEDDINGS=use-lite).`,
    });
  });
});
