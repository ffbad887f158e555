import { Router } from 'express';
import type { PodciteMetrics } from '../metrics/create-metrics.js';
import { bearerAuth } from './auth.js';
import { openApiDocument } from './openapi-document.js';

/** What `GET /readyz` waits for; the server flips it once start-up work is done. */
export interface Readiness {
  /** Names of what is not ready yet (empty: ready), e.g. `["answer tables"]`. */
  pending(): string[];
}

/** Always ready: an app built around an index that is already loaded, with nothing warming up. */
export const ALWAYS_READY: Readiness = { pending: () => [] };

/**
 * Probes and descriptions at the root, outside `/api`'s rate limit and auth:
 * - `GET /healthz`: the process answers (liveness; nothing else is checked).
 * - `GET /readyz`: 200 once the index is loaded and the answer tables are built, 503 before
 *   (readiness: send traffic only then).
 * - `GET /metrics`: Prometheus text format; needs the bearer token when API_TOKEN is set.
 * - `GET /openapi.json`: the OpenAPI 3.1 description of `/api/*` and `/v1/*`.
 */
export function createOperationsRouter(options: {
  apiToken: string | undefined;
  metrics: PodciteMetrics;
  readiness: Readiness;
}): Router {
  const router = Router();
  router.get('/healthz', (_request, response) => {
    response.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', (_request, response) => {
    const pending = options.readiness.pending();
    response.set('Cache-Control', 'no-store');
    if (pending.length === 0) response.json({ status: 'ready' });
    else response.status(503).json({ status: 'starting', waitingFor: pending });
  });
  router.get('/metrics', bearerAuth(options.apiToken), async (_request, response) => {
    const text = await options.metrics.registry.metrics();
    response.set('Cache-Control', 'no-store').type(options.metrics.registry.contentType).send(text);
  });
  router.get('/openapi.json', (_request, response) => {
    response.json(openApiDocument());
  });
  return router;
}
