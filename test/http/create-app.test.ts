import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { PodciteError } from '../../src/errors.js';
import { CONTENT_SECURITY_POLICY } from '../../src/http/security-headers.js';
import { FakeAnswerer, fakeChatAnswer, fakeCitation } from '../support/fake-answerer.js';
import { parseSse, postJson, startTestApp, type TestApp } from './app-harness.js';

const INTERNAL_BODY = {
  error: { code: 'internal', message: 'Internal server error. The server log has the details.' },
};

describe('read endpoints and JSON chat', () => {
  let app: TestApp;
  let answerer: FakeAnswerer;
  beforeAll(async () => {
    answerer = new FakeAnswerer();
    app = await startTestApp({ answerer });
  });
  afterAll(() => app.close());

  test('GET /api/health reports the index, embedder and answerer', async () => {
    const response = await fetch(`${app.url}/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toStrictEqual({
      status: 'ok',
      episodes: 2,
      chunks: 3,
      embedder: 'test:hashing-64',
      answerer: 'extractive',
    });
  });

  test('GET /api/episodes lists the manifest episodes with the contract fields and chapters', async () => {
    const response = await fetch(`${app.url}/api/episodes`);
    expect(await response.json()).toStrictEqual({
      episodes: [
        {
          episodeId: 'episode-one',
          title: 'Episode One',
          date: null,
          durationSeconds: null,
          chunks: 2,
          timestamps: 'exact',
          url: null,
          showId: null,
          chapters: [],
        },
        {
          episodeId: 'episode-two',
          title: 'Episode Two',
          date: null,
          durationSeconds: null,
          chunks: 1,
          timestamps: 'exact',
          url: null,
          showId: null,
          chapters: [],
        },
      ],
    });
  });

  test('POST /api/search returns contract results with timestamp labels, best first', async () => {
    const response = await postJson(`${app.url}/api/search`, { query: 'evaluation sets agents', k: 2 });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { results: Record<string, unknown>[] };
    expect(body.results.map(({ score: _score, ...rest }) => rest)).toStrictEqual([
      {
        chunkId: 'episode-one#1',
        episodeId: 'episode-one',
        episodeTitle: 'Episode One',
        speaker: 'Bob',
        start: 3725.5,
        end: 3760,
        timestampLabel: '1:02:05',
        approximate: true,
        text: 'Evaluation sets keep agents honest.',
        kind: 'transcript',
      },
      {
        chunkId: 'episode-one#0',
        episodeId: 'episode-one',
        episodeTitle: 'Episode One',
        speaker: 'Alice',
        start: 65,
        end: 95,
        timestampLabel: '01:05',
        approximate: false,
        text: 'Vector search is only half of retrieval; keyword search matters too.',
        kind: 'transcript',
      },
    ]);
    const scores = body.results.map((result) => result.score as number);
    expect(scores[0]).toBeGreaterThan(scores[1]!);
  });

  test('POST /api/search defaults k to 8 and filters by episode, with a null label for unknown times', async () => {
    const all = (await (await postJson(`${app.url}/api/search`, { query: 'vector search' })).json()) as {
      results: { chunkId: string }[];
    };
    expect(all.results.length).toBe(3);
    const filtered = (await (
      await postJson(`${app.url}/api/search`, { query: 'vector search', episodeIds: ['episode-two'] })
    ).json()) as { results: { chunkId: string; timestampLabel: string | null; start: number | null }[] };
    expect(
      filtered.results.map(({ chunkId, start, timestampLabel }) => ({ chunkId, start, timestampLabel })),
    ).toStrictEqual([{ chunkId: 'episode-two#0', start: null, timestampLabel: null }]);
  });

  test('POST /api/chat answers with the contract body and passes history, filter and a signal', async () => {
    const response = await postJson(`${app.url}/api/chat`, {
      message: '  What about vector search?  ',
      history: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello' },
      ],
      episodeIds: ['episode-one', 'episode-one'],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toStrictEqual(fakeChatAnswer());
    expect(answerer.requests.at(-1)).toStrictEqual({
      message: 'What about vector search?',
      history: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello' },
      ],
      episodeIds: ['episode-one'],
    });
    expect(answerer.signals.at(-1)).toBeInstanceOf(AbortSignal);
  });

  test('an empty episodeIds list means every episode', async () => {
    await postJson(`${app.url}/api/chat`, { message: 'q', episodeIds: [] });
    expect(answerer.requests.at(-1)).toStrictEqual({ message: 'q', history: [], episodeIds: undefined });
  });
});

describe('validation', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  test.each([
    ['chat', 'not json at all', 400, 'bad_request:json', 'The request body is not valid JSON.'],
    ['chat', '[1, 2', 400, 'bad_request:json', 'The request body is not valid JSON.'],
    ['chat', {}, 400, 'bad_request:chat', 'Invalid request: message: message must be a string'],
    ['chat', { message: '   ' }, 400, 'bad_request:chat', 'Invalid request: message: message must not be empty'],
    ['chat', { message: 42 }, 400, 'bad_request:chat', 'Invalid request: message: message must be a string'],
    [
      'chat',
      { message: 'x'.repeat(4001) },
      400,
      'bad_request:chat',
      'Invalid request: message: message must be at most 4000 characters',
    ],
    ['chat', { message: 'q', extra: 1 }, 400, 'bad_request:chat', 'Invalid request: body: Unrecognized key: "extra"'],
    [
      'chat',
      { message: 'q', stream: 'yes' },
      400,
      'bad_request:chat',
      'Invalid request: stream: stream must be true or false',
    ],
    [
      'chat',
      { message: 'q', history: [{ role: 'system', content: 'x' }] },
      400,
      'bad_request:chat',
      'Invalid request: history.0.role: role must be "user" or "assistant"',
    ],
    [
      'chat',
      { message: 'q', history: [{ role: 'user', content: 'x', name: 'n' }] },
      400,
      'bad_request:chat',
      'Invalid request: history.0: Unrecognized key: "name"',
    ],
    [
      'chat',
      { message: 'q', history: Array.from({ length: 21 }, () => ({ role: 'user', content: 'x' })) },
      400,
      'bad_request:chat',
      'Invalid request: history: history may hold at most 20 messages',
    ],
    [
      'chat',
      { message: 'q', history: [{ role: 'user', content: 'x'.repeat(4001) }] },
      400,
      'bad_request:chat',
      'Invalid request: history.0.content: content must be at most 4000 characters',
    ],
    [
      'chat',
      { message: 'q', episodeIds: 'episode-one' },
      400,
      'bad_request:chat',
      'Invalid request: episodeIds: episodeIds must be an array of strings',
    ],
    [
      'chat',
      { message: 'q', episodeIds: Array.from({ length: 101 }, (_, position) => `e${position}`) },
      400,
      'bad_request:chat',
      'Invalid request: episodeIds: episodeIds may list at most 100 episodes',
    ],
    [
      'chat',
      { message: 'q', episodeIds: ['nope'] },
      400,
      'bad_request:episode',
      'Unknown episodeIds: "nope". GET /api/episodes lists the episodes.',
    ],
    [
      'search',
      { query: 'q', episodeIds: ['nope', 'nope', 'nope', 'gone', 'nope'] },
      400,
      'bad_request:episode',
      'Unknown episodeIds: "nope", "gone". GET /api/episodes lists the episodes.',
    ],
    ['search', { query: 'q', k: 0 }, 400, 'bad_request:search', 'Invalid request: k: k must be between 1 and 50'],
    ['search', { query: 'q', k: 51 }, 400, 'bad_request:search', 'Invalid request: k: k must be between 1 and 50'],
    ['search', { query: 'q', k: 2.5 }, 400, 'bad_request:search', 'Invalid request: k: k must be an integer'],
    ['search', { query: 'q', k: '3' }, 400, 'bad_request:search', 'Invalid request: k: k must be a number'],
    [
      'search',
      { q: 'q' },
      400,
      'bad_request:search',
      'Invalid request: query: query must be a string; body: Unrecognized key: "q"',
    ],
  ])('POST /api/%s %j → %i %s', async (route, body, status, code, message) => {
    const response = await postJson(`${app.url}/api/${route}`, body);
    expect(response.status).toBe(status);
    expect(await response.json()).toStrictEqual({ error: { code, message } });
  });

  test('a body that is not JSON (wrong content type) gets a hint', async () => {
    const response = await fetch(`${app.url}/api/chat`, { method: 'POST', body: 'message=hi' });
    expect(response.status).toBe(400);
    expect(await response.json()).toStrictEqual({
      error: {
        code: 'bad_request:chat',
        message: 'Expected a JSON body: send Content-Type: application/json with a JSON object.',
      },
    });
  });

  test('a body over 64 kB is refused with 413', async () => {
    const response = await postJson(`${app.url}/api/chat`, {
      message: 'q',
      history: [{ role: 'user', content: 'x'.repeat(70_000) }],
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toStrictEqual({
      error: { code: 'payload_too_large', message: 'The request body is too large (limit 64 kB).' },
    });
  });

  test.each([
    ['GET', '/api/nope', { error: { code: 'not_found:route', message: 'No route for GET /api/nope.' } }],
    ['GET', '/api/chat', { error: { code: 'not_found:route', message: 'No route for GET /api/chat.' } }],
    ['POST', '/elsewhere', { error: { code: 'not_found:route', message: 'No route for POST /elsewhere.' } }],
  ])('%s %s → 404 JSON', async (method, route, body) => {
    const response = await fetch(`${app.url}${route}`, { method });
    expect(response.status).toBe(404);
    expect(await response.json()).toStrictEqual(body);
  });
});

describe('streaming chat (SSE)', () => {
  test.each([
    ['stream: true', { message: 'q', stream: true }, {}],
    ['Accept: text/event-stream', { message: 'q' }, { accept: 'text/event-stream' }],
  ])('%s streams sources, text deltas and end', async (_name, body, headers) => {
    const app = await startTestApp();
    try {
      const response = await postJson(`${app.url}/api/chat`, body, headers);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-cache, no-transform');
      expect(parseSse(await response.text()).events).toStrictEqual([
        { event: 'sources', data: { citations: [fakeCitation()] } },
        { event: 'text-delta', data: { text: 'Alice said' } },
        { event: 'text-delta', data: { text: ' vector search is only half of retrieval [1].' } },
        { event: 'end', data: fakeChatAnswer() },
      ]);
    } finally {
      await app.close();
    }
  });

  test('"stream": false wins over the Accept header', async () => {
    const app = await startTestApp();
    try {
      const response = await postJson(
        `${app.url}/api/chat`,
        { message: 'q', stream: false },
        { accept: 'text/event-stream' },
      );
      expect(await response.json()).toStrictEqual(fakeChatAnswer());
    } finally {
      await app.close();
    }
  });

  test('a failure after the stream started becomes an error event, then the stream ends', async () => {
    const answerer = new FakeAnswerer({
      failWith: { error: new PodciteError('unavailable:llm', 'The language model did not answer.'), afterEvents: 2 },
    });
    const app = await startTestApp({ answerer });
    try {
      const response = await postJson(`${app.url}/api/chat`, { message: 'q', stream: true });
      expect(response.status).toBe(200);
      expect(parseSse(await response.text()).events).toStrictEqual([
        { event: 'sources', data: { citations: [fakeCitation()] } },
        { event: 'text-delta', data: { text: 'Alice said' } },
        { event: 'error', data: { error: { code: 'unavailable:llm', message: 'The language model did not answer.' } } },
      ]);
    } finally {
      await app.close();
    }
  });

  test('heartbeat comments keep an idle stream open', async () => {
    const answerer = new FakeAnswerer({ hold: true });
    const app = await startTestApp({ answerer, heartbeatMs: 10 });
    try {
      const responsePromise = postJson(`${app.url}/api/chat`, { message: 'q', stream: true });
      await answerer.whenHolding();
      const response = await responsePromise;
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let received = '';
      while (!received.includes(': heartbeat\n\n')) received += (await reader.read()).value ?? '';
      answerer.release();
      while (true) {
        const { value, done } = await reader.read();
        if (done) break;
        received += value;
      }
      const parsed = parseSse(received);
      expect(parsed.events.map((event) => event.event)).toStrictEqual(['sources', 'text-delta', 'text-delta', 'end']);
      expect(new Set(parsed.comments)).toStrictEqual(new Set(['heartbeat']));
    } finally {
      await app.close();
    }
  });

  test('the client disconnecting aborts the answer', async () => {
    const answerer = new FakeAnswerer({ hold: true });
    const app = await startTestApp({ answerer });
    try {
      const controller = new AbortController();
      const response = await postJson(`${app.url}/api/chat`, { message: 'q', stream: true }, {}, controller.signal);
      await answerer.whenHolding();
      controller.abort();
      await response.body?.cancel().catch(() => {});
      await vi.waitFor(() => expect(answerer.abortObserved).toBe(true));
      expect(answerer.signals[0]?.aborted).toBe(true);
      await vi.waitFor(() => expect(app.tracker.active).toBe(0));
    } finally {
      await app.close();
    }
  });

  test('a JSON chat past REQUEST_TIMEOUT_MS is a 504 and the answer is aborted', async () => {
    const answerer = new FakeAnswerer({ hold: true });
    const app = await startTestApp({ answerer, env: { REQUEST_TIMEOUT_MS: '100' } });
    try {
      const response = await postJson(`${app.url}/api/chat`, { message: 'q' });
      expect(response.status).toBe(504);
      expect(await response.json()).toStrictEqual({
        error: { code: 'timeout:request', message: 'The request took longer than 100 ms.' },
      });
      expect(answerer.abortObserved).toBe(true);
    } finally {
      await app.close();
    }
  });
});

describe('nothing internal reaches a client', () => {
  const leakyMessage =
    'ENOENT: open /home/podcite/.config/keys.json failed with key sk-live-0123456789abcdef at C:\\srv\\podcite\\x.ts';

  test('an unexpected error is a generic 500; the details go to the server log only', async () => {
    const answerer = new FakeAnswerer({ failWith: { error: new Error(leakyMessage), afterEvents: 0 } });
    const app = await startTestApp({ answerer });
    try {
      const response = await postJson(`${app.url}/api/chat`, { message: 'q' });
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(JSON.parse(text)).toStrictEqual(INTERNAL_BODY);
      expect(text).not.toMatch(/keys\.json|sk-live|at .*\.ts/);
      // The log has it all, as two JSON lines carrying the response's request id: the error, then the request.
      const requestId = response.headers.get('x-request-id');
      const lines = app.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.map(({ level, msg, requestId }) => ({ level, msg, requestId }))).toStrictEqual([
        { level: 'error', msg: 'POST /api/chat failed', requestId },
        { level: 'info', msg: 'request', requestId },
      ]);
      expect(lines[0]?.err).toMatchObject({ message: leakyMessage });
      expect(lines[0]?.code).toBe('internal');
    } finally {
      await app.close();
    }
  });

  test('the same error mid-stream is a generic error event', async () => {
    const answerer = new FakeAnswerer({ failWith: { error: new Error(leakyMessage), afterEvents: 1 } });
    const app = await startTestApp({ answerer });
    try {
      const response = await postJson(`${app.url}/api/chat`, { message: 'q', stream: true });
      const events = parseSse(await response.text()).events;
      expect(events.at(-1)).toStrictEqual({ event: 'error', data: INTERNAL_BODY });
    } finally {
      await app.close();
    }
  });

  test('a PodciteError keeps its code but paths and secrets are redacted from its message', async () => {
    const answerer = new FakeAnswerer({
      failWith: {
        error: new PodciteError(
          'unavailable:llm',
          'LLM refused key sk-proj-abcdef123456 (token=hunter22, API_TOKEN secret-token-value) reading /srv/podcite/.env',
        ),
        afterEvents: 0,
      },
    });
    const app = await startTestApp({ answerer, env: { API_TOKEN: 'secret-token-value' } });
    try {
      const response = await postJson(
        `${app.url}/api/chat`,
        { message: 'q' },
        { authorization: 'Bearer secret-token-value' },
      );
      expect(response.status).toBe(503);
      expect(await response.json()).toStrictEqual({
        error: {
          code: 'unavailable:llm',
          message: 'LLM refused key [redacted] (token=[redacted] API_TOKEN [redacted]) reading [path]',
        },
      });
    } finally {
      await app.close();
    }
  });
});

describe('bearer auth', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { API_TOKEN: 'right-token' } });
  });
  afterAll(() => app.close());

  test.each([
    ['no header', {}, 'This server needs an API token: send Authorization: Bearer <API_TOKEN>.'],
    ['a wrong token', { authorization: 'Bearer wrong-token' }, 'The API token is not valid.'],
    ['a longer wrong token', { authorization: 'Bearer right-token-and-more' }, 'The API token is not valid.'],
    ['another scheme', { authorization: 'Basic right-token' }, 'The API token is not valid.'],
  ])('/api with %s → 401', async (_name, headers, message) => {
    const response = await fetch(`${app.url}/api/health`, { headers });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="podcite"');
    expect(await response.json()).toStrictEqual({ error: { code: 'unauthorized', message } });
  });

  test('the right token opens /api and /v1', async () => {
    const headers = { authorization: 'Bearer right-token' };
    expect((await fetch(`${app.url}/api/health`, { headers })).status).toBe(200);
    expect((await fetch(`${app.url}/v1/models`, { headers })).status).toBe(200);
  });

  test('/v1 without a token answers in the OpenAI error shape', async () => {
    const response = await fetch(`${app.url}/v1/models`);
    expect(response.status).toBe(401);
    expect(await response.json()).toStrictEqual({
      error: {
        message: 'This server needs an API token: send Authorization: Bearer <API_TOKEN>.',
        type: 'authentication_error',
        code: 'unauthorized',
        param: null,
      },
    });
  });

  test('without API_TOKEN no header is needed', async () => {
    const open = await startTestApp();
    try {
      expect((await fetch(`${open.url}/api/health`)).status).toBe(200);
    } finally {
      await open.close();
    }
  });
});

describe('CORS', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { CORS_ORIGINS: 'https://allowed.example, http://localhost:5173' } });
  });
  afterAll(() => app.close());

  test('an allowed origin gets CORS headers on requests and preflights', async () => {
    const response = await fetch(`${app.url}/api/health`, { headers: { origin: 'https://allowed.example' } });
    expect(response.headers.get('access-control-allow-origin')).toBe('https://allowed.example');
    expect(response.headers.get('vary')).toBe('Origin');
    const preflight = await fetch(`${app.url}/api/chat`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect({
      origin: preflight.headers.get('access-control-allow-origin'),
      methods: preflight.headers.get('access-control-allow-methods'),
      headers: preflight.headers.get('access-control-allow-headers'),
    }).toStrictEqual({
      origin: 'http://localhost:5173',
      methods: 'GET, POST, OPTIONS',
      headers: 'Authorization, Content-Type, Accept',
    });
  });

  test('another origin gets no CORS headers', async () => {
    const response = await fetch(`${app.url}/api/health`, { headers: { origin: 'https://evil.example' } });
    expect(response.headers.get('access-control-allow-origin')).toBe(null);
    const preflight = await fetch(`${app.url}/api/chat`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(null);
    expect(preflight.headers.get('access-control-allow-methods')).toBe(null);
  });
});

describe('rate limit', () => {
  test('the request past RATE_LIMIT_PER_MINUTE gets 429 with Retry-After', async () => {
    const app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '2' } });
    try {
      const statuses = [];
      for (let attempt = 0; attempt < 2; attempt++) statuses.push((await fetch(`${app.url}/api/health`)).status);
      const limited = await fetch(`${app.url}/api/health`);
      expect(statuses).toStrictEqual([200, 200]);
      expect(limited.status).toBe(429);
      // One-minute windows: the retry comes when this one ends, within 60 s.
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(limited.headers.get('ratelimit-policy')).toMatch(/^"2-in-1min"; q=2; w=60; pk=:[\w=]+:$/);
      expect(await limited.json()).toStrictEqual({
        error: {
          code: 'rate_limited',
          message: `Too many requests: the limit is 2 a minute. Retry in ${retryAfter} s.`,
        },
      });
    } finally {
      await app.close();
    }
  });
});

describe('the chat page and security headers', () => {
  let webRoot: string;
  let app: TestApp;
  beforeAll(async () => {
    webRoot = await mkdtemp(path.join(tmpdir(), 'podcite-web-'));
    await mkdir(path.join(webRoot, 'dist'));
    await mkdir(path.join(webRoot, 'src'));
    await writeFile(path.join(webRoot, 'index.html'), '<!doctype html><script src="dist/app.js"></script>');
    await writeFile(path.join(webRoot, 'styles.css'), 'body{}');
    await writeFile(path.join(webRoot, 'dist', 'app.js'), 'console.log(1)');
    await writeFile(path.join(webRoot, 'src', 'app.ts'), 'secret source');
    app = await startTestApp({ webRoot, env: { API_TOKEN: 'page-token' } });
  });
  afterAll(async () => {
    await app.close();
    await rm(webRoot, { recursive: true, force: true });
  });

  test.each([
    ['/', 'text/html; charset=utf-8', '<!doctype html><script src="dist/app.js"></script>'],
    ['/styles.css', 'text/css; charset=utf-8', 'body{}'],
    ['/dist/app.js', 'text/javascript; charset=utf-8', 'console.log(1)'],
    ['/app.js', 'text/javascript; charset=utf-8', 'console.log(1)'],
  ])('GET %s serves the page without a token', async (route, contentType, body) => {
    const response = await fetch(`${app.url}${route}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(contentType);
    expect(await response.text()).toBe(body);
  });

  test('page sources outside the allow-list are not served', async () => {
    const response = await fetch(`${app.url}/src/app.ts`);
    expect(response.status).toBe(404);
    expect(await response.json()).toStrictEqual({
      error: { code: 'not_found:route', message: 'No route for GET /src/app.ts.' },
    });
  });

  test.each(['/', '/api/health'])('%s carries the security headers', async (route) => {
    const response = await fetch(`${app.url}${route}`);
    expect({
      csp: response.headers.get('content-security-policy'),
      nosniff: response.headers.get('x-content-type-options'),
      frame: response.headers.get('x-frame-options'),
      referrer: response.headers.get('referrer-policy'),
      poweredBy: response.headers.get('x-powered-by'),
    }).toStrictEqual({
      csp: CONTENT_SECURITY_POLICY,
      nosniff: 'nosniff',
      frame: 'DENY',
      referrer: 'no-referrer',
      poweredBy: null,
    });
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
  });
});

describe('graceful shutdown', () => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
  });

  test('close() lets an in-flight stream finish, refuses new requests, then resolves', async () => {
    const answerer = new FakeAnswerer({ hold: true });
    app = await startTestApp({ answerer });
    const streaming = postJson(`${app.url}/api/chat`, { message: 'q', stream: true });
    await answerer.whenHolding();
    const closing = app.close();
    let closed = false;
    void closing.then(() => {
      closed = true;
    });
    await expect(fetch(`${app.url}/api/health`)).rejects.toThrow();
    expect(closed).toBe(false);
    answerer.release();
    const events = parseSse(await (await streaming).text()).events;
    expect(events.map((event) => event.event)).toStrictEqual(['sources', 'text-delta', 'text-delta', 'end']);
    await closing;
    expect(closed).toBe(true);
  });
});
