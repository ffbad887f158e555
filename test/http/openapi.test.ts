import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { Router } from 'express';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createApiRouter } from '../../src/http/api-routes.js';
import { createOpenAIRouter } from '../../src/http/openai-routes.js';
import { loggerForLines } from '../../src/log/create-logger.js';
import { FakeAnswerer, fakeChatAnswer } from '../support/fake-answerer.js';
import { parseSse, postJson, startTestApp, type TestApp } from './app-harness.js';

/** `METHOD /mount/path` of every route a router defines, in OpenAPI's `{param}` spelling. */
function routesOf(router: Router, mount: string): string[] {
  return router.stack.flatMap((layer) => {
    const route = layer.route as { path: string; methods: Record<string, boolean> } | undefined;
    if (route === undefined) return [];
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
    expect(defined.length).toBeGreaterThanOrEqual(7);
    expect(defined.filter((route) => !described.includes(route))).toStrictEqual([]);
  });

  test('describes the operations endpoints too, and every described operation exists', async () => {
    const operations = Object.entries(document.paths).flatMap(([route, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${route}`),
    );
    expect(operations.sort()).toStrictEqual([
      'GET /api/episodes',
      'GET /api/health',
      'GET /healthz',
      'GET /metrics',
      'GET /openapi.json',
      'GET /readyz',
      'GET /v1/models',
      'GET /v1/models/{model}',
      'POST /api/chat',
      'POST /api/search',
      'POST /v1/chat/completions',
    ]);
    for (const operation of operations) {
      const [method = '', route = ''] = operation.split(' ');
      const response = await fetch(`${app.url}${route.replace('{model}', 'podcite')}`, {
        method,
        ...(method === 'POST' ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {}),
      });
      // An empty body is a 400 from the route itself; a route that did not exist would be a 404.
      expect([operation, response.status]).toStrictEqual([operation, method === 'POST' ? 400 : 200]);
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
