import type { RequestHandler } from 'express';

/**
 * The page loads only its own scripts, styles and images (no inline script, no CDN), so the
 * policy allows nothing but `self` (plus data: images for icons). The sources panel's <audio>
 * player loads episodes from their podcast hosts: `mediaPolicy` adds exactly those origins to
 * `media-src`.
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
export function securityHeaders(
  options: { mediaOrigins?: (() => readonly string[]) | undefined } = {},
): RequestHandler {
  return (_request, response, next) => {
    const mediaOrigins = options.mediaOrigins?.() ?? [];
    response.set({
      'Content-Security-Policy':
        mediaOrigins.length === 0
          ? CONTENT_SECURITY_POLICY
          : `${CONTENT_SECURITY_POLICY}; ${mediaPolicy(mediaOrigins)}`,
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
    });
    next();
  };
}

/** `media-src` for the page's audio player: this server and the podcast hosts of its episodes. */
export function mediaPolicy(origins: readonly string[]): string {
  return `media-src 'self' ${origins.join(' ')}`;
}

const originsByEpisodes = new WeakMap<object, readonly string[]>();

/**
 * The http(s) origins of the episodes' media URLs, computed once per episode list (an index's
 * manifest), so a policy header costs a map lookup per response.
 */
export function mediaOriginsOf(episodes: readonly { url: string | null }[]): readonly string[] {
  let origins = originsByEpisodes.get(episodes);
  if (!origins) {
    const found = new Set<string>();
    for (const episode of episodes) {
      if (!episode.url) continue;
      try {
        const url = new URL(episode.url);
        // Only origins that cannot break out of the header's syntax.
        if ((url.protocol === 'https:' || url.protocol === 'http:') && /^[a-z0-9.:[\]-]+$/i.test(url.host)) {
          found.add(url.origin);
        }
      } catch {
        // Not a URL: nothing to allow.
      }
    }
    origins = [...found].sort();
    originsByEpisodes.set(episodes, origins);
  }
  return origins;
}
