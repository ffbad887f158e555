import { EventEmitter } from 'node:events';
import type { NextFunction, Request, Response } from 'express';
import { expect, test } from 'vitest';
import { PodciteError } from '../../src/errors.js';
import { InFlightTracker } from '../../src/http/in-flight-tracker.js';

function fakeResponse() {
  const headers: Record<string, string> = {};
  return Object.assign(new EventEmitter(), {
    headers,
    set(name: string, value: string) {
      headers[name] = value;
    },
  });
}

function run(tracker: InFlightTracker, response: ReturnType<typeof fakeResponse>): unknown {
  let passed: unknown = 'not called';
  tracker.middleware()(
    {} as Request,
    response as unknown as Response,
    ((error?: unknown) => {
      passed = error;
    }) as NextFunction,
  );
  return passed;
}

test('drain waits for requests in flight and refuses new ones with 503 and Connection: close', async () => {
  const tracker = new InFlightTracker();
  const first = fakeResponse();
  const second = fakeResponse();
  expect([run(tracker, first), run(tracker, second), tracker.active]).toStrictEqual([undefined, undefined, 2]);

  let drained = false;
  const draining = tracker.drain().then(() => {
    drained = true;
  });
  const late = fakeResponse();
  const refused = run(tracker, late);
  expect(refused).toStrictEqual(
    new PodciteError('unavailable:shutting_down', 'The server is shutting down; retry shortly.'),
  );
  expect((refused as PodciteError).code).toBe('unavailable:shutting_down');
  expect(late.headers).toStrictEqual({ Connection: 'close' });

  first.emit('close');
  await Promise.resolve();
  expect([drained, tracker.active]).toStrictEqual([false, 1]);
  second.emit('close');
  await draining;
  expect([drained, tracker.active]).toStrictEqual([true, 0]);
});

test('drain with nothing in flight resolves at once', async () => {
  await expect(new InFlightTracker().drain()).resolves.toBe(undefined);
});
