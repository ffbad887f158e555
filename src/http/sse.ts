import type { Response } from 'express';

/** Default interval between heartbeat comments; proxies commonly drop connections idle for 30–60 s. */
export const DEFAULT_HEARTBEAT_MS = 15_000;

export interface SseStream {
  /**
   * Writes one event. `event` undefined writes a data-only event (the OpenAI protocol uses
   * those); a string `data` is sent as is, anything else as JSON. No-op once closed.
   */
  send(event: string | undefined, data: unknown): void;
  /** True once `close()` ran or the client went away. */
  readonly closed: boolean;
  /** Stops the heartbeat and ends the response. Safe to call more than once. */
  close(): void;
}

/**
 * Starts a server-sent-events response (WHATWG HTML §9.2): sends the headers at once, then a
 * comment line every `heartbeatMs` so idle proxies keep the connection open while an answer
 * is being prepared.
 */
export function openSseStream(response: Response, options: { heartbeatMs: number }): SseStream {
  response.status(200);
  response.set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    // nginx buffers proxied responses unless told not to, which would hold every event back.
    'X-Accel-Buffering': 'no',
  });
  response.flushHeaders();
  let closed = false;
  const heartbeat = setInterval(() => {
    if (!closed) response.write(': heartbeat\n\n');
  }, options.heartbeatMs);
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    if (!response.writableEnded) response.end();
  };
  response.on('close', close);
  return {
    get closed() {
      return closed;
    },
    send(event, data) {
      if (closed) return;
      const payload = typeof data === 'string' ? data : JSON.stringify(data);
      // A field value cannot hold a line break: each line of the payload becomes its own `data:` line.
      const dataLines = payload
        .split(/\r\n|\r|\n/)
        .map((line) => `data: ${line}\n`)
        .join('');
      response.write(`${event === undefined ? '' : `event: ${event}\n`}${dataLines}\n`);
    },
    close,
  };
}
