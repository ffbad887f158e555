import type { Response } from 'express';
import { PodciteError } from '../errors.js';

export interface RequestSignal {
  /** Aborts when the client goes away (reason: `clientClosed`) or the time limit passes (a `timeout` PodciteError). */
  signal: AbortSignal;
  /** True when the abort came from the client disconnecting: nobody is left to tell. */
  readonly clientClosed: boolean;
  /** Clears the timer; call when the response is done. */
  dispose(): void;
}

/**
 * One AbortSignal per request that fires when the client disconnects before the response
 * finished, or after `timeoutMs` (REQUEST_TIMEOUT_MS). Passed to the answerer so abandoned
 * answers stop spending CPU or LLM tokens.
 */
export function createRequestSignal(response: Response, options: { timeoutMs: number }): RequestSignal {
  const controller = new AbortController();
  let clientClosed = false;
  const timer = setTimeout(() => {
    controller.abort(new PodciteError('timeout:request', `The request took longer than ${options.timeoutMs} ms.`));
  }, options.timeoutMs);
  const onClose = () => {
    if (response.writableFinished) return;
    clientClosed = true;
    controller.abort(new PodciteError('bad_request:client_closed', 'The client closed the connection.'));
  };
  response.on('close', onClose);
  return {
    signal: controller.signal,
    get clientClosed() {
      return clientClosed;
    },
    dispose() {
      clearTimeout(timer);
      response.off('close', onClose);
    },
  };
}

/** Settles like `promise`, or rejects with the signal's reason as soon as it aborts (whichever is first). */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Iterates `iterable` but stops with the signal's reason as soon as it aborts, even when the
 * source ignores the signal, and closes the source (`return()`) so its `finally` blocks run.
 */
export async function* abortable<T>(iterable: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  const iterator = iterable[Symbol.asyncIterator]();
  let finished = false;
  try {
    while (true) {
      const step = await raceSignal(iterator.next(), signal);
      if (step.done) {
        finished = true;
        return;
      }
      yield step.value;
    }
  } finally {
    // A pending next() may never settle; do not wait for return() either.
    if (!finished) void iterator.return?.().catch(() => {});
  }
}
