/**
 * The Prometheus metrics `GET /metrics` exposes (prom-client). Each call makes its own registry, so
 * several apps in one process (tests, benches) never share or double-register counters.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Answerer, Retriever } from '../domain.js';

/** Seconds; from a cached search (~0.1 ms) to a slow LLM answer (tens of seconds). */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export interface PodciteMetrics {
  registry: Registry;
  /** Labels: method, route (the pattern, e.g. `/api/chat`, never the raw path), status. */
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  retrievalDuration: Histogram;
  /** Label mode: extractive | llm. From the question to the answer's `end` event. */
  answerDuration: Histogram<'mode'>;
}

/**
 * Creates the registry with podcite's metrics and Node's default process metrics (CPU, memory, event
 * loop lag, GC, handles; prefixed `podcite_`).
 * @param options.index the index served now, read at every scrape (it may be replaced while running).
 * @param options.embeddingQueueDepth questions waiting for their vector now (default: always 0).
 */
export function createMetrics(options: {
  index: () => { chunkCount: number; episodeCount: number };
  embeddingQueueDepth?: (() => number) | undefined;
}): PodciteMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'podcite_' });
  const httpLabels = ['method', 'route', 'status'] as const;
  const metrics: PodciteMetrics = {
    registry,
    httpRequests: new Counter({
      name: 'podcite_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status.',
      labelNames: httpLabels,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'podcite_http_request_duration_seconds',
      help: 'Time from a request arriving to its response ending (whole streams included).',
      labelNames: httpLabels,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    retrievalDuration: new Histogram({
      name: 'podcite_retrieval_duration_seconds',
      help: 'Hybrid retrieval of one question: embedding it, BM25, HNSW and fusion.',
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    answerDuration: new Histogram({
      name: 'podcite_answer_duration_seconds',
      help: 'One answer from the question to its end event, by answer mode.',
      labelNames: ['mode'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
  };
  const queueDepth = options.embeddingQueueDepth ?? (() => 0);
  new Gauge({
    name: 'podcite_embedding_queue_depth',
    help: 'Questions waiting for (or being given) their embedding vector.',
    registers: [registry],
    collect() {
      this.set(queueDepth());
    },
  });
  new Gauge({
    name: 'podcite_index_chunks',
    help: 'Chunks in the index being served.',
    registers: [registry],
    collect() {
      this.set(options.index().chunkCount);
    },
  });
  new Gauge({
    name: 'podcite_index_episodes',
    help: 'Episodes in the index being served.',
    registers: [registry],
    collect() {
      this.set(options.index().episodeCount);
    },
  });
  return metrics;
}

/** `retriever` with every search timed into `podcite_retrieval_duration_seconds` (failures included). */
export function timedRetriever(retriever: Retriever, metrics: PodciteMetrics): Retriever {
  return {
    async search(query, options) {
      const stop = metrics.retrievalDuration.startTimer();
      try {
        return await retriever.search(query, options);
      } finally {
        stop();
      }
    },
  };
}

/** `answerer` with each answer that reaches its `end` event timed into `podcite_answer_duration_seconds`. */
export function timedAnswerer(answerer: Answerer, metrics: PodciteMetrics): Answerer {
  return {
    mode: answerer.mode,
    async *answer(request, options) {
      const stop = metrics.answerDuration.startTimer();
      for await (const event of answerer.answer(request, options)) {
        if (event.type === 'end') stop({ mode: event.answer.mode });
        yield event;
      }
    },
  };
}
