import type { NextFunction, Request, Response } from 'express';
import { expect, test } from 'vitest';
import { PodciteError } from '../../src/errors.js';
import { rateLimit } from '../../src/http/rate-limit.js';

/** Runs the middleware for one request from `ip`; returns the error passed to next (if any) and Retry-After. */
function call(handler: ReturnType<typeof rateLimit>, ip: string) {
  const headers: Record<string, string> = {};
  let passed: unknown = 'not called';
  const response = { set: (name: string, value: string) => (headers[name] = value) } as unknown as Response;
  handler({ ip, socket: {} } as Request, response, ((error?: unknown) => {
    passed = error;
  }) as NextFunction);
  return { limited: passed instanceof PodciteError, retryAfter: headers['Retry-After'] };
}

test('each client has its own bucket that refills at the per-minute rate', () => {
  let now = 0;
  const handler = rateLimit({ perMinute: 3, now: () => now });
  const results = [call(handler, 'a'), call(handler, 'a'), call(handler, 'a'), call(handler, 'a'), call(handler, 'b')];
  expect(results).toStrictEqual([
    { limited: false, retryAfter: undefined },
    { limited: false, retryAfter: undefined },
    { limited: false, retryAfter: undefined },
    { limited: true, retryAfter: '20' },
    { limited: false, retryAfter: undefined },
  ]);
  now = 15_000;
  expect(call(handler, 'a')).toStrictEqual({ limited: true, retryAfter: '5' });
  now = 20_000;
  expect(call(handler, 'a')).toStrictEqual({ limited: false, retryAfter: undefined });
  expect(call(handler, 'a')).toStrictEqual({ limited: true, retryAfter: '20' });
});

test('0 per minute disables the limit', () => {
  const handler = rateLimit({ perMinute: 0 });
  expect(Array.from({ length: 1000 }, () => call(handler, 'a').limited).some(Boolean)).toBe(false);
});
