import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestApp, type TestApp } from './app-harness.js';

const TOKEN = 'ops-token';
const auth = { authorization: `Bearer ${TOKEN}` };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The request lines the app logged (one JSON object each). */
function requestLines(app: TestApp): Record<string, unknown>[] {
  return app.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'request');
}

describe('probes, request ids, the request log and metrics (API_TOKEN set)', () => {
  let app: TestApp;
  let pending: string[] = ['answer tables'];
  beforeAll(async () => {
    app = await startTestApp({ env: { API_TOKEN: TOKEN }, readiness: { pending: () => pending } });
  });
  afterAll(() => app.close());

  test('/healthz answers without a token; /readyz is 503 until ready, then 200', async () => {
    const alive = await fetch(`${app.url}/healthz`);
    expect([alive.status, await alive.json()]).toStrictEqual([200, { status: 'ok' }]);
    const starting = await fetch(`${app.url}/readyz`);
    expect([starting.status, await starting.json()]).toStrictEqual([
      503,
      { status: 'starting', waitingFor: ['answer tables'] },
    ]);
    pending = [];
    const ready = await fetch(`${app.url}/readyz`);
    expect([ready.status, await ready.json()]).toStrictEqual([200, { status: 'ready' }]);
  });

  test.each([
    ['a caller id is echoed', 'trace-42:abc/DEF+=', 'trace-42:abc/DEF+='],
    ['one over 128 characters is replaced', 'x'.repeat(129), UUID],
    ['one with a space (log forging) is replaced', 'a b', UUID],
    ['one with a quote is replaced', 'a"b', UUID],
  ])('X-Request-Id: %s', async (_name, offered, expected) => {
    const response = await fetch(`${app.url}/api/health`, { headers: { ...auth, 'x-request-id': offered } });
    const echoed = response.headers.get('x-request-id') ?? '';
    if (typeof expected === 'string') expect(echoed).toBe(expected);
    else expect(echoed).toMatch(expected);
  });

  test('every response gets an id, errors too, and the log line carries it with the route pattern', async () => {
    const response = await fetch(`${app.url}/v1/models/some-model`, { headers: auth });
    expect(response.status).toBe(404);
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(UUID);
    const line = requestLines(app).find((candidate) => candidate.requestId === requestId);
    expect(line).toMatchObject({ level: 'info', method: 'GET', route: '/v1/models/:model', status: 404, requestId });
    expect(typeof line?.durationMs).toBe('number');
    expect(typeof line?.time).toBe('string');
  });

  test('/metrics needs the token', async () => {
    const response = await fetch(`${app.url}/metrics`);
    expect(response.status).toBe(401);
    expect(await response.json()).toStrictEqual({
      error: {
        code: 'unauthorized',
        message: 'This server needs an API token: send Authorization: Bearer <API_TOKEN>.',
      },
    });
  });

  test('/metrics counts requests by route pattern and status, and reports the index and the process', async () => {
    await fetch(`${app.url}/api/episodes`, { headers: auth });
    await fetch(`${app.url}/api/episodes`, { headers: auth });
    await fetch(`${app.url}/api/episodes`);
    await fetch(`${app.url}/no/such/page`);
    const response = await fetch(`${app.url}/metrics`, { headers: auth });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    const lines = text.split('\n');
    expect(lines).toContain('podcite_http_requests_total{method="GET",route="/api/episodes",status="200"} 2');
    // Refused by the token check before any route: counted under the mount, not the raw path.
    expect(lines).toContain('podcite_http_requests_total{method="GET",route="/api/*",status="401"} 1');
    expect(lines).toContain('podcite_http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).not.toContain('/no/such/page');
    expect(lines).toContain(
      'podcite_http_request_duration_seconds_count{method="GET",route="/api/episodes",status="200"} 2',
    );
    expect(lines).toContain(`podcite_index_chunks ${app.index.manifest.chunkCount}`);
    expect(lines).toContain(`podcite_index_episodes ${app.index.manifest.episodes.length}`);
    expect(lines).toContain('podcite_embedding_queue_depth 0');
    expect(lines.some((line) => line.startsWith('podcite_process_resident_memory_bytes '))).toBe(true);
    expect(lines.some((line) => line.startsWith('podcite_nodejs_eventloop_lag_p99_seconds '))).toBe(true);
    expect(text).toContain('# TYPE podcite_retrieval_duration_seconds histogram');
    expect(text).toContain('# TYPE podcite_answer_duration_seconds histogram');
  });
});
