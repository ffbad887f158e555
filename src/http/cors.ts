import type { RequestHandler } from 'express';

/**
 * CORS for the origins listed in CORS_ORIGINS (exact match, e.g. `https://example.com`); other
 * cross-origin callers get no CORS headers, so browsers refuse them. Same-origin use (the chat
 * page) needs no entry. Preflight requests are answered here, before auth, because browsers
 * never send credentials on a preflight.
 */
export function cors(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins.map((origin) => origin.replace(/\/+$/, '')));
  return (request, response, next) => {
    const origin = request.get('origin');
    response.vary('Origin');
    const permitted = origin !== undefined && allowed.has(origin);
    if (permitted) {
      response.set('Access-Control-Allow-Origin', origin);
      response.set('Access-Control-Expose-Headers', 'Retry-After');
    }
    if (request.method !== 'OPTIONS') {
      next();
      return;
    }
    if (permitted) {
      response.set({
        'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type, Accept',
        'Access-Control-Max-Age': '600',
      });
    }
    response.status(204).end();
  };
}
