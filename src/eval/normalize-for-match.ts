/**
 * Canonical form for comparing a gold quote with transcript text: Unicode compatibility forms
 * (so "…" is "..."), typographic quotes and apostrophes as ASCII, dashes as "-", whitespace
 * collapsed, lower case. Transcripts and hand-written quotes differ in exactly these ways.
 */
export function normalizeForMatch(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[‘’‚‛′`]/gu, "'")
    .replace(/[“”„‟″«»]/gu, '"')
    .replace(/[‐‑‒–—―]/gu, '-')
    .replace(/\s+/gu, ' ')
    .trim()
    .toLowerCase();
}
