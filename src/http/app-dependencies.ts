import type { Config } from '../config.js';
import type { Answerer, Retriever } from '../domain.js';
import type { Logger } from '../log/create-logger.js';
import type { PodciteMetrics } from '../metrics/create-metrics.js';
import type { LoadedIndex } from '../store/loaded-index.js';
import type { InFlightTracker } from './in-flight-tracker.js';
import type { Readiness } from './operations-routes.js';
import type { ShowIngests } from './show-ingests.js';

/** The index and what answers from it: swapped as one when a live server loads a new index. */
export interface Serving {
  index: LoadedIndex;
  retriever: Retriever;
  answerer: Answerer;
}

/** Everything the HTTP layer needs, built by `src/cli/serve.ts` (or by tests, with fakes). */
export interface AppDependencies {
  config: Pick<Config, 'apiToken' | 'corsOrigins' | 'requestTimeoutMs' | 'rateLimitPerMinute' | 'llm'> &
    Partial<Pick<Config, 'trustProxy'>>;
  index: LoadedIndex;
  retriever: Retriever;
  answerer: Answerer;
  /**
   * The serving set for a request that starts now; a request reads it once, so it finishes on the
   * index it started with while a newer one is swapped in. Default: `index`, `retriever`, `answerer`.
   */
  current?: (() => Serving) | undefined;
  /** Background feed ingests behind `POST /api/shows`; without it that route answers 503. */
  showIngests?: ShowIngests | undefined;
  /** Embedder identity reported by /api/health, e.g. `local:use-lite`. */
  embedderId: string;
  /** Folder holding `index.html` and `dist/`; default: the repository's `web/`. */
  webRoot?: string | undefined;
  /** Counts in-flight requests for graceful shutdown; default: a private tracker. */
  tracker?: InFlightTracker | undefined;
  /** The structured log (request lines, errors with details clients never see); default: built over `log`. */
  logger?: Logger | undefined;
  /** Where JSON log lines go when no `logger` is given (default stderr). */
  log?: ((message: string) => void) | undefined;
  /** The Prometheus registry and instruments; default: a private set over `index`. */
  metrics?: PodciteMetrics | undefined;
  /** What `/readyz` waits for; default: ready at once. */
  readiness?: Readiness | undefined;
  /** Milliseconds between SSE heartbeat comments; default 15 000. */
  heartbeatMs?: number | undefined;
}

/** What a request that starts now is served from. */
export function servingNow(dependencies: AppDependencies): Serving {
  return dependencies.current?.() ?? dependencies;
}
