import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { PodciteError } from '../errors.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Bearer-token check for `/api/*` and `/v1/*` when API_TOKEN is set (a no-op otherwise).
 * Both sides are hashed first so the comparison is constant-time whatever the lengths.
 */
export function bearerAuth(token: string | undefined): RequestHandler {
  if (token === undefined) return (_request, _response, next) => next();
  const expected = digest(token);
  return (request, response, next) => {
    const header = request.get('authorization') ?? '';
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    if (match?.[1] !== undefined && timingSafeEqual(digest(match[1]), expected)) {
      next();
      return;
    }
    response.set('WWW-Authenticate', 'Bearer realm="podcite"');
    next(
      new PodciteError(
        'unauthorized',
        header === ''
          ? 'This server needs an API token: send Authorization: Bearer <API_TOKEN>.'
          : 'The API token is not valid.',
      ),
    );
  };
}
