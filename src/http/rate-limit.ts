import type { RequestHandler } from 'express';
import { PodciteError } from '../errors.js';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Buckets kept before idle (full) ones are pruned, so a flood of addresses cannot grow memory without bound. */
const MAX_BUCKETS = 10_000;

/**
 * Per-client token bucket keyed by IP address: holds `perMinute` tokens, refills continuously
 * at `perMinute` per minute, each request takes one. An empty bucket answers 429 with
 * `Retry-After` (whole seconds until a token is back). `perMinute` 0 disables the limit.
 * Behind a reverse proxy every client shares the proxy's address.
 */
export function rateLimit(options: { perMinute: number; now?: () => number }): RequestHandler {
  const { perMinute } = options;
  if (perMinute <= 0) return (_request, _response, next) => next();
  const now = options.now ?? Date.now;
  const refillPerMs = perMinute / 60_000;
  const buckets = new Map<string, Bucket>();

  const refill = (bucket: Bucket, at: number) => {
    bucket.tokens = Math.min(perMinute, bucket.tokens + (at - bucket.updatedAt) * refillPerMs);
    bucket.updatedAt = at;
  };

  return (request, response, next) => {
    const at = now();
    const key = request.ip ?? request.socket.remoteAddress ?? 'unknown';
    let bucket = buckets.get(key);
    if (bucket === undefined) {
      if (buckets.size >= MAX_BUCKETS) {
        for (const [otherKey, other] of buckets) {
          refill(other, at);
          if (other.tokens >= perMinute) buckets.delete(otherKey);
        }
      }
      bucket = { tokens: perMinute, updatedAt: at };
      buckets.set(key, bucket);
    } else {
      refill(bucket, at);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      next();
      return;
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerMs / 1000));
    response.set('Retry-After', String(retryAfterSeconds));
    next(
      new PodciteError(
        'rate_limited',
        `Too many requests: the limit is ${perMinute} a minute. Retry in ${retryAfterSeconds} s.`,
      ),
    );
  };
}
