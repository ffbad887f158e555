/**
 * The one way podcite fetches a URL someone else gave it (a feed, a transcript, chapters, audio).
 * A feed URL is input that makes this machine send requests, so every hop is checked: only http
 * and https; the host is resolved here and every address it resolves to must be public (see
 * `isPublicAddress`) unless ALLOW_PRIVATE_URLS=true; the connection then goes to the address that
 * was checked (a custom `lookup`, so a second DNS answer cannot slip a private address in); at most
 * `maxRedirects` redirects, each checked the same way. Bodies are decompressed (gzip, deflate, br)
 * and counted while they stream, after decompression, so neither a huge body nor a small bomb can
 * exhaust memory or disk.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { createWriteStream, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { PodciteError } from '../errors.js';
import { isPublicAddress } from './public-address.js';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Sent with every request, so a podcast host can see who is fetching and why. */
export const USER_AGENT = `podcite/${VERSION} (podcast transcript indexer; +https://github.com/podcite/podcite)`;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export interface FetchUrlOptions {
  url: string;
  /** ALLOW_PRIVATE_URLS: when true, loopback and private addresses may be fetched. */
  allowPrivate: boolean;
  /** Largest body accepted, in bytes after decompression; more is an error (`payload_too_large:fetch`). */
  maxBytes: number;
  /** Redirects followed before giving up; default 5. */
  maxRedirects?: number | undefined;
  /** Milliseconds to open the TCP connection; default 10 000. */
  connectTimeoutMs?: number | undefined;
  /** Milliseconds the connection may sit idle (no header or body bytes); default 30 000. */
  readTimeoutMs?: number | undefined;
  /** Milliseconds for the whole fetch, redirects and body included; default 120 000. */
  totalTimeoutMs?: number | undefined;
  /** Validators from an earlier fetch: a 304 then comes back as `notModified`. */
  etag?: string | null | undefined;
  lastModified?: string | null | undefined;
  accept?: string | undefined;
  /** Stream the body to this file instead of memory; the file is removed on failure. */
  toFile?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Host name → addresses; default the system resolver. Tests use it to see every lookup. */
  resolve?: ((hostname: string) => Promise<ResolvedAddress[]>) | undefined;
  /**
   * Addresses treated as public although they are not (tests: the loopback server standing in for
   * the internet, so that a redirect from it to a private address can be seen refused).
   */
  treatAsPublic?: ReadonlySet<string> | undefined;
}

interface Validators {
  /** The URL after redirects. */
  finalUrl: string;
  etag: string | null;
  lastModified: string | null;
}

export type FetchUrlResult =
  | ({ notModified: true } & Validators)
  | ({
      notModified: false;
      /** The body (empty when it went to `toFile`). */
      body: Buffer;
      /** Body bytes after decompression. */
      bytes: number;
      contentType: string | null;
    } & Validators);

/**
 * Fetches one URL under the rules above. A 304 to a conditional request gives `notModified: true`.
 * @throws PodciteError `bad_request:url` (not http/https, or malformed), `bad_request:private_url`
 * (names ALLOW_PRIVATE_URLS), `not_found:fetch` (404/410), `unavailable:fetch` (other HTTP errors,
 * network errors, too many redirects), `timeout:fetch`, `payload_too_large:fetch`. Every message
 * names the URL.
 */
export async function fetchUrl(options: FetchUrlOptions): Promise<FetchUrlResult> {
  const maxRedirects = options.maxRedirects ?? 5;
  const totalTimeoutMs = options.totalTimeoutMs ?? 120_000;
  const deadline = new AbortController();
  const timer = setTimeout(
    () =>
      deadline.abort(
        new PodciteError('timeout:fetch', `${options.url}: no complete answer within ${totalTimeoutMs / 1000} s`),
      ),
    totalTimeoutMs,
  );
  const signal = options.signal ? AbortSignal.any([options.signal, deadline.signal]) : deadline.signal;
  try {
    let url = parseHttpUrl(options.url, options.url);
    for (let redirects = 0; ; redirects++) {
      const address = await checkedAddress(url, options);
      signal.throwIfAborted();
      const response = await send({ url, address, options, signal });
      const location = response.headers.location;
      if (REDIRECT_STATUSES.has(response.statusCode ?? 0) && location) {
        response.resume();
        if (redirects >= maxRedirects) {
          throw new PodciteError(
            'unavailable:fetch',
            `${options.url}: more than ${maxRedirects} redirects (last to ${location.slice(0, 200)})`,
          );
        }
        url = parseHttpUrl(new URL(location, url).href, options.url);
        continue;
      }
      const validators: Validators = {
        finalUrl: url.href,
        etag: header(response, 'etag'),
        lastModified: header(response, 'last-modified'),
      };
      if (response.statusCode === 304) {
        response.resume();
        return { notModified: true, ...validators };
      }
      const status = response.statusCode ?? 0;
      if (status < 200 || status > 299) {
        response.resume();
        const code = status === 404 || status === 410 ? 'not_found:fetch' : 'unavailable:fetch';
        throw new PodciteError(
          code,
          `${url.href}: HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}`,
        );
      }
      const { body, bytes } = await readBody({ response, url: url.href, options, signal });
      return { notModified: false, body, bytes, contentType: header(response, 'content-type'), ...validators };
    }
  } catch (error) {
    throw asFetchError(error, { url: options.url, signal });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Checks a URL as `fetchUrl` would before its first request (scheme, then every address the host
 * resolves to), without connecting: for refusing a feed URL at once rather than in the background.
 * @throws PodciteError as `fetchUrl` for those checks.
 */
export async function checkUrl(
  options: Pick<FetchUrlOptions, 'url' | 'allowPrivate' | 'resolve' | 'treatAsPublic'>,
): Promise<void> {
  await checkedAddress(parseHttpUrl(options.url, options.url), options);
}

/** The URL if it is http or https, else `bad_request:url` (a `file:` URL from a feed must never read this disk). */
function parseHttpUrl(text: string, original: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new PodciteError('bad_request:url', `${text.slice(0, 300)}: not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    const via = text === original ? '' : ` (redirected from ${original})`;
    throw new PodciteError(
      'bad_request:url',
      `${url.href.slice(0, 300)}${via}: only http and https URLs are fetched, not ${url.protocol}`,
    );
  }
  return url;
}

/** Resolves the host and checks every address; returns the one to connect to. */
async function checkedAddress(
  url: URL,
  options: Pick<FetchUrlOptions, 'allowPrivate' | 'resolve' | 'treatAsPublic'>,
): Promise<ResolvedAddress> {
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: ResolvedAddress[];
  const literal = isIP(hostname);
  if (literal) addresses = [{ address: hostname, family: literal as 4 | 6 }];
  else {
    try {
      addresses = options.resolve
        ? await options.resolve(hostname)
        : (await dnsLookup(hostname, { all: true, verbatim: true })).map((entry) => ({
            address: entry.address,
            family: entry.family as 4 | 6,
          }));
    } catch (error) {
      throw new PodciteError('unavailable:fetch', `${url.href}: cannot resolve ${hostname} (${messageOf(error)})`, {
        cause: error,
      });
    }
  }
  if (addresses.length === 0) throw new PodciteError('unavailable:fetch', `${url.href}: ${hostname} has no address`);
  if (!options.allowPrivate) {
    // Every answer must be public: a host announcing one public and one private address could
    // otherwise get the private one picked by a later connection attempt.
    const refused = addresses.find(({ address }) => !isPublicAddress(address) && !options.treatAsPublic?.has(address));
    if (refused) {
      throw new PodciteError(
        'bad_request:private_url',
        `${url.href}: ${hostname} resolves to ${refused.address}, a loopback, private, link-local or multicast address; refused. Set ALLOW_PRIVATE_URLS=true to fetch from your own machine or network.`,
      );
    }
  }
  return addresses[0]!;
}

/** Sends the request to the checked address and waits for the response head. */
function send(request: {
  url: URL;
  address: ResolvedAddress;
  options: FetchUrlOptions;
  signal: AbortSignal;
}): Promise<IncomingMessage> {
  const { url, address, options, signal } = request;
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const readTimeoutMs = options.readTimeoutMs ?? 30_000;
  // Pinned: the socket connects to the address checked above, whatever DNS would say now.
  const lookup: LookupFunction = (_hostname, lookupOptions, callback) => {
    if (lookupOptions.all) callback(null, [{ address: address.address, family: address.family }]);
    else callback(null, address.address, address.family);
  };
  const headers: Record<string, string> = {
    'user-agent': USER_AGENT,
    'accept-encoding': 'gzip, deflate, br',
    accept: options.accept ?? '*/*',
  };
  if (options.etag) headers['if-none-match'] = options.etag;
  if (options.lastModified) headers['if-modified-since'] = options.lastModified;
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const outgoing = transport.request(url, { method: 'GET', headers, lookup, signal, agent: false });
    let connectTimer: NodeJS.Timeout | undefined;
    let incoming: IncomingMessage | undefined;
    outgoing.on('socket', (socket) => {
      if (!socket.connecting) return;
      connectTimer = setTimeout(() => {
        outgoing.destroy(
          new PodciteError('timeout:fetch', `${url.href}: could not connect within ${connectTimeoutMs / 1000} s`),
        );
      }, connectTimeoutMs);
      socket.once('connect', () => clearTimeout(connectTimer));
    });
    outgoing.setTimeout(readTimeoutMs, () => {
      const error = new PodciteError('timeout:fetch', `${url.href}: no data for ${readTimeoutMs / 1000} s`);
      // The body may be streaming already: fail it first, so its reader sees this error, not a reset.
      incoming?.destroy(error);
      outgoing.destroy(error);
    });
    outgoing.once('response', (response) => {
      clearTimeout(connectTimer);
      incoming = response;
      resolve(response);
    });
    outgoing.once('error', (error) => {
      clearTimeout(connectTimer);
      reject(error);
    });
    outgoing.end();
  });
}

async function readBody(request: {
  response: IncomingMessage;
  url: string;
  options: FetchUrlOptions;
  signal: AbortSignal;
}): Promise<{ body: Buffer; bytes: number }> {
  const { response, url, options, signal } = request;
  const { maxBytes } = options;
  const tooLarge = () =>
    new PodciteError('payload_too_large:fetch', `${url}: larger than the ${formatBytes(maxBytes)} limit`);
  const declared = Number(response.headers['content-length']);
  const encoding = (header(response, 'content-encoding') ?? 'identity').toLowerCase().trim();
  if (encoding === 'identity' && Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw tooLarge();
  }
  const stages: (NodeJS.ReadWriteStream | Writable)[] = [];
  if (encoding === 'gzip' || encoding === 'x-gzip') stages.push(zlib.createGunzip());
  else if (encoding === 'deflate') stages.push(zlib.createInflate());
  else if (encoding === 'br') stages.push(zlib.createBrotliDecompress());
  else if (encoding !== 'identity') {
    response.destroy();
    throw new PodciteError('unavailable:fetch', `${url}: unsupported content encoding "${encoding}"`);
  }
  let bytes = 0;
  const chunks: Buffer[] = [];
  // Counted after decompression: a 10 kB gzip bomb is stopped at the limit, not when memory runs out.
  stages.push(
    new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        if (bytes > maxBytes) callback(tooLarge());
        else callback(null, chunk);
      },
    }),
  );
  const sink: Writable = options.toFile
    ? createWriteStream(options.toFile)
    : new Writable({
        write(chunk: Buffer, _encoding, callback) {
          chunks.push(chunk);
          callback();
        },
      });
  try {
    await pipeline([response, ...stages, sink] as NodeJS.ReadWriteStream[], { signal });
  } catch (error) {
    if (options.toFile) await rm(options.toFile, { force: true });
    throw error;
  }
  return { body: options.toFile ? Buffer.alloc(0) : Buffer.concat(chunks, bytes), bytes };
}

/** Every failure as a PodciteError naming the URL; the deadline's and the caller's aborts keep their reason. */
function asFetchError(error: unknown, context: { url: string; signal: AbortSignal }): PodciteError {
  if (error instanceof PodciteError) return error;
  const reason: unknown = context.signal.aborted ? context.signal.reason : undefined;
  if (reason instanceof PodciteError) return reason;
  if (reason !== undefined) return new PodciteError('unavailable:fetch', `${context.url}: aborted`, { cause: error });
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (cause instanceof PodciteError) return cause;
  return new PodciteError('unavailable:fetch', `${context.url}: ${messageOf(error)}`, { cause: error });
}

function header(response: IncomingMessage, name: string): string | null {
  const value = response.headers[name];
  if (Array.isArray(value)) return value[0] ?? null;
  return value ?? null;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message;
  return String(error);
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} kB`;
}
