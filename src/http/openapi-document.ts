/**
 * `GET /openapi.json`: an OpenAPI 3.1 description of the podcite API, built from the same zod
 * schemas that validate requests (`request-schemas.ts`) and describe responses
 * (`response-schemas.ts`), through zod's own JSON Schema output (draft 2020-12, OpenAPI 3.1's dialect).
 */
import { z } from 'zod';
import {
  addShowRequestSchema,
  chatRequestSchema,
  openAIChatRequestSchema,
  searchRequestSchema,
} from './request-schemas.js';
import {
  chatAnswerResponseSchema,
  citationResponseSchema,
  episodesResponseSchema,
  errorResponseSchema,
  healthResponseSchema,
  livenessResponseSchema,
  openAIChatCompletionChunkSchema,
  openAIChatCompletionSchema,
  openAIErrorResponseSchema,
  openAIModelListSchema,
  openAIModelSchema,
  readinessResponseSchema,
  searchResponseSchema,
  showIngestStatusSchema,
  showResponseSchema,
  showsResponseSchema,
  sourcesEventSchema,
  textDeltaEventSchema,
} from './response-schemas.js';

type JsonSchema = Record<string, unknown>;

/** Request bodies are described as clients send them (defaults optional), responses as sent. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io });
  return rest;
}

const COMPONENTS: Record<string, { schema: z.ZodType; io: 'input' | 'output' }> = {
  SearchRequest: { schema: searchRequestSchema, io: 'input' },
  ChatRequest: { schema: chatRequestSchema, io: 'input' },
  OpenAIChatRequest: { schema: openAIChatRequestSchema, io: 'input' },
  AddShowRequest: { schema: addShowRequestSchema, io: 'input' },
  Health: { schema: healthResponseSchema, io: 'output' },
  Episodes: { schema: episodesResponseSchema, io: 'output' },
  Shows: { schema: showsResponseSchema, io: 'output' },
  Show: { schema: showResponseSchema, io: 'output' },
  ShowIngestStatus: { schema: showIngestStatusSchema, io: 'output' },
  SearchResponse: { schema: searchResponseSchema, io: 'output' },
  ChatAnswer: { schema: chatAnswerResponseSchema, io: 'output' },
  Citation: { schema: citationResponseSchema, io: 'output' },
  SourcesEvent: { schema: sourcesEventSchema, io: 'output' },
  TextDeltaEvent: { schema: textDeltaEventSchema, io: 'output' },
  Error: { schema: errorResponseSchema, io: 'output' },
  Liveness: { schema: livenessResponseSchema, io: 'output' },
  Readiness: { schema: readinessResponseSchema, io: 'output' },
  OpenAIModel: { schema: openAIModelSchema, io: 'output' },
  OpenAIModelList: { schema: openAIModelListSchema, io: 'output' },
  OpenAIChatCompletion: { schema: openAIChatCompletionSchema, io: 'output' },
  OpenAIChatCompletionChunk: { schema: openAIChatCompletionChunkSchema, io: 'output' },
  OpenAIError: { schema: openAIErrorResponseSchema, io: 'output' },
};

export type ComponentName = keyof typeof COMPONENTS;

const ref = (name: ComponentName) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: ComponentName) => ({ 'application/json': { schema: ref(name) } });

/**
 * The error statuses a route can answer, in podcite's shape or (under `/v1`) OpenAI's; `says`
 * replaces the generic description of a status where the route means something particular by it.
 */
function errors(statuses: number[], shape: ComponentName = 'Error', says: Record<number, string> = {}) {
  const descriptions: Record<number, string> = {
    400: 'Invalid request: the message lists every problem as `field: reason`.',
    401: 'API_TOKEN is set and the request has no valid `Authorization: Bearer` token.',
    404: 'No such model or route.',
    413: 'The body is over 64 kB.',
    429: 'Rate limit reached; `Retry-After` says when to retry.',
    500: 'Internal error (details only in the server log).',
    503: 'Something the answer needs is unavailable (the index, or the LLM with no fallback).',
    504: 'The request ran past REQUEST_TIMEOUT_MS.',
  };
  return Object.fromEntries(
    statuses.map((status) => [
      String(status),
      { description: says[status] ?? descriptions[status] ?? 'Error.', content: json(shape) },
    ]),
  );
}

/** When API_TOKEN is set the bearer token is required; without it the API is open (the empty alternative). */
const TOKEN = [{ bearerAuth: [] }, {}];
const API_ERRORS = [401, 429, 500];

let cached: JsonSchema | undefined;

/** The document (built once; it depends on nothing but the schemas). */
export function openApiDocument(): JsonSchema {
  cached ??= {
    openapi: '3.1.0',
    info: {
      title: 'podcite',
      version: '0.1.0',
      summary: 'Ask questions of a podcast; answers cite the episode, the speaker and the second.',
      description:
        'The podcite JSON/SSE API under `/api`, the OpenAI Chat Completions protocol under `/v1`, and ' +
        'the operations endpoints. Times are seconds from the start of the episode. Every response carries ' +
        '`X-Request-Id` (the caller’s, when it is 1–128 characters of `A-Za-z0-9._:/+=-`, or a new UUID).',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'The API_TOKEN the server was started with.' },
      },
      schemas: Object.fromEntries(
        Object.entries(COMPONENTS).map(([name, { schema, io }]) => [name, jsonSchema(schema, io)]),
      ),
    },
    paths: {
      '/healthz': {
        get: {
          summary: 'Liveness: the process answers. No token, no rate limit.',
          responses: { '200': { description: 'Alive.', content: json('Liveness') } },
        },
      },
      '/readyz': {
        get: {
          summary: 'Readiness: the index is loaded and the answer tables are built. No token, no rate limit.',
          responses: {
            '200': { description: 'Ready for traffic.', content: json('Readiness') },
            '503': { description: 'Still starting; `waitingFor` says on what.', content: json('Readiness') },
          },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics (text exposition format).',
          security: TOKEN,
          responses: {
            '200': { description: 'Metrics.', content: { 'text/plain': { schema: { type: 'string' } } } },
            ...errors([401]),
          },
        },
      },
      '/openapi.json': {
        get: {
          summary: 'This document.',
          responses: { '200': { description: 'OpenAPI 3.1.', content: { 'application/json': { schema: {} } } } },
        },
      },
      '/api/health': {
        get: {
          summary: 'Index size, embedder and answer mode.',
          security: TOKEN,
          responses: { '200': { description: 'OK.', content: json('Health') }, ...errors(API_ERRORS) },
        },
      },
      '/api/episodes': {
        get: {
          summary: 'The indexed episodes.',
          security: TOKEN,
          responses: { '200': { description: 'OK.', content: json('Episodes') }, ...errors(API_ERRORS) },
        },
      },
      '/api/search': {
        post: {
          summary: 'Ranked transcript passages for a query (hybrid BM25 + dense retrieval).',
          security: TOKEN,
          requestBody: { required: true, content: json('SearchRequest') },
          responses: {
            '200': { description: 'Best first.', content: json('SearchResponse') },
            ...errors([400, 413, 504, ...API_ERRORS]),
          },
        },
      },
      '/api/chat': {
        post: {
          summary: 'An answer with citations; streamed as server-sent events on request.',
          description:
            'With `"stream": true` or `Accept: text/event-stream` the answer streams as server-sent events: ' +
            '`sources` (a SourcesEvent: the candidate citations), then `text-delta` events (TextDeltaEvent), then ' +
            '`end` (the ChatAnswer) — or `error` (the Error body) if it fails after the stream started.',
          security: TOKEN,
          requestBody: { required: true, content: json('ChatRequest') },
          responses: {
            '200': {
              description: 'The answer.',
              content: { ...json('ChatAnswer'), 'text/event-stream': { schema: { type: 'string' } } },
            },
            ...errors([400, 413, 503, 504, ...API_ERRORS]),
          },
        },
      },
      '/api/shows': {
        get: {
          summary: 'The shows (feeds) in the library.',
          security: TOKEN,
          responses: {
            '200': { description: 'In the order they were added.', content: json('Shows') },
            ...errors(API_ERRORS),
          },
        },
        post: {
          summary: 'Adds a show by its feed URL; the feed is ingested in the background, one feed at a time.',
          description:
            'Answers 202 with the ingest’s status and `Location: /api/shows/{showId}`, where its progress ' +
            'can be followed. Adding a feed that is already queued or running returns that ingest; adding ' +
            'one already in the library refreshes it. When the ingest is `done`, the show is being served.',
          security: TOKEN,
          requestBody: { required: true, content: json('AddShowRequest') },
          responses: {
            '202': {
              description: 'Queued (or already queued or running).',
              headers: { Location: { description: 'The show’s status URL.', schema: { type: 'string' } } },
              content: json('ShowIngestStatus'),
            },
            ...errors([400, 413, 503, ...API_ERRORS], 'Error', {
              400: 'Invalid body, a URL that is not http(s), or a private address without ALLOW_PRIVATE_URLS=true.',
              503: 'The server does not ingest feeds (`unavailable:shows`), ten feeds are already waiting (`unavailable:shows_busy`), or the feed’s host cannot be resolved (`unavailable:fetch`).',
            }),
          },
        },
      },
      '/api/shows/{showId}': {
        get: {
          summary: 'One show and the progress of its latest background ingest.',
          security: TOKEN,
          parameters: [{ name: 'showId', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': { description: 'OK.', content: json('Show') },
            ...errors([404, ...API_ERRORS], 'Error', {
              404: 'No such show in the library and no ingest of it since the server started.',
            }),
          },
        },
      },
      '/v1/models': {
        get: {
          summary: 'The models podcite answers as (OpenAI protocol).',
          security: TOKEN,
          responses: {
            '200': { description: 'OK.', content: json('OpenAIModelList') },
            ...errors(API_ERRORS, 'OpenAIError'),
          },
        },
      },
      '/v1/models/{model}': {
        get: {
          summary: 'One model (OpenAI protocol).',
          security: TOKEN,
          parameters: [{ name: 'model', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': { description: 'OK.', content: json('OpenAIModel') },
            ...errors([404, ...API_ERRORS], 'OpenAIError'),
          },
        },
      },
      '/v1/chat/completions': {
        post: {
          summary: 'OpenAI Chat Completions: the last user message is the question.',
          description:
            'Streaming (`"stream": true`) sends `chat.completion.chunk` data events, the last one with ' +
            '`finish_reason` carrying `citations`, then `data: [DONE]`. `episodeIds` is a podcite extension. ' +
            'System and developer messages are passed to the LLM as the caller’s instructions (below ' +
            'podcite’s own rules); in extractive mode, which has no model to instruct, they are refused with a 400.',
          security: TOKEN,
          requestBody: { required: true, content: json('OpenAIChatRequest') },
          responses: {
            '200': {
              description: 'The completion.',
              content: {
                ...json('OpenAIChatCompletion'),
                'text/event-stream': { schema: { type: 'string' } },
              },
            },
            ...errors([400, 413, 503, 504, ...API_ERRORS], 'OpenAIError'),
          },
        },
      },
    },
  };
  return cached;
}
