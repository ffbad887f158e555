import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import type { InFlightTracker } from './in-flight-tracker.js';

export interface RunningServer {
  server: Server;
  /** `http://host:port` actually bound (port 0 resolves to the chosen port). */
  url: string;
  /**
   * Graceful stop: refuse new requests, let in-flight answers and streams finish (up to
   * `graceMs`), then close every connection. Resolves when the server is closed.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/** Default wait for in-flight requests on shutdown, a little over the default REQUEST_TIMEOUT_MS. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 65_000;

/** Listens on host:port and returns a handle whose `close` drains `tracker` before closing. */
export async function startServer(options: {
  app: express.Express;
  host: string;
  port: number;
  tracker: InFlightTracker;
}): Promise<RunningServer> {
  const { app, host, port, tracker } = options;
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  // Time allowed to receive a request's headers and body (not to answer it): bounds slow-loris clients.
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    server,
    url: `http://${hostForUrl}:${address.port}`,
    close({ graceMs = DEFAULT_SHUTDOWN_GRACE_MS } = {}) {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          tracker.drain(),
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, graceMs);
          }),
        ]);
        clearTimeout(timer);
        server.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
}
