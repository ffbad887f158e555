import type { Chunk } from '../domain.js';
import { normalizeForMatch } from './normalize-for-match.js';

// "David Singleton: That’s right." — a gold quote may carry the speaker label the chunk text lacks.
const SPEAKER_PREFIX = /^\s*([\p{L}][\p{L}\p{N}.'’ -]{0,40}?):\s+(.+)$/su;

/** The forms of a quote to look for: as written and, when it starts with `Name: `, without it. */
export function quoteVariants(quote: string): string[] {
  const variants = [normalizeForMatch(quote)];
  const prefixed = SPEAKER_PREFIX.exec(quote);
  if (prefixed?.[2]) variants.push(normalizeForMatch(prefixed[2]));
  return variants.filter((variant) => variant.length > 0);
}

/**
 * True when the quote is inside `chunk`, or runs across the boundary between `chunk` and the
 * neighbouring chunk `previous` / `next` (a quote split across two adjacent chunks counts for
 * either of them). Comparison is on `normalizeForMatch` forms; whitespace at the boundary is
 * ignored, and chunks that repeat the end of the previous chunk (overlap) are handled.
 */
export function chunkContainsQuote(options: {
  quote: string;
  chunk: Pick<Chunk, 'text'>;
  previous?: Pick<Chunk, 'text'> | undefined;
  next?: Pick<Chunk, 'text'> | undefined;
}): boolean {
  const text = normalizeForMatch(options.chunk.text);
  for (const variant of quoteVariants(options.quote)) {
    if (text.includes(variant)) return true;
    if (
      options.previous &&
      spansBoundary({ quote: variant, left: normalizeForMatch(options.previous.text), right: text })
    ) {
      return true;
    }
    if (options.next && spansBoundary({ quote: variant, left: text, right: normalizeForMatch(options.next.text) })) {
      return true;
    }
  }
  return false;
}

/**
 * Whether `quote` starts in `left` and finishes in `right` (all normalised). Spaces are removed
 * first so the chunker's trimming at the joint does not matter. With overlapping chunks `right`
 * may begin with a copy of the end of `left`; that copy is skipped.
 */
export function spansBoundary(options: { quote: string; left: string; right: string }): boolean {
  const quote = options.quote.replace(/ /gu, '');
  const left = options.left.replace(/ /gu, '');
  const right = options.right.replace(/ /gu, '');
  for (let split = 1; split < quote.length; split++) {
    if (!left.endsWith(quote.slice(0, split))) continue;
    const rest = quote.slice(split);
    if (right.startsWith(rest)) return true;
    // Overlap: right = (tail of left) + rest + …
    const at = right.indexOf(rest);
    if (at > 0 && left.endsWith(right.slice(0, at))) return true;
  }
  return false;
}
