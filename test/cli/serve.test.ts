import { describe, expect, test } from 'vitest';
import { parseSse, postJson } from '../http/app-harness.js';
import { fakeChatAnswer, fakeCitation } from '../support/fake-answerer.js';
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
