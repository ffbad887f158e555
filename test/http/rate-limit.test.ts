import { describe, expect, test } from 'vitest';
import { startTestApp } from './app-harness.js';

/** Status codes of `count` GET /api/health requests, one after another, with `headers`. */
async function statuses(url: string, count: number, headers: Record<string, string> = {}): Promise<number[]> {
  const result: number[] = [];
  for (let attempt = 0; attempt < count; attempt++) {
    result.push((await fetch(`${url}/api/health`, { headers })).status);
  }
  return result;
}

describe('the rate limit and TRUST_PROXY', () => {
  test('without TRUST_PROXY every X-Forwarded-For shares the socket address: one bucket', async () => {
    const app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '2' } });
    try {
      expect(await statuses(app.url, 2, { 'x-forwarded-for': '203.0.113.1' })).toStrictEqual([200, 200]);
      // A forged header does not buy a new bucket.
      expect(await statuses(app.url, 1, { 'x-forwarded-for': '203.0.113.2' })).toStrictEqual([429]);
    } finally {
      await app.close();
    }
  });

  test('with TRUST_PROXY=1 each client behind the proxy has its own bucket', async () => {
    const app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '2', TRUST_PROXY: '1' } });
    try {
      expect(await statuses(app.url, 3, { 'x-forwarded-for': '203.0.113.1' })).toStrictEqual([200, 200, 429]);
      expect(await statuses(app.url, 2, { 'x-forwarded-for': '203.0.113.2' })).toStrictEqual([200, 200]);
    } finally {
      await app.close();
    }
  });

  test('probes are outside the limit; 0 per minute disables it', async () => {
    const limited = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '1' } });
    const open = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '0' } });
    try {
      expect(await statuses(limited.url, 2)).toStrictEqual([200, 429]);
      const probes = [];
      for (let attempt = 0; attempt < 5; attempt++) {
        probes.push((await fetch(`${limited.url}/healthz`)).status, (await fetch(`${limited.url}/readyz`)).status);
      }
      expect(probes).toStrictEqual(Array.from({ length: 10 }, () => 200));
      expect(await statuses(open.url, 50)).toStrictEqual(Array.from({ length: 50 }, () => 200));
    } finally {
      await limited.close();
      await open.close();
    }
  });
});
