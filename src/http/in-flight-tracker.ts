import type { RequestHandler } from 'express';
import { PodciteError } from '../errors.js';

/**
 * Counts requests still being answered (JSON and streams alike) so a graceful shutdown can
 * wait for them. Once `drain()` is called, new requests are refused with 503.
 */
export class InFlightTracker {
  private count = 0;
  private draining = false;
  private readonly idleWaiters: (() => void)[] = [];

  /** Requests started and not yet finished or abandoned. */
  get active(): number {
    return this.count;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** Middleware: refuses while draining, otherwise counts the request until its response closes. */
  middleware(): RequestHandler {
    return (_request, response, next) => {
      if (this.draining) {
        response.set('Connection', 'close');
        next(new PodciteError('unavailable:shutting_down', 'The server is shutting down; retry shortly.'));
        return;
      }
      this.count += 1;
      response.once('close', () => {
        this.count -= 1;
        if (this.count === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
      });
      next();
    };
  }

  /** Refuses new requests from now on; resolves when every counted request has finished. */
  drain(): Promise<void> {
    this.draining = true;
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
