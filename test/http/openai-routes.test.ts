import { ChatOpenAI } from '@langchain/openai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PodciteError } from '../../src/errors.js';
import { toChatRequest } from '../../src/http/openai-routes.js';
import { FakeAnswerer, fakeChatAnswer, fakeCitation } from '../support/fake-answerer.js';
import { parseSse, postJson, startTestApp, type TestApp } from './app-harness.js';

const TOKEN = 'openai-route-token';
const ANSWER = 'Alice said vector search is only half of retrieval [1].';

function client(app: TestApp, apiKey = TOKEN): OpenAI {
  return new OpenAI({ baseURL: `${app.url}/v1`, apiKey, maxRetries: 0, timeout: 10_000 });
}

describe('/v1 through the openai SDK', () => {
  let app: TestApp;
  let answerer: FakeAnswerer;
  beforeAll(async () => {
    // An LLM-mode answerer: only one of those can follow a system message.
    answerer = new FakeAnswerer({ answer: fakeChatAnswer({ mode: 'llm' }) });
    app = await startTestApp({ answerer, env: { API_TOKEN: TOKEN } });
  });
  afterAll(() => app.close());

  test('models.list offers the one podcite model', async () => {
    const models = [];
    for await (const model of client(app).models.list()) models.push(model);
    expect(models.map(({ created: _created, ...rest }) => rest)).toStrictEqual([
      { id: 'podcite', object: 'model', owned_by: 'podcite' },
    ]);
  });

  test('models.retrieve knows podcite and 404s any other model', async () => {
    const model = await client(app).models.retrieve('podcite');
    expect({ id: model.id, object: model.object, owned_by: model.owned_by }).toStrictEqual({
      id: 'podcite',
      object: 'model',
      owned_by: 'podcite',
    });
    const failure = await client(app)
      .models.retrieve('gpt-4o')
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.NotFoundError);
    expect((failure as InstanceType<typeof OpenAI.NotFoundError>).error).toStrictEqual({
      message: 'The model "gpt-4o" does not exist; use "podcite".',
      type: 'invalid_request_error',
      code: 'not_found:model',
      param: null,
    });
  });

  test('a non-streaming completion carries the answer with [n] markers and the citations', async () => {
    const completion = await client(app).chat.completions.create({
      model: 'podcite',
      messages: [
        { role: 'system', content: 'You are helpful.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello' },
        { role: 'user', content: [{ type: 'text', text: 'What about vector search?' }] },
      ],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.model).toBe('podcite');
    expect(completion.choices).toStrictEqual([
      {
        index: 0,
        message: { role: 'assistant', content: ANSWER, refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ]);
    expect((completion as unknown as { citations: unknown }).citations).toStrictEqual([fakeCitation()]);
    expect(answerer.requests.at(-1)).toStrictEqual({
      message: 'What about vector search?',
      history: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello' },
      ],
      episodeIds: undefined,
      instructions: 'You are helpful.',
    });
    // The fake reports no token counts, so usage is the documented estimate: a token per 4 characters.
    expect(completion.usage).toStrictEqual({
      prompt_tokens: Math.ceil(
        ('What about vector search?'.length + 'You are helpful.'.length + 'Hi'.length + 'Hello'.length) / 4,
      ),
      completion_tokens: Math.ceil(ANSWER.length / 4),
      total_tokens:
        Math.ceil(('What about vector search?'.length + 'You are helpful.'.length + 'Hi'.length + 'Hello'.length) / 4) +
        Math.ceil(ANSWER.length / 4),
    });
  });

  test('completions and models.retrieve agree: a model that is not listed is a 404 in both', async () => {
    const failure = await client(app)
      .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'q' }] })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.NotFoundError);
    expect((failure as InstanceType<typeof OpenAI.NotFoundError>).error).toStrictEqual({
      message: 'The model "gpt-4o" does not exist; use "podcite".',
      type: 'invalid_request_error',
      code: 'not_found:model',
      param: null,
    });
  });

  test('a streaming completion yields the deltas, then a final chunk with citations, usage and [DONE]', async () => {
    const stream = await client(app).chat.completions.create({
      model: 'podcite',
      messages: [{ role: 'user', content: 'What about vector search?' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.object)).toStrictEqual(Array(5).fill('chat.completion.chunk'));
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta ?? null)).toStrictEqual([
      { role: 'assistant', content: '' },
      { content: 'Alice said' },
      { content: ' vector search is only half of retrieval [1].' },
      {},
      null,
    ]);
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason ?? null)).toStrictEqual([
      null,
      null,
      null,
      'stop',
      null,
    ]);
    expect((chunks[3] as unknown as { citations: unknown }).citations).toStrictEqual([fakeCitation()]);
    expect(chunks[4]?.usage).toStrictEqual({
      prompt_tokens: Math.ceil('What about vector search?'.length / 4),
      completion_tokens: Math.ceil(ANSWER.length / 4),
      total_tokens: Math.ceil('What about vector search?'.length / 4) + Math.ceil(ANSWER.length / 4),
    });
  });

  test('a bad request is an SDK BadRequestError with OpenAI’s error shape', async () => {
    const failure = await client(app)
      .chat.completions.create({ model: 'podcite', messages: [{ role: 'assistant', content: 'I spoke last' }] })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    expect((failure as InstanceType<typeof OpenAI.BadRequestError>).error).toStrictEqual({
      message: 'The last message (other than system messages) must be from the user.',
      type: 'invalid_request_error',
      code: 'bad_request:messages',
      param: null,
    });
  });

  test('a wrong key is an SDK AuthenticationError', async () => {
    const failure = await client(app, 'wrong')
      .models.list()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.AuthenticationError);
  });
});

describe('/v1 failures and raw protocol', () => {
  test('a failure mid-stream reaches the SDK as an APIError', async () => {
    const answerer = new FakeAnswerer({
      failWith: { error: new PodciteError('unavailable:llm', 'The language model did not answer.'), afterEvents: 2 },
    });
    const app = await startTestApp({ answerer });
    try {
      const stream = await client(app).chat.completions.create({
        model: 'podcite',
        messages: [{ role: 'user', content: 'q' }],
        stream: true,
      });
      const received: string[] = [];
      const failure = await (async () => {
        for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
      })().catch((error: unknown) => error);
      expect(received).toStrictEqual(['', 'Alice said']);
      expect(failure).toBeInstanceOf(OpenAI.APIError);
      expect((failure as InstanceType<typeof OpenAI.APIError>).error).toStrictEqual({
        message: 'The language model did not answer.',
        type: 'server_error',
        code: 'unavailable:llm',
        param: null,
      });
    } finally {
      await app.close();
    }
  });

  test('an answerer that streams no deltas still sends the whole text before the final chunk', async () => {
    const app = await startTestApp({ answerer: new FakeAnswerer({ deltas: [] }) });
    try {
      const response = await postJson(`${app.url}/v1/chat/completions`, {
        messages: [{ role: 'user', content: 'q' }],
        stream: true,
      });
      const events = parseSse(await response.text()).events;
      expect(events.map((event) => event.event)).toStrictEqual(Array(4).fill('message'));
      const data = events.map((event) => event.data as { choices?: { delta: unknown }[] } | string);
      expect(data.map((chunk) => (typeof chunk === 'string' ? chunk : chunk.choices?.[0]?.delta))).toStrictEqual([
        { role: 'assistant', content: '' },
        { content: ANSWER },
        {},
        '[DONE]',
      ]);
    } finally {
      await app.close();
    }
  });

  test.each([
    [{ messages: [] }, 'Invalid request: messages: messages must hold at least one message'],
    [
      { messages: [{ role: 'robot', content: 'x' }] },
      'Invalid request: messages.0.role: role must be one of system, developer, user, assistant, tool, function',
    ],
    [
      { messages: [{ role: 'system', content: 'only a system prompt' }] },
      'The last message (other than system messages) must be from the user.',
    ],
    [{ messages: [{ role: 'user', content: '  ' }] }, 'The last user message has no text.'],
    [
      {
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'q' },
        ],
      },
      'System and developer messages need an LLM: this server answers extractively (quoting the transcripts), which cannot follow instructions. Remove them, or configure OPENAI_BASE_URL or OPENAI_API_KEY on the server.',
    ],
    [
      {
        messages: [
          { role: 'developer', content: 'x'.repeat(4001) },
          { role: 'user', content: 'q' },
        ],
      },
      'System and developer messages must hold at most 4000 characters together.',
    ],
    [
      { messages: [{ role: 'user', content: 'x'.repeat(4001) }] },
      'The last user message must be at most 4000 characters.',
    ],
  ])('POST /v1/chat/completions %j → 400', async (body, message) => {
    const app = await startTestApp();
    try {
      const response = await postJson(`${app.url}/v1/chat/completions`, body);
      expect(response.status).toBe(400);
      const parsed = (await response.json()) as { error: { message: string; type: string } };
      expect({ message: parsed.error.message, type: parsed.error.type }).toStrictEqual({
        message,
        type: 'invalid_request_error',
      });
    } finally {
      await app.close();
    }
  });

  test('unknown /v1 routes are 404 in the OpenAI shape', async () => {
    const app = await startTestApp();
    try {
      const response = await fetch(`${app.url}/v1/embeddings`, { method: 'POST' });
      expect(response.status).toBe(404);
      expect(await response.json()).toStrictEqual({
        error: {
          message: 'No route for POST /v1/embeddings.',
          type: 'invalid_request_error',
          code: 'not_found:route',
          param: null,
        },
      });
    } finally {
      await app.close();
    }
  });
});

describe('toChatRequest', () => {
  test('keeps the most recent 20 earlier turns, skipping tool and empty messages', () => {
    const earlier = Array.from({ length: 30 }, (_, position) => ({
      role: position % 2 === 0 ? ('user' as const) : ('assistant' as const),
      content: `turn ${position}`,
    }));
    const request = toChatRequest(
      [
        ...earlier,
        { role: 'tool', content: 'tool output' },
        { role: 'assistant', content: null },
        { role: 'developer', content: 'be brief' },
        { role: 'user', content: ' last question ' },
      ],
      ['episode-one'],
    );
    expect(request).toStrictEqual({
      message: 'last question',
      history: earlier.slice(10),
      episodeIds: ['episode-one'],
      instructions: 'be brief',
    });
  });
});

describe('LangChain ChatOpenAI pointed at podcite', () => {
  let app: TestApp;
  beforeAll(async () => {
    // LLM mode, so the system message below is followed rather than refused.
    app = await startTestApp({
      env: { API_TOKEN: TOKEN },
      answerer: new FakeAnswerer({ answer: fakeChatAnswer({ mode: 'llm' }) }),
    });
  });
  afterAll(() => app.close());

  const model = () =>
    new ChatOpenAI({
      model: 'podcite',
      apiKey: TOKEN,
      configuration: { baseURL: `${app.url}/v1` },
      maxRetries: 0,
    });

  test('invoke returns the cited answer', async () => {
    const message = await model().invoke([
      ['system', 'Answer from the podcast.'],
      ['human', 'What about vector search?'],
    ]);
    expect(message.content).toBe(ANSWER);
  });

  test('stream yields the answer in pieces', async () => {
    const pieces: string[] = [];
    for await (const chunk of await model().stream('What about vector search?')) {
      if (typeof chunk.content === 'string' && chunk.content !== '') pieces.push(chunk.content);
    }
    expect(pieces.join('')).toBe(fakeChatAnswer().answer);
    expect(pieces.length).toBe(2);
  });
});
