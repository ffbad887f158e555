/**
 * What a piece of episode text is, judged from the text alone: a chapter list or timestamp table,
 * a sponsor read or list of links, or ordinary prose / talk. Ingest gives every chunk its kind with
 * this; loading an index written before chapter and promo chunks had kinds of their own applies it
 * to the old `shownotes` chunks, so such an index keeps working without a re-ingest.
 */
import type { ChunkKind } from '../domain.js';

/** A clock at the start of a line, bare or bracketed: `00:47`, `1:02:03`, `[12:30]`, `(5:37)`. */
const LEADING_CLOCK = /^\s*[[(]?\d{1,2}:\d{2}(?::\d{2})?[\])]?(?=\s|$|[-–—:.])/u;
/** Any clock, for lists glued into one line ("00:00 Intro 00:47 Meet the founders 01:26 …"). */
const ANY_CLOCK = /(?<![\d:])\d{1,2}:\d{2}(?::\d{2})?(?![\d:])/gu;
const URL = /\bhttps?:\/\/\S+|\bwww\.\S+|\b[\w-]+\.(?:com|io|ai|fm|org|net|dev|co)\/\S*/giu;
/** Words that only sponsor reads and calls to action say. */
const SPONSOR_SIGNALS = [
  /\bbrought to you by\b/iu,
  /\bsponsored by\b/iu,
  /\b(?:our|today'?s|this episode'?s|the) sponsors?\b/iu,
  /\bthanks to (?:our|today'?s) (?:sponsor|partner)s?\b/iu,
  /\b(?:promo|discount|coupon) code\b/iu,
  /\buse (?:the )?code\b/iu,
  /\b(?:head|go) (?:over )?to [\w-]+\.(?:com|io|ai|fm|co)\b/iu,
  /\b(?:free trial|sign up (?:today|now|for free))\b/iu,
  /\bsubscribe (?:to|on|wherever)\b/iu,
  /\b(?:leave|give) us a (?:review|rating)\b/iu,
  /\bpatreon\b/iu,
];

function wordCount(text: string): number {
  return text.split(/\s+/u).filter(Boolean).length;
}

/** True when the text is a list of times with titles: most lines start with a clock, or clocks come every few words. */
export function isTimestampList(text: string): boolean {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  if (lines.length === 0) return false;
  const clocked = lines.filter((line) => LEADING_CLOCK.test(line));
  // One short clocked line is the tail of a list that was split across chunks ("54:23 NLP Roots …").
  if (lines.length === 1 && clocked.length === 1) return wordCount(lines[0]!) <= 14;
  if (clocked.length >= 2 && clocked.length / lines.length >= 0.6) return true;
  const clocks = text.match(ANY_CLOCK)?.length ?? 0;
  return clocks >= 3 && wordCount(text) / clocks <= 12;
}

/** True when the text is mostly links ("X: https://…", bare URLs, "* Website: …"). */
export function isLinkList(text: string): boolean {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  if (lines.length === 0) return false;
  const urls = text.match(URL)?.length ?? 0;
  if (urls === 0) return false;
  const linkLines = lines.filter((line) => {
    URL.lastIndex = 0;
    return URL.test(line) && wordCount(line.replace(URL, '')) <= 8;
  });
  URL.lastIndex = 0;
  return linkLines.length / lines.length >= 0.5 || wordCount(text) / urls <= 8;
}

/** How many different sponsor-read signals the text has. */
export function sponsorSignals(text: string): number {
  return SPONSOR_SIGNALS.filter((pattern) => pattern.test(text)).length;
}

/**
 * The kind of a chunk from its text and where it came from (`transcript` for spoken turns, anything
 * else for show notes). Show notes: a timestamp list is `chapters`; links or a sponsor read are
 * `promo`; the rest `shownotes`. Transcript: only an unmistakable sponsor read (two different
 * signals, "brought to you by" and a promo code) becomes `promo` — a guest who mentions a sponsor
 * in passing is still talk.
 */
export function classifyChunkText(options: { text: string; source: 'transcript' | 'shownotes' }): ChunkKind {
  const { text } = options;
  if (options.source === 'transcript') return sponsorSignals(text) >= 2 ? 'promo' : 'transcript';
  if (isTimestampList(text)) return 'chapters';
  if (isLinkList(text) || sponsorSignals(text) >= 1) return 'promo';
  return 'shownotes';
}

/** Whether a chunk of this kind may be quoted as evidence for what was said (chapters and promos may not). */
export function isQuotableKind(kind: ChunkKind): boolean {
  return kind === 'transcript' || kind === 'shownotes';
}
