import { decodeHTMLStrict } from 'entities';

/**
 * Decodes HTML character references in transcript text — numeric (`&#39;`, `&#x27;`) and every
 * named one HTML defines (`&amp;`, `&hellip;`, `&copy;` …) — with the `entities` package, by the
 * HTML standard's rules in strict mode: a reference must end with `;`, so bare text like
 * "AT&T;" or "&c" stays as written; an unknown name stays as written; a numeric reference to no
 * character (`&#0;`, a surrogate, past U+10FFFF) becomes U+FFFD as a browser shows it.
 * WebVTT cue text, SRT and Markdown exports all use these references.
 */
export function decodeEntities(text: string): string {
  return text.includes('&') ? decodeHTMLStrict(text) : text;
}
