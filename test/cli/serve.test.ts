import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { STATIC_EMBEDDER_ID } from '../../src/embeddings/static-embeddings.js';
import { parseSse, postJson } from '../http/app-harness.js';
import { fakeChatAnswer, fakeCitation } from '../support/fake-answerer.js';
import { type FakeOpenAIServer, startFakeOpenAIServer, streamedUsage } from '../support/fake-openai-server.js';
import { prepareIndex } from './prepare-index.js';
import { spawnServer } from './spawn-server.js';

describe('graceful shutdown of a server process', () => {
  test('SIGTERM while a stream is in flight: the stream completes, new connections are refused, exit 0', async () => {
    const server = await spawnServer({ script: 'test/cli/fixtures/serve-with-fakes.ts' });
    const order: string[] = [];
    void server.exited.then(() => order.push('exit'));
    try {
      const response = await postJson(`${server.url}/api/chat`, { message: 'q', stream: true });
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let received = '';
      while (!received.includes('event: sources')) received += (await reader.read()).value ?? '';
      server.child.kill('SIGTERM');
      // Give the signal handler a moment to close the listening socket.
      await new Promise((resolve) => setTimeout(resolve, 100));
      await expect(fetch(`${server.url}/api/health`)).rejects.toThrow();
      while (true) {
        const { value, done } = await reader.read();
        if (done) break;
        received += value;
      }
      order.push('stream complete');
      expect(parseSse(received).events.map((event) => [event.event, event.data])).toStrictEqual([
        ['sources', { citations: [fakeCitation()] }],
        ['text-delta', { text: 'one ' }],
        ['text-delta', { text: 'two ' }],
        ['text-delta', { text: 'three ' }],
        ['text-delta', { text: 'four' }],
        ['end', fakeChatAnswer()],
      ]);
      expect(await server.exited).toBe(0);
      expect(order).toStrictEqual(['stream complete', 'exit']);
      expect(server.stderr()).toContain('SIGTERM: finishing in-flight requests, then exiting.');
    } finally {
      server.child.kill('SIGKILL');
    }
  });
});

describe('src/cli/serve.ts with a prepared index and an OpenAI-compatible LLM', () => {
  let index: Awaited<ReturnType<typeof prepareIndex>>;
  let llm: FakeOpenAIServer;
  beforeAll(async () => {
    index = await prepareIndex();
    llm = await startFakeOpenAIServer();
    // A slow model: the answer starts 1.5 s after the request, so a stream is in flight when SIGTERM comes.
    llm.setDefault({
      kind: 'answer',
      content: 'Chris Manning says structure helps models learn efficiently [1].',
      delayMs: 1500,
    });
  });
  afterAll(async () => {
    await llm?.close();
    await index?.remove();
  });

  test('serves health, then SIGTERM during a streamed LLM answer lets it finish and exits 0', async () => {
    const server = await spawnServer({
      script: 'src/cli/serve.ts',
      env: { INDEX_DIR: index.dir, OPENAI_BASE_URL: llm.baseURL, OPENAI_API_KEY: 'sk-test-not-a-real-key' },
      startTimeoutMs: 150_000,
    });
    try {
      const health = await (await fetch(`${server.url}/api/health`)).json();
      expect(health).toStrictEqual({
        status: 'ok',
        episodes: index.episodes,
        chunks: index.chunks,
        embedder: STATIC_EMBEDDER_ID,
        answerer: 'llm',
      });

      // /v1 with a system message: it reaches the model as the caller's instructions, and usage is
      // what the model's server reported, not an estimate.
      const completion = await postJson(
        `${server.url}/v1/chat/completions`,
        {
          model: 'podcite',
          messages: [
            { role: 'system', content: 'Answer in one sentence.' },
            { role: 'user', content: 'Why does structure matter?' },
          ],
        },
        { 'x-request-id': 'serve-test-1' },
      );
      expect([completion.status, completion.headers.get('x-request-id')]).toStrictEqual([200, 'serve-test-1']);
      const sent = llm.requests.at(-1)?.body;
      expect(sent?.messages?.[0]?.content).toContain(
        '<caller-instructions>\nAnswer in one sentence.\n</caller-instructions>',
      );
      const content = 'Chris Manning says structure helps models learn efficiently [1].';
      expect(((await completion.json()) as { usage: unknown }).usage).toStrictEqual(
        streamedUsage(sent ?? {}, Math.ceil(content.length / 8)),
      );
      // The request log: JSON lines on stderr, carrying the caller's request id and the route pattern.
      // The line is written when the response has ended, which the client may see first.
      const logged = () =>
        server
          .stderr()
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as Record<string, unknown>)
          .find((line) => line.requestId === 'serve-test-1');
      for (let wait = 0; logged() === undefined && wait < 50; wait++) await new Promise((r) => setTimeout(r, 20));
      expect(logged()).toMatchObject({
        level: 'info',
        msg: 'request',
        method: 'POST',
        route: '/v1/chat/completions',
        status: 200,
      });
      const llmRequestsBefore = llm.requests.length;

      const response = await postJson(`${server.url}/api/chat`, {
        message: 'Why does structure matter?',
        stream: true,
      });
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let received = '';
      while (!received.includes('event: sources')) received += (await reader.read()).value ?? '';
      server.child.kill('SIGTERM');
      while (true) {
        const { value, done } = await reader.read();
        if (done) break;
        received += value;
      }
      const events = parseSse(received).events;
      expect(llm.requests.length).toBe(llmRequestsBefore + 1);
      expect([events[0]?.event, events.at(-1)?.event]).toStrictEqual(['sources', 'end']);
      expect(events.filter((event) => event.event === 'error')).toStrictEqual([]);
      expect((events.at(-1)?.data as { mode?: string } | undefined)?.mode).toBe('llm');
      expect(await server.exited).toBe(0);
    } finally {
      server.child.kill('SIGKILL');
    }
    // Starting the real server loads tsx, the index and the embedding model: slow on a busy machine.
  }, 180_000);
});
