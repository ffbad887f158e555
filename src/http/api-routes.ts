import { type Request, Router } from 'express';
import type { ChatRequest } from '../domain.js';
import { PodciteError } from '../errors.js';
import { type AppDependencies, servingNow } from './app-dependencies.js';
import { collectAnswer } from './collect-answer.js';
import { episodeFilter } from '../store/episode-filter.js';
import { type ErrorReporting, errorBody, reportError } from './error-middleware.js';
import { chatRequestSchema, parseBody, searchRequestSchema } from './request-schemas.js';
import { abortable, createRequestSignal, raceSignal } from './request-signal.js';
import { requestLogger } from './request-log.js';
import { openSseStream } from './sse.js';
import { createShowRouter } from './show-routes.js';
import { toSearchResult } from './to-search-result.js';

export interface ApiRouterOptions extends ErrorReporting {
  heartbeatMs: number;
}

/** True when the client asked for server-sent events in its Accept header. */
function acceptsEventStream(request: Request): boolean {
  return (request.get('accept') ?? '').toLowerCase().includes('text/event-stream');
}

/** The podcite JSON/SSE API mounted at `/api` (see docs/API.md). */
export function createApiRouter(dependencies: AppDependencies, options: ApiRouterOptions): Router {
  const { config } = dependencies;
  const router = Router();

  router.get('/health', (_request, response) => {
    const { index, answerer } = servingNow(dependencies);
    response.json({
      status: 'ok',
      episodes: index.manifest.episodes.length,
      chunks: index.manifest.chunkCount,
      embedder: dependencies.embedderId,
      answerer: answerer.mode,
    });
  });

  router.get('/episodes', (_request, response) => {
    const { index } = servingNow(dependencies);
    response.json({
      episodes: index.manifest.episodes.map((episode) => ({
        episodeId: episode.episodeId,
        title: episode.title,
        date: episode.date,
        durationSeconds: episode.durationSeconds,
        chunks: episode.chunks,
        timestamps: episode.timestamps,
        url: episode.url,
        showId: episode.showId ?? null,
        // Beyond the contract's fields: the page offers chapter-based starter questions.
        chapters: episode.chapters,
      })),
    });
  });

  router.post('/search', async (request, response) => {
    const { index, retriever } = servingNow(dependencies);
    const body = parseBody({ schema: searchRequestSchema, body: request.body, name: 'search' });
    const episodeIds = episodeFilter(index, body.episodeIds);
    const requestSignal = createRequestSignal(response, { timeoutMs: config.requestTimeoutMs });
    try {
      const hits = await raceSignal(retriever.search(body.query, { k: body.k, episodeIds }), requestSignal.signal);
      response.json({ results: hits.map(toSearchResult) });
    } finally {
      requestSignal.dispose();
    }
  });

  router.post('/chat', async (request, response) => {
    const { index, answerer } = servingNow(dependencies);
    const body = parseBody({ schema: chatRequestSchema, body: request.body, name: 'chat' });
    const chatRequest: ChatRequest = {
      message: body.message,
      history: body.history,
      episodeIds: episodeFilter(index, body.episodeIds),
    };
    const requestSignal = createRequestSignal(response, { timeoutMs: config.requestTimeoutMs });
    const { signal } = requestSignal;
    const events = abortable(answerer.answer(chatRequest, { signal }), signal);
    if (!(body.stream ?? acceptsEventStream(request))) {
      try {
        response.json(await collectAnswer(events));
      } finally {
        requestSignal.dispose();
      }
      return;
    }

    const stream = openSseStream(response, { heartbeatMs: options.heartbeatMs });
    try {
      for await (const event of events) {
        if (event.type === 'sources') stream.send('sources', { citations: event.citations });
        else if (event.type === 'text-delta') stream.send('text-delta', { text: event.text });
        else {
          stream.send('end', event.answer);
          return;
        }
      }
      throw new PodciteError('internal:answerer', 'The answerer finished without an answer.');
    } catch (error) {
      // Headers are gone: the failure travels as an `error` event (unless nobody is listening).
      if (!requestSignal.clientClosed) {
        const publicError = reportError(error, {
          ...options,
          logger: requestLogger(response, options.logger),
          context: 'POST /api/chat stream',
        });
        stream.send('error', errorBody(publicError, { openAI: false }));
      }
    } finally {
      requestSignal.dispose();
      stream.close();
    }
  });

  router.use(createShowRouter(dependencies));

  return router;
}
