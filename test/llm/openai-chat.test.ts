import { APIError } from 'openai';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { PodciteError } from '../../src/errors.js';
import { createOpenAIChat, isRetryableLlmError, retryAfterSeconds } from '../../src/llm/openai-chat.js';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../support/fake-openai-server.js';

let server: FakeOpenAIServer;

beforeEach(async () => {
  server = await startFakeOpenAIServer();
});
afterEach(async () => {
  await server.close();
});

function chat(timeoutMs = 2000) {
  return createOpenAIChat({ apiKey: 'test-key', baseURL: server.baseURL, chatModel: 'fake-chat', timeoutMs });
}

async function streamAll(iterable: AsyncIterable<string>): Promise<string[]> {
  const parts: string[] = [];
  for await (const part of iterable) parts.push(part);
  return parts;
}

async function failureOf(promise: Promise<unknown>): Promise<PodciteError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PodciteError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

const messages = [{ role: 'user' as const, content: 'Hi' }];

describe('createOpenAIChat', () => {
  test('streams deltas and sends model, messages and stream: true', async () => {
    server.enqueue({ kind: 'answer', content: 'Hello there [1].', chunkSize: 5 });
    expect(await streamAll(chat().stream({ messages }))).toStrictEqual(['Hello', ' ther', 'e [1]', '.']);
    expect(
      server.requests.map((request) => [request.path, request.body.model, request.body.stream, request.body.messages]),
    ).toStrictEqual([['/v1/chat/completions', 'fake-chat', true, messages]]);
    expect(server.requests[0]?.headers.authorization).toBe('Bearer test-key');
  });

  test('complete returns the whole reply', async () => {
    server.enqueue({ kind: 'answer', content: 'Standalone question?' });
    expect(await chat().complete({ messages, maxTokens: 50 })).toBe('Standalone question?');
    expect(server.requests[0]?.body.max_tokens).toBe(50);
  });

  test.each([
    [500, true],
    [429, true],
    [503, true],
    [400, false],
    [401, false],
  ])('HTTP %s becomes unavailable:llm (retryable: %s) with the vendor error as cause', async (status, retryable) => {
    server.enqueue({ kind: 'status', status, headers: { 'retry-after': '1' } });
    const error = await failureOf(streamAll(chat().stream({ messages })));
    expect([
      error.code,
      error.message,
      error.cause instanceof APIError,
      isRetryableLlmError(error),
      retryAfterSeconds(error),
    ]).toStrictEqual([
      'unavailable:llm',
      `The language model is unavailable: the language model server answered ${status}.`,
      true,
      retryable,
      1,
    ]);
  });

  test('a server that sends nothing in time is a retryable timeout', async () => {
    server.enqueue({ kind: 'answer', content: 'late', delayMs: 5000 });
    const error = await failureOf(streamAll(chat(150).stream({ messages })));
    expect([error.code, error.message, isRetryableLlmError(error)]).toStrictEqual([
      'unavailable:llm',
      'The language model sent nothing for 150 ms.',
      true,
    ]);
  });

  test('a stream that stalls after its first delta times out too', async () => {
    server.enqueue({ kind: 'stall', content: 'Partial answer', afterChunks: 1 });
    const parts: string[] = [];
    const error = await failureOf(
      (async () => {
        for await (const part of chat(150).stream({ messages })) parts.push(part);
      })(),
    );
    expect([parts, error.message]).toStrictEqual([['Partial '], 'The language model sent nothing for 150 ms.']);
  });

  test.each([false, true])(
    'a stream cut short (graceful end: %s) is an error, not a short answer',
    async (graceful) => {
      server.enqueue({ kind: 'cut', content: 'This answer is cut', afterChunks: 1, graceful });
      const error = await failureOf(streamAll(chat().stream({ messages })));
      expect([error.code, isRetryableLlmError(error)]).toStrictEqual(['unavailable:llm', true]);
    },
  );

  test('an aborted signal cancels the upstream request', async () => {
    server.enqueue({ kind: 'stall' });
    const controller = new AbortController();
    const pending = failureOf(streamAll(chat(10_000).stream({ messages, signal: controller.signal })));
    setTimeout(() => controller.abort(), 50);
    const error = await pending;
    expect([error.code, error.message]).toStrictEqual([
      'unavailable:llm',
      'The request to the language model was cancelled.',
    ]);
  });

  test('isRetryableLlmError is false for other errors', () => {
    expect([isRetryableLlmError(new Error('x')), isRetryableLlmError(new PodciteError('internal', 'x'))]).toStrictEqual(
      [false, false],
    );
  });
});
