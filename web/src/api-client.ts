/**
 * The page's only door to the server: JSON calls and the `/api/chat` event stream, with the
 * bearer token the server may ask for (API_TOKEN). Every failure surfaces as a PodciteError whose
 * message can be shown to the user as is.
 */
import type * as z from 'zod/mini';
import type { ChatAnswer, ChatMessage, ChatRequest, Citation } from '../../src/domain.js';
import { type ErrorFamily, PodciteError } from '../../src/errors.js';
import { apiErrorBodySchema, chatAnswerSchema, sourcesEventSchema, textDeltaEventSchema } from './api-schemas.js';
import { readEventStream } from './parse-event-stream.js';

const TOKEN_KEY = 'podcite.apiToken';

export type ChatStreamEvent =
  | { type: 'sources'; citations: Citation[] }
  | { type: 'text-delta'; text: string }
  | { type: 'end'; answer: ChatAnswer };

export interface ApiClientOptions {
  /**
   * Asks the user for the API token; `rejected` when a token was sent and refused. Resolves null
   * when the user declines. Called at most once at a time however many requests got a 401.
   */
  requestToken: (reason: 'missing' | 'rejected') => Promise<string | null>;
  /** Where the token is kept: sessionStorage, so it is forgotten with the tab. */
  tokenStorage: Storage;
}

export interface ApiClient {
  getJson<T>(path: string, schema: z.ZodMiniType<T>): Promise<T>;
  postJson<T>(options: { path: string; body: unknown; schema: z.ZodMiniType<T>; signal?: AbortSignal }): Promise<T>;
  /** Streams `/api/chat`; ends after the `end` event or throws the server's `error` event. */
  streamChat(
    request: Pick<ChatRequest, 'message' | 'history'> & { episodeIds?: string[] },
    options: { signal: AbortSignal },
  ): AsyncGenerator<ChatStreamEvent>;
}

/** A PodciteError from a code the server sent (any string) and its message. */
export function errorFromServer(code: string, message: string): PodciteError {
  return new PodciteError(code as `${ErrorFamily}:${string}`, message);
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  let pendingToken: Promise<string | null> | null = null;

  function storedToken(): string | null {
    try {
      return options.tokenStorage.getItem(TOKEN_KEY);
    } catch {
      return null;
    }
  }

  async function askForToken(rejectedToken: string | null): Promise<string | null> {
    // Parallel requests that all got 401 share one prompt; a token stored meanwhile is reused.
    const current = storedToken();
    if (current !== null && current !== rejectedToken) return current;
    pendingToken ??= options.requestToken(rejectedToken === null ? 'missing' : 'rejected').finally(() => {
      pendingToken = null;
    });
    const token = await pendingToken;
    if (token !== null) {
      try {
        options.tokenStorage.setItem(TOKEN_KEY, token);
      } catch {
        // Without storage the token still works for this page's lifetime via the closure below.
      }
    }
    return token;
  }

  async function send(path: string, init: RequestInit): Promise<Response> {
    let token = storedToken();
    for (let attempt = 0; ; attempt++) {
      const headers = new Headers(init.headers);
      if (token !== null) headers.set('Authorization', `Bearer ${token}`);
      let response: Response;
      try {
        response = await fetch(path, { ...init, headers });
      } catch (error) {
        if (init.signal?.aborted) throw error;
        throw new PodciteError(
          'unavailable:network',
          'Could not reach the podcite server. Check that it is running, then try again.',
          { cause: error },
        );
      }
      if (response.status !== 401 || attempt >= 3) {
        if (!response.ok) throw await errorFromResponse(response);
        return response;
      }
      const next = await askForToken(token);
      if (next === null) {
        throw new PodciteError('unauthorized', 'This server needs an access token. Reload the page to enter it.');
      }
      token = next;
    }
  }

  async function parseJson<T>(response: Response, schema: z.ZodMiniType<T>): Promise<T> {
    const parsed = schema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) {
      throw new PodciteError('internal:response', 'The server sent an answer this page does not understand.');
    }
    return parsed.data;
  }

  return {
    async getJson(path, schema) {
      return parseJson(await send(path, { headers: { Accept: 'application/json' } }), schema);
    },

    async postJson({ path, body, schema, signal }) {
      const init: RequestInit = {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
      };
      if (signal) init.signal = signal;
      return parseJson(await send(path, init), schema);
    },

    async *streamChat(request, { signal }) {
      const history: ChatMessage[] = request.history;
      const response = await send('/api/chat', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
        body: JSON.stringify({ ...request, history, stream: true }),
        signal,
      });
      // A server (or proxy) that ignores `stream` answers with the plain JSON body: accept it.
      if (!response.headers.get('Content-Type')?.includes('text/event-stream') || !response.body) {
        yield { type: 'end', answer: await parseJson(response, chatAnswerSchema) };
        return;
      }
      for await (const event of readEventStream(response.body)) {
        const payload = parseEventData(event.data);
        if (event.event === 'sources') {
          const parsed = sourcesEventSchema.safeParse(payload);
          if (parsed.success) yield { type: 'sources', citations: parsed.data.citations };
        } else if (event.event === 'text-delta') {
          const parsed = textDeltaEventSchema.safeParse(payload);
          if (parsed.success) yield { type: 'text-delta', text: parsed.data.text };
        } else if (event.event === 'end') {
          const parsed = chatAnswerSchema.safeParse(payload);
          if (!parsed.success) {
            throw new PodciteError('internal:response', 'The server sent an answer this page does not understand.');
          }
          yield { type: 'end', answer: parsed.data };
          return;
        } else if (event.event === 'error') {
          const parsed = apiErrorBodySchema.safeParse(payload);
          if (parsed.success) throw errorFromServer(parsed.data.error.code, parsed.data.error.message);
          throw new PodciteError('internal:stream', 'The server failed while answering.');
        }
      }
      throw new PodciteError('unavailable:stream', 'The answer was cut off before it finished. Try again.');
    },
  };
}

function parseEventData(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

async function errorFromResponse(response: Response): Promise<PodciteError> {
  const parsed = apiErrorBodySchema.safeParse(await response.json().catch(() => undefined));
  if (parsed.success) return errorFromServer(parsed.data.error.code, parsed.data.error.message);
  return new PodciteError(
    response.status >= 500 ? 'internal:http' : 'bad_request:http',
    `The server answered ${response.status} ${response.statusText}.`.replace(' .', '.'),
  );
}
