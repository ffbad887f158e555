import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { OpenAIEmbeddings } from '../../src/embeddings/openai-embeddings.js';
import { PodciteError } from '../../src/errors.js';

interface Received {
  path: string;
  body: { model: string; input: string[]; encoding_format: string };
}

/** A local server speaking OpenAI's /v1/embeddings: vector i is [length of input i, i, 1]; entries come back reversed. */
async function startServer(
  options: { status?: number } = {},
): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer(async (request: IncomingMessage, response) => {
    let text = '';
    for await (const part of request) text += part;
    const body = JSON.parse(text) as Received['body'];
    received.push({ path: request.url ?? '', body });
    if (options.status) {
      response.writeHead(options.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: 'model overloaded', type: 'server_error' } }));
      return;
    }
    const data = body.input.map((input, index) => ({
      object: 'embedding',
      index,
      embedding: [input.length, index, 1],
    }));
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ object: 'list', model: body.model, data: data.reverse(), usage: {} }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1`, received, server };
}

describe('OpenAIEmbeddings against an OpenAI-protocol server', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  test('asks for floats, keeps input order, batches by 128 and learns the dimension', async () => {
    const started = await startServer();
    server = started.server;
    const embeddings = new OpenAIEmbeddings({ apiKey: 'test', baseURL: started.url, model: 'nomic-embed-text' });
    expect([embeddings.id, embeddings.dimension]).toStrictEqual(['openai:nomic-embed-text', 0]);
    const texts = Array.from({ length: 130 }, (_, index) => 'x'.repeat(index + 1));
    const vectors = await embeddings.embedDocuments(texts);
    expect(vectors.length).toBe(130);
    expect(vectors[0]).toStrictEqual([1, 0, 1]);
    expect(vectors[129]).toStrictEqual([130, 1, 1]);
    expect(embeddings.dimension).toBe(3);
    expect(await embeddings.embedQuery('four')).toStrictEqual([4, 0, 1]);
    expect(
      // The two document batches run concurrently, so their arrival order is not fixed.
      started.received
        .map((request) => [request.path, request.body.input.length, request.body.encoding_format])
        .sort((a, b) => Number(b[1]) - Number(a[1])),
    ).toStrictEqual([
      ['/v1/embeddings', 128, 'float'],
      ['/v1/embeddings', 2, 'float'],
      ['/v1/embeddings', 1, 'float'],
    ]);
  });

  test('knows the width of OpenAI models before any call', () => {
    const embeddings = new OpenAIEmbeddings({ apiKey: 'test', model: 'text-embedding-3-small' });
    expect([embeddings.id, embeddings.dimension]).toStrictEqual(['openai:text-embedding-3-small', 1536]);
  });

  test('wraps server errors as unavailable:embeddings with the cause kept', async () => {
    const started = await startServer({ status: 400 });
    server = started.server;
    const embeddings = new OpenAIEmbeddings({ apiKey: 'test', baseURL: started.url, model: 'm' });
    const error = await embeddings.embedQuery('hello').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PodciteError);
    expect((error as PodciteError).code).toBe('unavailable:embeddings');
    expect((error as PodciteError).message).toBe('The embeddings server failed (m): 400 model overloaded');
    expect((error as PodciteError).cause).toBeInstanceOf(Error);
  });
});
