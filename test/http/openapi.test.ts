import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { Router } from 'express';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { transcriptCacheDir } from '../../ingest/feeds/transcript-cache.js';
import { ingestPaths } from '../../ingest/ingest-paths.js';
import { type RunningPodcite, startPodcite } from '../../src/cli/start-podcite.js';
import { loadConfig } from '../../src/config.js';
import { createApiRouter } from '../../src/http/api-routes.js';
import { createOpenAIRouter } from '../../src/http/openai-routes.js';
import { loggerForLines } from '../../src/log/create-logger.js';
import { FakeAnswerer, fakeChatAnswer } from '../support/fake-answerer.js';
import { feedXml, vttTranscript } from '../support/feed-xml.js';
import { HashingEmbeddings } from '../support/hashing-embeddings.js';
import { type PodcastHost, startPodcastHost } from '../support/podcast-host.js';
import { parseSse, postJson, startTestApp, type TestApp } from './app-harness.js';

/**
 * `METHOD /mount/path` of every route a router defines, in OpenAPI's `{param}` spelling, including
 * the routes of routers mounted inside it with `router.use([path,] subRouter)` (the shows API is one).
 */
function routesOf(router: Pick<Router, 'stack'>, mount: string): string[] {
  return router.stack.flatMap((layer) => {
    const route = layer.route as { path: string; methods: Record<string, boolean> } | undefined;
    if (route === undefined) {
      const nested = layer.handle as Partial<Pick<Router, 'stack'>>;
      if (!Array.isArray(nested.stack)) return [];
      const { rawPath, slash } = layer as unknown as { rawPath: unknown; slash: boolean };
      if (typeof rawPath !== 'string') throw new Error(`Cannot read the mount path of a nested router: ${rawPath}`);
      return routesOf(nested as Pick<Router, 'stack'>, slash ? mount : `${mount}${rawPath}`);
    }
    const path = `${mount}${route.path}`.replace(/:(\w+)/g, '{$1}');
    return Object.keys(route.methods).map((method) => `${method.toUpperCase()} ${path}`);
  });
}

type OpenApiDocument = {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, unknown> };
};

let app: TestApp;
let document: OpenApiDocument;
/** Validates `body` against `#/components/schemas/<name>` of the served document. */
let check: (name: string, body: unknown) => { valid: boolean; errors: unknown };

beforeAll(async () => {
  app = await startTestApp();
  const response = await fetch(`${app.url}/openapi.json`);
  expect(response.status).toBe(200);
  document = (await response.json()) as OpenApiDocument;
  // strict: false — the document's own keys (openapi, paths…) are not JSON Schema keywords.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema({ $id: 'podcite-openapi', ...document });
  check = (name, body) => {
    const validate = ajv.getSchema(`podcite-openapi#/components/schemas/${name}`);
    if (validate === undefined) throw new Error(`No schema ${name}`);
    const valid = validate(body) as boolean;
    return { valid, errors: validate.errors };
  };
});
afterAll(() => app.close());

describe('GET /openapi.json', () => {
  test('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(structuredClone(document));
    expect(result).toStrictEqual({ valid: true });
    expect(document.openapi).toBe('3.1.0');
  });

  test('describes every route the /api and /v1 routers define', () => {
    const dependencies = {
      config: loadConfig({}),
      index: app.index,
      retriever: { search: async () => [] },
      answerer: new FakeAnswerer(),
      embedderId: 'test',
    };
    const options = { logger: loggerForLines({ log: () => undefined }), secrets: [], heartbeatMs: 15_000 };
    const defined = [
      ...routesOf(createApiRouter(dependencies, options), '/api'),
      ...routesOf(createOpenAIRouter(dependencies, options), '/v1'),
    ];
    const described = Object.entries(document.paths).flatMap(([route, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${route}`),
    );
    expect(defined).toContain('GET /api/shows/{showId}');
    expect(defined.length).toBeGreaterThanOrEqual(10);
    expect(defined.filter((route) => !described.includes(route))).toStrictEqual([]);
  });

  test('describes the operations endpoints too, and every described operation exists', async () => {
    const operations = Object.entries(document.paths).flatMap(([route, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${route}`),
    );
    expect(operations.sort()).toStrictEqual([
      'GET /api/episodes',
      'GET /api/health',
      'GET /api/shows',
      'GET /api/shows/{showId}',
      'GET /healthz',
      'GET /metrics',
      'GET /openapi.json',
      'GET /readyz',
      'GET /v1/models',
      'GET /v1/models/{model}',
      'POST /api/chat',
      'POST /api/search',
      'POST /api/shows',
      'POST /v1/chat/completions',
    ]);
    for (const operation of operations) {
      const [method = '', route = ''] = operation.split(' ');
      const response = await fetch(`${app.url}${route.replace('{model}', 'podcite').replace('{showId}', 'none')}`, {
        method,
        ...(method === 'POST' ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {}),
      });
      // An empty body is a 400 from the route itself; a route that did not exist would be a 404
      // `not_found:route` (an unknown show is the route's own `not_found:show`).
      const expected = method === 'POST' ? 400 : route.includes('{showId}') ? 404 : 200;
      expect([operation, response.status]).toStrictEqual([operation, expected]);
      if (response.status !== 200) {
        const { error } = (await response.json()) as { error: { code: string } };
        expect(error.code).not.toBe('not_found:route');
      }
    }
  });
});

describe('real responses match the document', () => {
  test.each([
    ['/api/health', 'Health'],
    ['/api/episodes', 'Episodes'],
    ['/healthz', 'Liveness'],
    ['/readyz', 'Readiness'],
    ['/v1/models', 'OpenAIModelList'],
    ['/v1/models/podcite', 'OpenAIModel'],
    ['/v1/models/nope', 'OpenAIError'],
    ['/api/nope', 'Error'],
    ['/api/shows', 'Shows'],
    ['/api/shows/none', 'Error'],
  ])('GET %s is a %s', async (route, schema) => {
    const body = await (await fetch(`${app.url}${route}`)).json();
    expect(check(schema, body)).toStrictEqual({ valid: true, errors: null });
  });

  test.each([
    ['/api/search', { query: 'vector search', k: 2 }, 'SearchResponse'],
    ['/api/chat', { message: 'What about search?' }, 'ChatAnswer'],
    ['/api/chat', { message: '' }, 'Error'],
    ['/v1/chat/completions', { model: 'podcite', messages: [{ role: 'user', content: 'q' }] }, 'OpenAIChatCompletion'],
    ['/v1/chat/completions', { messages: [] }, 'OpenAIError'],
    // This server was built without feed ingests: a valid body is a 503.
    ['/api/shows', { feedUrl: 'https://example.org/feed.xml' }, 'Error'],
    ['/api/shows', { feedURL: 'x' }, 'Error'],
  ])('POST %s %j is a %s', async (route, body, schema) => {
    const response = await postJson(`${app.url}${route}`, body);
    expect(check(schema, await response.json())).toStrictEqual({ valid: true, errors: null });
  });

  test('each request example the tests send is valid against the request schemas', () => {
    expect(check('SearchRequest', { query: 'q', k: 2, episodeIds: ['a'] }).valid).toBe(true);
    expect(check('SearchRequest', { query: 'q', episodeID: ['a'] }).valid).toBe(false);
    expect(check('ChatRequest', { message: 'q', history: [{ role: 'user', content: 'x' }], stream: true }).valid).toBe(
      true,
    );
    expect(check('OpenAIChatRequest', { messages: [{ role: 'user', content: 'q' }], temperature: 0 }).valid).toBe(true);
    expect(check('AddShowRequest', { feedUrl: 'https://example.org/feed.xml' }).valid).toBe(true);
    expect(check('AddShowRequest', { feedURL: 'https://example.org/feed.xml' }).valid).toBe(false);
  });

  test('streamed events: the sources and end payloads, and every completion chunk', async () => {
    const chat = parseSse(await (await postJson(`${app.url}/api/chat`, { message: 'q', stream: true })).text());
    const schemaOf: Record<string, string> = {
      sources: 'SourcesEvent',
      'text-delta': 'TextDeltaEvent',
      end: 'ChatAnswer',
    };
    expect(chat.events.map((event) => event.event)).toStrictEqual(['sources', 'text-delta', 'text-delta', 'end']);
    for (const event of chat.events) {
      expect(check(schemaOf[event.event] ?? '', event.data)).toStrictEqual({ valid: true, errors: null });
    }
    expect(chat.events.at(-1)?.data).toStrictEqual(fakeChatAnswer());
    const completion = parseSse(
      await (
        await postJson(`${app.url}/v1/chat/completions`, {
          messages: [{ role: 'user', content: 'q' }],
          stream: true,
          stream_options: { include_usage: true },
        })
      ).text(),
    );
    const chunks = completion.events.map((event) => event.data).filter((data) => data !== '[DONE]');
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks)
      expect(check('OpenAIChatCompletionChunk', chunk)).toStrictEqual({ valid: true, errors: null });
  });
});

describe('real responses of a server with a library of shows match the document', () => {
  let host: PodcastHost;
  let root: string;
  let server: RunningPodcite;

  beforeAll(async () => {
    host = await startPodcastHost();
    root = await mkdtemp(path.join(tmpdir(), 'podcite-openapi-'));
    const indexDir = path.join(root, 'index');
    const embeddings = new HashingEmbeddings();
    for (const [show, line] of [
      ['kitchen', 'A sourdough starter is flour and water left to ferment.'],
      ['garden', 'Tomatoes need six hours of sun a day.'],
    ] as const) {
      host.set(`/${show}/feed.xml`, {
        body: feedXml({
          title: `The ${show} show`,
          author: 'Ana',
          items: [
            { guid: `${show}-1`, title: `${show} one`, transcripts: [{ url: `/${show}/1.vtt`, type: 'text/vtt' }] },
          ],
        }),
        type: 'application/rss+xml',
      });
      host.set(`/${show}/1.vtt`, { body: vttTranscript([line], { speakers: ['Ana'] }), type: 'text/vtt' });
    }
    await ingestPaths({
      paths: [`${host.origin}/kitchen/feed.xml`],
      indexDir,
      embeddings,
      feeds: { fetch: { allowPrivate: true }, cacheDir: transcriptCacheDir(indexDir) },
    });
    const config = loadConfig({
      INDEX_DIR: indexDir,
      PORT: '0',
      ALLOW_PRIVATE_URLS: 'true',
      RATE_LIMIT_PER_MINUTE: '0',
    });
    server = await startPodcite(config, { embeddings, log: () => undefined, pollMs: 100 });
  });

  afterAll(async () => {
    await server?.showIngests.idle();
    await server?.close();
    await host?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  test('GET /api/shows, GET /api/episodes (with showIds) and GET /api/shows/:showId of a show in the library', async () => {
    const shows = (await (await fetch(`${server.url}/api/shows`)).json()) as { shows: { showId: string }[] };
    expect(check('Shows', shows)).toStrictEqual({ valid: true, errors: null });
    expect(shows.shows).toHaveLength(1);
    const episodes = (await (await fetch(`${server.url}/api/episodes`)).json()) as { episodes: { showId: unknown }[] };
    expect(check('Episodes', episodes)).toStrictEqual({ valid: true, errors: null });
    expect(episodes.episodes.map((episode) => episode.showId)).toStrictEqual([shows.shows[0]?.showId]);
    // In the library, with no ingest since the server started: `ingest` is null.
    const show = await (await fetch(`${server.url}/api/shows/${shows.shows[0]?.showId}`)).json();
    expect(show).toMatchObject({ ingest: null, show: { episodes: 1 } });
    expect(check('Show', show)).toStrictEqual({ valid: true, errors: null });
  });

  test('POST /api/shows (202) and the progress at its Location, while running and when done', async () => {
    const accepted = await postJson(`${server.url}/api/shows`, { feedUrl: `${host.origin}/garden/feed.xml` });
    expect(accepted.status).toBe(202);
    expect(check('ShowIngestStatus', await accepted.json())).toStrictEqual({ valid: true, errors: null });
    const location = accepted.headers.get('location') ?? '';
    const seen = new Set<string>();
    let body: { ingest: { state: string }; show: unknown } | undefined;
    for (let attempt = 0; attempt < 200; attempt++) {
      body = (await (await fetch(`${server.url}${location}`)).json()) as typeof body;
      expect(check('Show', body)).toStrictEqual({ valid: true, errors: null });
      seen.add(body?.show === null ? 'show: null' : 'show');
      if (body?.ingest.state === 'done' || body?.ingest.state === 'failed') break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(body).toMatchObject({ ingest: { state: 'done' }, show: { episodes: 1 } });
    expect(seen.has('show')).toBe(true);
  });
});
