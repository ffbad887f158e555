import { createHash } from 'node:crypto';

/** Longest show id, in characters (before a collision suffix). */
const MAX_SHOW_ID_LENGTH = 48;

/**
 * A show's id from its feed URL, so the same feed gets the same id on every machine and after any
 * rebuild, and `POST /api/shows` can name the show before its feed has been read. Host and path
 * become a slug, leaving out what nearly every feed URL carries (`www.`, `feeds.`, `/feed`, `/rss`,
 * `.xml`): `https://feeds.example.com/practical-ai/feed.xml` → `example-com-practical-ai`. A URL
 * too long for the slug keeps its start and gains 6 hex digits of its hash so two stay distinct.
 */
export function showIdFromFeedUrl(feedUrl: string): string {
  const url = new URL(feedUrl);
  const host = url.hostname.replace(/^(?:www|feeds?|rss|podcasts?)\./, '');
  const pathname = url.pathname
    .replace(/\.(?:xml|rss|atom)$/i, '')
    .replace(/\/(?:feed|rss|podcast|itunes)$/i, '')
    .replace(/\/(?:feed|rss)$/i, '');
  const slug = `${host}${url.port ? `-${url.port}` : ''}${pathname}${url.search}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug.length <= MAX_SHOW_ID_LENGTH) return slug || 'show';
  const hash = createHash('sha256').update(feedUrl).digest('hex').slice(0, 6);
  return `${slug.slice(0, MAX_SHOW_ID_LENGTH - 7).replace(/-+$/, '')}-${hash}`;
}
