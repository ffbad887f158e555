import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { STATIC_EMBEDDER_ID } from '../../src/embeddings/static-embeddings.js';
import { parseSse, postJson } from '../http/app-harness.js';
import { fakeChatAnswer, fakeCitation } from '../support/fake-answerer.js';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../support/fake-openai-server.js';
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
      expect(llm.requests.length).toBe(1);
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
