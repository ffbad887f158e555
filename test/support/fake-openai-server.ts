/**
 * A real HTTP server on an ephemeral port that speaks the OpenAI Chat Completions protocol
 * (JSON, and SSE `data: {chunk}\n\n … data: [DONE]\n\n` when `stream: true`). Each request takes
 * the next scripted reply, so a test can stage a normal answer, a slow one, a 500, a 429, a stream
 * cut short, an invented `[9]` or a refusal — and then inspect exactly what the client sent.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeReply =
  /** A normal reply. `delayMs` waits before the response starts; the text streams in `chunkSize`-character chunks. */
  | { kind: 'answer'; content: string; delayMs?: number; chunkSize?: number }
  /** An error status with an OpenAI-style error body (500, 429 …); `headers` e.g. `retry-after`. */
  | { kind: 'status'; status: number; headers?: Record<string, string> }
  /**
   * Streams the first `afterChunks` chunks of `content`, then cuts the connection (`destroy`), or —
   * with `graceful` — ends the response cleanly without a finish reason or `[DONE]`.
   */
  | { kind: 'cut'; content: string; afterChunks: number; chunkSize?: number; graceful?: boolean }
  /** Starts the response (and sends `afterChunks` chunks of `content`), then sends nothing more. */
  | { kind: 'stall'; content?: string; afterChunks?: number; chunkSize?: number };

export interface ReceivedChatRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** The parsed JSON body. */
  body: {
    model?: string;
    stream?: boolean;
    max_tokens?: number;
    messages?: Array<{ role: string; content: string }>;
    [key: string]: unknown;
  };
}

export interface FakeOpenAIServer {
  /** Base URL for the SDK, ending in `/v1`. */
  baseURL: string;
  /** Every chat completion request received, in order. */
  requests: ReceivedChatRequest[];
  /** Queues replies; each request takes the next one, or the default when the queue is empty. */
  enqueue(...replies: FakeReply[]): void;
  /** Reply used when the queue is empty (initially `{ kind: 'status', status: 500 }`). */
  setDefault(reply: FakeReply): void;
  /** Closes the server, all open connections and pending timers. */
  close(): Promise<void>;
}

const DEFAULT_CHUNK_SIZE = 8;

function split(content: string, size: number): string[] {
  const parts: string[] = [];
  for (let index = 0; index < content.length; index += size) parts.push(content.slice(index, index + size));
  return parts;
}

function chunkEvent(options: { model: string; content?: string; finish?: boolean }): string {
  const chunk = {
    id: 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    created: 0,
    model: options.model,
    choices: [
      {
        index: 0,
        delta: options.content === undefined ? {} : { role: 'assistant', content: options.content },
        finish_reason: options.finish ? 'stop' : null,
      },
    ],
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

/**
 * The counts a streamed reply reports: 100 prompt tokens per message sent, one completion token
 * per content chunk — arbitrary, but fixed, so a test can tell reported counts from estimates.
 */
export function streamedUsage(body: ReceivedChatRequest['body'], chunks: number) {
  const prompt = 100 * (body.messages?.length ?? 0);
  return { prompt_tokens: prompt, completion_tokens: chunks, total_tokens: prompt + chunks };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (part: string) => {
      text += part;
    });
    request.on('end', () => resolve(text));
    request.on('error', reject);
  });
}

/** Starts the server on 127.0.0.1 with an ephemeral port. */
export async function startFakeOpenAIServer(options: { replies?: FakeReply[] } = {}): Promise<FakeOpenAIServer> {
  const queue: FakeReply[] = [...(options.replies ?? [])];
  let fallbackReply: FakeReply = { kind: 'status', status: 500 };
  const requests: ReceivedChatRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const wait = (milliseconds: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, milliseconds);
      timers.add(timer);
    });

  async function reply(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method === 'GET' && url.pathname === '/v1/models') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ object: 'list', data: [{ id: 'fake-model', object: 'model', owned_by: 'test' }] }));
      return;
    }
    if (request.method !== 'POST' || url.pathname !== '/v1/chat/completions') {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
      return;
    }
    const body = JSON.parse(await readBody(request)) as ReceivedChatRequest['body'];
    requests.push({ method: request.method, path: url.pathname, headers: request.headers, body });
    const model = body.model ?? 'fake-model';
    const scripted = queue.shift() ?? fallbackReply;

    if (scripted.kind === 'status') {
      response.writeHead(scripted.status, { 'content-type': 'application/json', ...scripted.headers });
      response.end(JSON.stringify({ error: { message: `scripted ${scripted.status}`, type: 'server_error' } }));
      return;
    }
    if (scripted.kind === 'answer' && scripted.delayMs) await wait(scripted.delayMs);
    if (response.destroyed) return;

    const content = scripted.content ?? '';
    const parts = split(content, scripted.chunkSize ?? DEFAULT_CHUNK_SIZE);
    if (!body.stream) {
      if (scripted.kind !== 'answer') {
        if (scripted.kind === 'cut') response.destroy();
        return; // a stall never answers
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          id: 'chatcmpl-fake',
          object: 'chat.completion',
          created: 0,
          model,
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        }),
      );
      return;
    }

    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const sent = scripted.kind === 'answer' ? parts : parts.slice(0, scripted.afterChunks ?? 0);
    for (const part of sent) response.write(chunkEvent({ model, content: part }));
    if (scripted.kind === 'answer') {
      response.write(chunkEvent({ model, finish: true }));
      // As OpenAI does when asked: one last chunk with no choices and the token counts.
      if ((body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true) {
        const usage = streamedUsage(body, sent.length);
        response.write(
          `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 0, model, choices: [], usage })}\n\n`,
        );
      }
      response.end('data: [DONE]\n\n');
    } else if (scripted.kind === 'cut') {
      if (scripted.graceful) response.end();
      else response.destroy();
    }
    // 'stall': leave the response open; close() ends it.
  }

  const server = createServer((request, response) => {
    reply(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...replies) => {
      queue.push(...replies);
    },
    setDefault: (reply) => {
      fallbackReply = reply;
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
