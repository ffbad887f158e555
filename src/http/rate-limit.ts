import type { RequestHandler } from 'express';
import { rateLimit as expressRateLimit } from 'express-rate-limit';
import { PodciteError } from '../errors.js';
import type { Logger } from '../log/create-logger.js';

const WINDOW_MS = 60_000;

/**
 * `perMinute` requests per client per minute (express-rate-limit, fixed one-minute windows, in
 * memory), keyed by `request.ip` — the client's address when TRUST_PROXY tells Express which
 * proxies to believe, the proxy's own otherwise. Past the limit: a `rate_limited` error (429) with
 * `Retry-After` in whole seconds until the window resets. `perMinute` 0 disables the limit.
 * express-rate-limit's own set-up warnings (e.g. X-Forwarded-For arriving while TRUST_PROXY is
 * off) go to `logger`, once each.
 */
export function rateLimit(options: { perMinute: number; logger: Logger }): RequestHandler {
  const { perMinute } = options;
  if (perMinute <= 0) return (_request, _response, next) => next();
  return expressRateLimit({
    windowMs: WINDOW_MS,
    limit: perMinute,
    // RateLimit-Policy / RateLimit headers (IETF draft 8) and Retry-After when limited.
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    logger: options.logger,
    handler: (request, _response, next) => {
      const resetTime = (request as { rateLimit?: { resetTime?: Date | undefined } }).rateLimit?.resetTime;
      const seconds = Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now() + WINDOW_MS) - Date.now()) / 1000));
      next(
        new PodciteError(
          'rate_limited',
          `Too many requests: the limit is ${perMinute} a minute. Retry in ${seconds} s.`,
        ),
      );
    },
  });
}
