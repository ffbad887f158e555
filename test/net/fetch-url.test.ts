import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PodciteError } from '../../src/errors.js';
import { fetchUrl, USER_AGENT } from '../../src/net/fetch-url.js';
import { type PodcastHost, startPodcastHost } from '../support/podcast-host.js';

let host: PodcastHost;
let scratch: string;

beforeAll(async () => {
  host = await startPodcastHost();
  scratch = await mkdtemp(path.join(os.tmpdir(), 'podcite-fetch-'));
});
afterAll(async () => {
  await host.close();
  await rm(scratch, { recursive: true, force: true });
});

/** The failure of a fetch, for asserting its code and message. */
async function failure(promise: Promise<unknown>): Promise<PodciteError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PodciteError) return error;
    throw error;
  }
  throw new Error('expected the fetch to fail');
}

const allowed = { allowPrivate: true, maxBytes: 1024 * 1024 };

describe('fetchUrl', () => {
  test('sends a podcite User-Agent, accepts compression and returns the body with its validators', async () => {
    host.set('/plain.txt', { body: 'hello feed', etag: '"v1"', lastModified: 'Wed, 02 Dec 2026 10:00:00 GMT' });
    const result = await fetchUrl({ ...allowed, url: `${host.origin}/plain.txt` });
    expect(result).toStrictEqual({
      notModified: false,
      body: Buffer.from('hello feed'),
      bytes: 10,
      contentType: 'text/plain',
      finalUrl: `${host.origin}/plain.txt`,
      etag: '"v1"',
      lastModified: 'Wed, 02 Dec 2026 10:00:00 GMT',
    });
    const request = host.requests.at(-1)!;
    expect(request.headers['user-agent']).toBe(USER_AGENT);
    expect(USER_AGENT).toMatch(/^podcite\/\d+\.\d+\.\d+ /);
    expect(request.headers['accept-encoding']).toBe('gzip, deflate, br');
  });

  test.each(['gzip', 'br', 'deflate'] as const)('decodes %s bodies', async (encoding) => {
    const text = 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello there.\n'.repeat(50);
    host.set(`/encoded-${encoding}.vtt`, { body: text, encoding });
    const result = await fetchUrl({ ...allowed, url: `${host.origin}/encoded-${encoding}.vtt` });
    expect(result.notModified ? '' : result.body.toString()).toBe(text);
    expect(host.requests.at(-1)!.status).toBe(200);
  });

  test('conditional GET: ETag and Last-Modified are sent back and a 304 is not modified', async () => {
    host.set('/etag.xml', { body: '<rss/>', etag: '"abc"' });
    const byEtag = await fetchUrl({ ...allowed, url: `${host.origin}/etag.xml`, etag: '"abc"' });
    expect(byEtag).toStrictEqual({
      notModified: true,
      finalUrl: `${host.origin}/etag.xml`,
      etag: '"abc"',
      lastModified: null,
    });
    expect(host.requests.at(-1)!.headers['if-none-match']).toBe('"abc"');

    const stamp = 'Thu, 03 Dec 2026 08:00:00 GMT';
    host.set('/dated.xml', { body: '<rss/>', lastModified: stamp });
    const byDate = await fetchUrl({ ...allowed, url: `${host.origin}/dated.xml`, lastModified: stamp });
    expect(byDate.notModified).toBe(true);
    expect(host.requests.at(-1)!.headers['if-modified-since']).toBe(stamp);
  });

  test('follows redirects up to the limit and reports the final URL', async () => {
    host.set('/hop1', (_request, response) => response.writeHead(301, { location: '/hop2' }).end());
    host.set('/hop2', (_request, response) => response.writeHead(302, { location: `${host.origin}/plain.txt` }).end());
    const result = await fetchUrl({ ...allowed, url: `${host.origin}/hop1` });
    expect(result.finalUrl).toBe(`${host.origin}/plain.txt`);
  });

  test('endless redirects fail after maxRedirects with the URL named', async () => {
    let served = 0;
    host.set('/loop', (_request, response) => {
      served++;
      response.writeHead(302, { location: '/loop' }).end();
    });
    const error = await failure(fetchUrl({ ...allowed, url: `${host.origin}/loop`, maxRedirects: 3 }));
    expect(error.code).toBe('unavailable:fetch');
    expect(error.message).toBe(`${host.origin}/loop: more than 3 redirects (last to /loop)`);
    expect(served).toBe(4);
  });

  test('HTTP errors: 404 is not_found, 500 unavailable, both naming the URL', async () => {
    const missing = await failure(fetchUrl({ ...allowed, url: `${host.origin}/nothing-here.vtt` }));
    expect([missing.code, missing.message]).toStrictEqual([
      'not_found:fetch',
      `${host.origin}/nothing-here.vtt: HTTP 404 Not Found`,
    ]);
    host.set('/broken', { body: 'oops', status: 500 });
    const broken = await failure(fetchUrl({ ...allowed, url: `${host.origin}/broken` }));
    expect([broken.code, broken.message]).toStrictEqual([
      'unavailable:fetch',
      `${host.origin}/broken: HTTP 500 Internal Server Error`,
    ]);
  });

  test('a declared Content-Length over the limit is refused before reading', async () => {
    host.set('/big.bin', { body: Buffer.alloc(4096, 1) });
    const error = await failure(fetchUrl({ ...allowed, url: `${host.origin}/big.bin`, maxBytes: 1000 }));
    expect([error.code, error.message]).toStrictEqual([
      'payload_too_large:fetch',
      `${host.origin}/big.bin: larger than the 1 kB limit`,
    ]);
  });

  test('a body without a length is stopped while streaming at the limit', async () => {
    host.set('/endless', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => response.write(Buffer.alloc(16 * 1024, 97)), 1);
      response.on('close', () => clearInterval(timer));
    });
    const error = await failure(fetchUrl({ ...allowed, url: `${host.origin}/endless`, maxBytes: 100_000 }));
    expect(error.code).toBe('payload_too_large:fetch');
  });

  test('a gzip bomb is stopped by the limit after decompression', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(50 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(100_000);
    host.set('/bomb.xml', { body: bomb, headers: { 'content-encoding': 'gzip' } });
    const before = process.memoryUsage().rss;
    const error = await failure(fetchUrl({ ...allowed, url: `${host.origin}/bomb.xml`, maxBytes: 1024 * 1024 }));
    expect(error.code).toBe('payload_too_large:fetch');
    expect(process.memoryUsage().rss - before).toBeLessThan(40 * 1024 * 1024);
  });

  test('streams to a file when asked, and removes the file when the body is too large', async () => {
    host.set('/audio.mp3', { body: Buffer.alloc(3000, 7), type: 'audio/mpeg' });
    const target = path.join(scratch, 'audio.mp3');
    const result = await fetchUrl({ ...allowed, url: `${host.origin}/audio.mp3`, toFile: target });
    expect(result.notModified ? 0 : result.bytes).toBe(3000);
    expect(await readFile(target)).toStrictEqual(Buffer.alloc(3000, 7));

    host.set('/long.mp3', (_request, response) => {
      response.writeHead(200, { 'content-type': 'audio/mpeg' });
      response.end(Buffer.alloc(5000, 1));
    });
    const tooLong = path.join(scratch, 'long.mp3');
    const error = await failure(
      fetchUrl({ ...allowed, url: `${host.origin}/long.mp3`, toFile: tooLong, maxBytes: 4000 }),
    );
    expect(error.code).toBe('payload_too_large:fetch');
    await expect(stat(tooLong)).rejects.toThrow(/ENOENT/);
  });

  test('a server that stops sending times out on the read timeout', async () => {
    host.set('/stall', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('partial');
    });
    const error = await failure(fetchUrl({ ...allowed, url: `${host.origin}/stall`, readTimeoutMs: 200 }));
    expect([error.code, error.message]).toStrictEqual(['timeout:fetch', `${host.origin}/stall: no data for 0.2 s`]);
  });

  test('a server that accepts the connection but never answers times out', async () => {
    host.set('/silent', () => undefined);
    const error = await failure(fetchUrl({ ...allowed, url: `${host.origin}/silent`, readTimeoutMs: 200 }));
    expect([error.code, error.message]).toStrictEqual(['timeout:fetch', `${host.origin}/silent: no data for 0.2 s`]);
  });

  test('a slow drip is cut by the total timeout', async () => {
    host.set('/drip', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => response.write('.'), 50);
      response.on('close', () => clearInterval(timer));
    });
    const error = await failure(
      fetchUrl({ ...allowed, url: `${host.origin}/drip`, readTimeoutMs: 1000, totalTimeoutMs: 400 }),
    );
    expect([error.code, error.message]).toStrictEqual([
      'timeout:fetch',
      `${host.origin}/drip: no complete answer within 0.4 s`,
    ]);
  });
});

describe('fetchUrl refusals', () => {
  const strict = { allowPrivate: false, maxBytes: 1024 * 1024 };

  test.each([
    ['file:///etc/passwd', 'file:///etc/passwd: only http and https URLs are fetched, not file:'],
    ['ftp://example.com/feed.xml', 'ftp://example.com/feed.xml: only http and https URLs are fetched, not ftp:'],
    ['not a url', 'not a url: not a valid URL'],
  ])('%s is refused without any request', async (url, message) => {
    const count = host.requests.length;
    const error = await failure(fetchUrl({ ...strict, url }));
    expect([error.code, error.message]).toStrictEqual(['bad_request:url', message]);
    expect(host.requests.length).toBe(count);
  });

  test('loopback, private and metadata addresses are refused before connecting, naming ALLOW_PRIVATE_URLS', async () => {
    const count = host.requests.length;
    const port = new URL(host.origin).port;
    for (const url of [
      `${host.origin}/plain.txt`,
      `http://localhost:${port}/plain.txt`,
      `http://[::1]:${port}/plain.txt`,
      `http://[::ffff:127.0.0.1]:${port}/plain.txt`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.8/feed.xml',
      'http://0.0.0.0/feed.xml',
    ]) {
      const error = await failure(fetchUrl({ ...strict, url }));
      expect(error.code).toBe('bad_request:private_url');
      expect(error.message).toContain(new URL(url).href);
      expect(error.message).toContain('ALLOW_PRIVATE_URLS=true');
    }
    expect(host.requests.length).toBe(count);
  });

  test('a host with one public and one private address is refused', async () => {
    const error = await failure(
      fetchUrl({
        ...strict,
        url: 'http://mixed.example/feed.xml',
        resolve: async () => [
          { address: '93.184.216.34', family: 4 },
          { address: '10.0.0.1', family: 4 },
        ],
      }),
    );
    expect(error.message).toBe(
      'http://mixed.example/feed.xml: mixed.example resolves to 10.0.0.1, a loopback, private, link-local or multicast address; refused. Set ALLOW_PRIVATE_URLS=true to fetch from your own machine or network.',
    );
  });

  test('a redirect to a private address or to file: is refused at that hop', async () => {
    const port = new URL(host.origin).port;
    host.set('/to-private', (_request, response) =>
      response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end(),
    );
    host.set('/to-file', (_request, response) => response.writeHead(302, { location: 'file:///etc/passwd' }).end());
    // The test's named host stands in for a public one; what it redirects to is judged for real.
    const publicHost = {
      ...strict,
      resolve: async () => [{ address: '127.0.0.1', family: 4 as const }],
      treatAsPublic: new Set(['127.0.0.1']),
    };
    const toPrivate = await failure(fetchUrl({ ...publicHost, url: `http://podcasts.test:${port}/to-private` }));
    expect([toPrivate.code, toPrivate.message]).toStrictEqual([
      'bad_request:private_url',
      'http://169.254.169.254/latest/meta-data/: 169.254.169.254 resolves to 169.254.169.254, a loopback, private, link-local or multicast address; refused. Set ALLOW_PRIVATE_URLS=true to fetch from your own machine or network.',
    ]);
    const toFile = await failure(fetchUrl({ ...publicHost, url: `http://podcasts.test:${port}/to-file` }));
    expect([toFile.code, toFile.message]).toStrictEqual([
      'bad_request:url',
      `file:///etc/passwd (redirected from http://podcasts.test:${port}/to-file): only http and https URLs are fetched, not file:`,
    ]);
  });

  test('the connection goes to the address that was checked: one lookup per hop, no second DNS answer', async () => {
    const port = new URL(host.origin).port;
    const answers = ['127.0.0.1', '10.9.9.9'];
    const lookups: string[] = [];
    const result = await fetchUrl({
      ...strict,
      url: `http://rebind.test:${port}/plain.txt`,
      treatAsPublic: new Set(['127.0.0.1']),
      resolve: async (hostname) => {
        lookups.push(hostname);
        return [{ address: answers.shift() ?? '10.9.9.9', family: 4 }];
      },
    });
    expect(result.notModified ? '' : result.body.toString()).toBe('hello feed');
    expect(lookups).toStrictEqual(['rebind.test']);
    expect(host.requests.at(-1)!.headers.host).toBe(`rebind.test:${port}`);
  });
});
