import path from 'node:path';

/** Longest episode id, in characters. */
const MAX_ID_LENGTH = 60;

/**
 * A stable id from a title: ASCII, lowercase, words joined by hyphens, at most 60 characters
 * (cut at a word boundary when one falls in the second half). Apostrophes vanish ("what's" → "whats").
 */
export function episodeIdFromTitle(title: string): string {
  const ascii = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/['’‘`]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (ascii.length <= MAX_ID_LENGTH) return ascii || 'episode';
  const cut = ascii.slice(0, MAX_ID_LENGTH + 1);
  const lastHyphen = cut.lastIndexOf('-');
  const trimmed = lastHyphen >= MAX_ID_LENGTH / 2 ? cut.slice(0, lastHyphen) : ascii.slice(0, MAX_ID_LENGTH);
  return trimmed.replace(/-+$/g, '');
}

/** A readable title from a file name: the stem, with `-` and `_` read as spaces. */
export function titleFromFileName(fileName: string): string {
  const stem = path.basename(fileName).replace(/\.[^.]+$/, '');
  const title = stem.replace(/[-_]+/g, ' ').replace(/\s+/g, ' ').trim();
  return title || 'Untitled episode';
}
