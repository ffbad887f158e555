import { fileURLToPath } from 'node:url';
import express from 'express';
import { PodciteError } from '../errors.js';
import { loggerForLines } from '../log/create-logger.js';
import { createMetrics } from '../metrics/create-metrics.js';
import { createApiRouter } from './api-routes.js';
import { type AppDependencies, servingNow } from './app-dependencies.js';
import { bearerAuth } from './auth.js';
import { cors } from './cors.js';
import { errorMiddleware } from './error-middleware.js';
import { InFlightTracker } from './in-flight-tracker.js';
import { createOpenAIRouter } from './openai-routes.js';
import { ALWAYS_READY, createOperationsRouter } from './operations-routes.js';
import { rateLimit } from './rate-limit.js';
import { recordMount, requestLog } from './request-log.js';
import { REQUEST_LIMITS } from './request-schemas.js';
import { mediaOriginsOf, securityHeaders } from './security-headers.js';
import { DEFAULT_HEARTBEAT_MS } from './sse.js';

export type { AppDependencies } from './app-dependencies.js';

const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/', import.meta.url));

// Only top-level page files are served from web/ itself (never web/src or configs); the bundle is under dist/.
const PAGE_FILE = /^\/(?:[\w-]+\.(?:html|css|js|svg|png|ico|webmanifest))?$/;

/**
 * The Express app: a request id, one log line and metrics for every request; security headers
 * everywhere; the probes, `/metrics` and `/openapi.json` at the root; `/api` and `/v1` behind CORS,
 * the rate limit, bearer auth (when API_TOKEN is set) and a 64 kB JSON body limit; the chat page at
 * `/`; JSON 404 for anything else; one error middleware. Call `listen` on the result.
 */
export function createApp(dependencies: AppDependencies): express.Express {
  const { config } = dependencies;
  const logger =
    dependencies.logger ??
    loggerForLines({ log: dependencies.log ?? ((message: string) => process.stderr.write(`${message}\n`)) });
  const metrics =
    dependencies.metrics ??
    createMetrics({
      // The index served now, which a live reload may have swapped.
      index: () => {
        const { manifest } = servingNow(dependencies).index;
        return { chunkCount: manifest.chunkCount, episodeCount: manifest.episodes.length };
      },
    });
  const secrets = [config.apiToken, config.llm?.apiKey].filter((secret): secret is string => secret !== undefined);
  const reporting = { logger, secrets, heartbeatMs: dependencies.heartbeatMs ?? DEFAULT_HEARTBEAT_MS };
  const tracker = dependencies.tracker ?? new InFlightTracker();
  const webRoot = dependencies.webRoot ?? DEFAULT_WEB_ROOT;

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy ?? false);
  app.use(requestLog({ logger, metrics }));
  app.use(securityHeaders({ mediaOrigins: () => mediaOriginsOf(servingNow(dependencies).index.manifest.episodes) }));
  app.use(
    createOperationsRouter({ apiToken: config.apiToken, metrics, readiness: dependencies.readiness ?? ALWAYS_READY }),
  );

  const guarded = [
    recordMount(),
    tracker.middleware(),
    cors(config.corsOrigins),
    rateLimit({ perMinute: config.rateLimitPerMinute, logger }),
    bearerAuth(config.apiToken),
    express.json({ limit: REQUEST_LIMITS.bodyBytes }),
    ((_request, response, next) => {
      // Answers may quote a private corpus and travel with a token: keep them out of shared caches.
      response.set('Cache-Control', 'no-store');
      next();
    }) satisfies express.RequestHandler,
  ];
  app.use('/api', ...guarded, createApiRouter(dependencies, reporting));
  app.use('/v1', ...guarded, createOpenAIRouter(dependencies, reporting));

  const pageFiles = express.static(webRoot, { index: 'index.html' });
  app.use((request, response, next) => {
    if (PAGE_FILE.test(request.path)) pageFiles(request, response, next);
    else next();
  });
  app.use(express.static(`${webRoot}/dist`, { index: 'index.html' }));
  app.use('/dist', express.static(`${webRoot}/dist`, { index: false }));

  app.use((request, _response, next) => {
    next(new PodciteError('not_found:route', `No route for ${request.method} ${request.path.slice(0, 200)}.`));
  });
  app.use(errorMiddleware({ logger, secrets }));
  return app;
}
