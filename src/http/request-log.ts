import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '../log/create-logger.js';
import type { PodciteMetrics } from '../metrics/create-metrics.js';

/**
 * An id a caller may choose: up to 128 characters of letters, digits and `-_.:/+=` (UUIDs, W3C
 * trace ids, base64 ids). Anything else — too long, spaces, quotes, control characters that could
 * forge log lines — is replaced by a fresh UUID rather than echoed.
 */
const CALLER_REQUEST_ID = /^[A-Za-z0-9._:/+=-]{1,128}$/;

/** The logger that stamps this request's id on every line; `fallback` outside a logged request. */
export function requestLogger(response: Response, fallback: Logger): Logger {
  return (response.locals.logger as Logger | undefined) ?? fallback;
}

/**
 * Remembers where a router is mounted (`/api`, `/v1`) so the route pattern can be reported after the
 * router has finished: Express resets `request.baseUrl` when an error leaves the router.
 */
export function recordMount(): RequestHandler {
  return (request, response, next) => {
    response.locals.mount = request.baseUrl;
    next();
  };
}

/**
 * The route pattern a request matched (`/api/chat`, `/v1/models/:model`), never the raw path, so
 * metrics keep a bounded set of labels. `static` for page files, `unmatched` for 404s outside the
 * routers, `<mount>/*` for requests a router's guard (auth, rate limit) ended before any route.
 */
export function routeLabel(request: Request, response: Response): string {
  const mount = (response.locals.mount as string | undefined) ?? '';
  const pattern = (request.route as { path?: unknown } | undefined)?.path;
  if (typeof pattern === 'string') return `${mount}${pattern}`;
  if (mount !== '') return `${mount}/*`;
  return response.statusCode === 404 ? 'unmatched' : 'static';
}

/**
 * Gives every request an id (the caller's valid `X-Request-Id`, else a new UUID), echoes it in the
 * response header, attaches a child logger carrying it, and when the response ends (or the client
 * goes away) writes one log line — method, route, status, duration, request id — and records the
 * request in the HTTP metrics.
 */
export function requestLog(options: { logger: Logger; metrics: PodciteMetrics }): RequestHandler {
  return (request, response, next) => {
    const offered = request.get('x-request-id');
    const requestId = offered !== undefined && CALLER_REQUEST_ID.test(offered) ? offered : randomUUID();
    const logger = options.logger.child({ requestId });
    response.locals.logger = logger;
    response.set('X-Request-Id', requestId);
    const started = performance.now();
    response.once('close', () => {
      const seconds = (performance.now() - started) / 1000;
      const route = routeLabel(request, response);
      // A client that left before the response was complete is recorded with status 499, as nginx does.
      const status = response.writableFinished ? response.statusCode : 499;
      const labels = { method: request.method, route, status: String(status) };
      options.metrics.httpRequests.inc(labels);
      options.metrics.httpDuration.observe(labels, seconds);
      logger.info({ method: request.method, route, status, durationMs: Math.round(seconds * 10_000) / 10 }, 'request');
    });
    next();
  };
}
