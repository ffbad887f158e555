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
  if (!title) return 'Untitled episode';
  // A name someone cased by hand ("Deep Dive 3") is kept; a slug ("practical-ai-12") is title-cased.
  if (/\p{Lu}/u.test(title)) return title;
  return title
    .split(' ')
    .map((word, position) => {
      if (/\d/u.test(word)) return word;
      if (position > 0 && MINOR_WORDS.has(word)) return word;
      // Two-letter words that are not English words are acronyms: ai → AI, ml → ML.
      if (word.length === 2 && !TWO_LETTER_WORDS.has(word)) return word.toUpperCase();
      return word.charAt(0).toUpperCase() + word.slice(1);
    })
    .join(' ');
}

/** Words a title keeps in lower case after its first word. */
const MINOR_WORDS: ReadonlySet<string> = new Set(
  'a an and as at but by for from in into of on or the to vs via with'.split(' '),
);

/** English words of two letters (anything else of two letters in a slug is taken for an acronym). */
const TWO_LETTER_WORDS: ReadonlySet<string> = new Set(
  'am an as at be by do go he hi if in is it me my no of oh ok on or so to up us we'.split(' '),
);
