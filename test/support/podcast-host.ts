import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';

/** A file the host serves, with the validators and encoding a real podcast host would send. */
export interface HostedFile {
  body: string | Buffer;
  type?: string;
  /** Sent as ETag; a matching If-None-Match gets 304. */
  etag?: string;
  /** Sent as Last-Modified; an equal If-Modified-Since gets 304 (when no ETag is set). */
  lastModified?: string;
  /** Compress the body with this encoding when the client accepts it. */
  encoding?: 'gzip' | 'br' | 'deflate';
  status?: number;
  headers?: Record<string, string>;
}

export type Route = HostedFile | ((request: IncomingMessage, response: ServerResponse) => void);

export interface LoggedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** Status the host answered. */
  status: number;
}

export interface PodcastHost {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  set(path: string, route: Route): void;
  remove(path: string): void;
  /** Every request in arrival order. */
  requests: LoggedRequest[];
  close(): Promise<void>;
}

/**
 * A real HTTP server on loopback standing in for a podcast host (feeds, transcripts, chapters,
 * audio): conditional GET, compression, redirects and failures are set up per path by the test.
 */
export async function startPodcastHost(): Promise<PodcastHost> {
  const routes = new Map<string, Route>();
  const requests: LoggedRequest[] = [];
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]!;
    const route = routes.get(path);
    const entry: LoggedRequest = { method: request.method ?? 'GET', path, headers: request.headers, status: 0 };
    requests.push(entry);
    response.on('finish', () => {
      entry.status = response.statusCode;
    });
    if (!route) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (typeof route === 'function') {
      route(request, response);
      return;
    }
    const headers: Record<string, string> = { 'content-type': route.type ?? 'text/plain', ...route.headers };
    if (route.etag) headers.etag = route.etag;
    if (route.lastModified) headers['last-modified'] = route.lastModified;
    const notModified = route.etag
      ? request.headers['if-none-match'] === route.etag
      : route.lastModified !== undefined && request.headers['if-modified-since'] === route.lastModified;
    if (notModified) {
      response.writeHead(304, headers).end();
      return;
    }
    let body = typeof route.body === 'string' ? Buffer.from(route.body) : route.body;
    const accepted = String(request.headers['accept-encoding'] ?? '');
    if (route.encoding && accepted.includes(route.encoding)) {
      body =
        route.encoding === 'gzip'
          ? zlib.gzipSync(body)
          : route.encoding === 'br'
            ? zlib.brotliCompressSync(body)
            : zlib.deflateSync(body);
      headers['content-encoding'] = route.encoding;
    }
    headers['content-length'] = String(body.length);
    response.writeHead(route.status ?? 200, headers).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    set: (path, route) => routes.set(path, route),
    remove: (path) => routes.delete(path),
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
