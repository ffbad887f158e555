import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { ChatAnswer, ChatMessage, ChatRequest, TokenUsage } from '../domain.js';
import { PodciteError } from '../errors.js';
import { type AppDependencies, servingNow } from './app-dependencies.js';
import { collectEndEvent } from './collect-answer.js';
import { episodeFilter } from '../store/episode-filter.js';
import { type ErrorReporting, errorBody, reportError } from './error-middleware.js';
import { type OpenAIMessage, openAIChatRequestSchema, parseBody, REQUEST_LIMITS } from './request-schemas.js';
import { abortable, createRequestSignal } from './request-signal.js';
import { requestLogger } from './request-log.js';
import { openSseStream } from './sse.js';

/** The one model podcite offers; any requested model name is answered by it. */
export const OPENAI_MODEL_ID = 'podcite';

export interface OpenAIRouterOptions extends ErrorReporting {
  heartbeatMs: number;
}

/** Text of an OpenAI message: a string, or the `text` parts of a content array joined by newlines. */
function messageText(message: OpenAIMessage): string {
  const { content } = message;
  if (typeof content === 'string') return content;
  if (!content) return '';
  return content
    .filter((part) => part.type === 'text' && typeof part.text === 'string')
    .map((part) => part.text)
    .join('\n');
}

/**
 * The podcite question from an OpenAI conversation: the last message must be the user's and is
 * the question; earlier user/assistant turns are the history (the most recent 20). System and
 * developer messages become `instructions` (joined by blank lines, at most 4,000 characters),
 * which an LLM answerer follows below its own citation rules.
 */
export function toChatRequest(messages: readonly OpenAIMessage[], episodeIds: string[] | undefined): ChatRequest {
  const instructions = messages
    .filter((message) => message.role === 'system' || message.role === 'developer')
    .map((message) => messageText(message).trim())
    .filter((text) => text !== '')
    .join('\n\n');
  if (instructions.length > REQUEST_LIMITS.messageCharacters) {
    throw new PodciteError(
      'bad_request:messages',
      `System and developer messages must hold at most ${REQUEST_LIMITS.messageCharacters} characters together.`,
    );
  }
  const conversation = messages.filter((message) => message.role !== 'system' && message.role !== 'developer');
  const last = conversation.at(-1);
  if (last?.role !== 'user') {
    throw new PodciteError(
      'bad_request:messages',
      'The last message (other than system messages) must be from the user.',
    );
  }
  const question = messageText(last).trim();
  if (question === '') throw new PodciteError('bad_request:messages', 'The last user message has no text.');
  if (question.length > REQUEST_LIMITS.messageCharacters) {
    throw new PodciteError(
      'bad_request:messages',
      `The last user message must be at most ${REQUEST_LIMITS.messageCharacters} characters.`,
    );
  }
  const history: ChatMessage[] = [];
  for (const message of conversation.slice(0, -1)) {
    if (message.role !== 'user' && message.role !== 'assistant') continue;
    const content = messageText(message).trim().slice(0, REQUEST_LIMITS.messageCharacters);
    if (content !== '') history.push({ role: message.role, content });
  }
  return {
    message: question,
    history: history.slice(-REQUEST_LIMITS.historyItems),
    episodeIds,
    ...(instructions === '' ? {} : { instructions }),
  };
}

/**
 * OpenAI `usage`: the LLM server's own counts when it reported them; otherwise (extractive answers,
 * or a server that reports none) an estimate of one token per four characters — of the question,
 * history and instructions for the prompt, of the answer for the completion.
 */
export function completionUsage(options: {
  request: ChatRequest;
  answer: ChatAnswer;
  reported?: TokenUsage | undefined;
}) {
  const estimate = (characters: number) => Math.ceil(characters / 4);
  const { request } = options;
  const promptTokens =
    options.reported?.promptTokens ??
    estimate(
      request.message.length +
        (request.instructions?.length ?? 0) +
        request.history.reduce((sum, message) => sum + message.content.length, 0),
    );
  const completionTokens = options.reported?.completionTokens ?? estimate(options.answer.answer.length);
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

/** podcite's extras beside an OpenAI completion; `citations` is what the `[n]` markers refer to. */
function podciteFields(answer: ChatAnswer) {
  return {
    citations: answer.citations,
    answerable: answer.answerable,
    mode: answer.mode,
    ...(answer.notice === undefined ? {} : { notice: answer.notice }),
  };
}

/**
 * `/v1/models` and `/v1/chat/completions` in the OpenAI Chat Completions protocol, so any
 * OpenAI client (the `openai` SDK, LangChain's ChatOpenAI, chat UIs) can talk to podcite.
 * Streaming sends `chat.completion.chunk` data events, then `data: [DONE]`; the final chunk
 * (the one with `finish_reason`) carries the `citations`.
 */
export function createOpenAIRouter(dependencies: AppDependencies, options: OpenAIRouterOptions): Router {
  const { config } = dependencies;
  const router = Router();
  const startedAt = Math.floor(Date.now() / 1000);

  const model = { id: OPENAI_MODEL_ID, object: 'model', created: startedAt, owned_by: 'podcite' };
  // The one rule for /v1/models/:model and completions alike: only the listed model exists.
  const unknownModel = (name: string) =>
    new PodciteError('not_found:model', `The model "${name.slice(0, 100)}" does not exist; use "${OPENAI_MODEL_ID}".`);
  router.get('/models', (_request, response) => {
    response.json({ object: 'list', data: [model] });
  });
  router.get('/models/:model', (request, response, next) => {
    if (request.params.model === OPENAI_MODEL_ID) response.json(model);
    else next(unknownModel(request.params.model));
  });

  router.post('/chat/completions', async (request, response) => {
    const { answerer, index } = servingNow(dependencies);
    const body = parseBody({ schema: openAIChatRequestSchema, body: request.body, name: 'chat_completions' });
    if (body.model !== undefined && body.model !== OPENAI_MODEL_ID) throw unknownModel(body.model);
    const chatRequest = toChatRequest(body.messages, episodeFilter(index, body.episodeIds));
    if (chatRequest.instructions !== undefined && answerer.mode === 'extractive') {
      // Dropping them in silence would answer a different request than the one sent.
      throw new PodciteError(
        'bad_request:messages',
        'System and developer messages need an LLM: this server answers extractively (quoting the transcripts), which cannot follow instructions. Remove them, or configure OPENAI_BASE_URL or OPENAI_API_KEY on the server.',
      );
    }
    const requestSignal = createRequestSignal(response, { timeoutMs: config.requestTimeoutMs });
    const { signal } = requestSignal;
    const events = abortable(answerer.answer(chatRequest, { signal }), signal);
    const id = `chatcmpl-${randomUUID()}`;
    const created = Math.floor(Date.now() / 1000);

    if (!body.stream) {
      try {
        const end = await collectEndEvent(events);
        const answer = end.answer;
        response.json({
          id,
          object: 'chat.completion',
          created,
          model: OPENAI_MODEL_ID,
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: answer.answer, refusal: null },
              logprobs: null,
              finish_reason: 'stop',
            },
          ],
          usage: completionUsage({ request: chatRequest, answer, reported: end.usage }),
          ...podciteFields(answer),
        });
      } finally {
        requestSignal.dispose();
      }
      return;
    }

    const stream = openSseStream(response, { heartbeatMs: options.heartbeatMs });
    const chunk = (delta: object, finishReason: 'stop' | null, extra: object = {}) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model: OPENAI_MODEL_ID,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      ...extra,
    });
    try {
      stream.send(undefined, chunk({ role: 'assistant', content: '' }, null));
      let streamed = '';
      for await (const event of events) {
        if (event.type === 'text-delta') {
          streamed += event.text;
          stream.send(undefined, chunk({ content: event.text }, null));
        } else if (event.type === 'end') {
          // Answerers that stream little or nothing still owe the client the whole text.
          const rest = event.answer.answer.startsWith(streamed) ? event.answer.answer.slice(streamed.length) : '';
          if (rest !== '') stream.send(undefined, chunk({ content: rest }, null));
          stream.send(undefined, chunk({}, 'stop', podciteFields(event.answer)));
          if (body.stream_options?.include_usage) {
            stream.send(undefined, {
              id,
              object: 'chat.completion.chunk',
              created,
              model: OPENAI_MODEL_ID,
              choices: [],
              usage: completionUsage({ request: chatRequest, answer: event.answer, reported: event.usage }),
            });
          }
          stream.send(undefined, '[DONE]');
          return;
        }
      }
      throw new PodciteError('internal:answerer', 'The answerer finished without an answer.');
    } catch (error) {
      if (!requestSignal.clientClosed) {
        const publicError = reportError(error, {
          ...options,
          logger: requestLogger(response, options.logger),
          context: 'POST /v1/chat/completions stream',
        });
        // OpenAI streams report a mid-stream failure as a data event holding `error`.
        stream.send(undefined, errorBody(publicError, { openAI: true }));
      }
    } finally {
      requestSignal.dispose();
      stream.close();
    }
  });

  return router;
}
