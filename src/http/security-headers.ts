import type { RequestHandler } from 'express';

/**
 * The page loads only its own scripts, styles and images (no inline script, no CDN), so the
 * policy allows nothing but `self` (plus data: images for icons). Links to an episode's audio
 * are navigations, which CSP does not restrict; an embedded remote <audio> would need `media-src`.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Security headers on every response, API and static alike. */
export function securityHeaders(): RequestHandler {
  return (_request, response, next) => {
    response.set({
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
    });
    next();
  };
}
