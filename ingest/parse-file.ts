import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ParsedEpisode } from '../src/domain.js';
import { PodciteError } from '../src/errors.js';
import { parseBracketedTranscript } from './parsers/bracketed-transcript.js';
import { episodeIdFromTitle, titleFromFileName } from './parsers/episode-id.js';
import { applyMetadata, type EpisodeMetadata, parseSidecarMetadata } from './parsers/front-matter.js';
import { parseHtmlTranscript } from './parsers/html.js';
import { parseMarkdownTranscript } from './parsers/markdown.js';
import { parseMixedTranscript } from './parsers/mixed-transcript.js';
import type { ParseOptions } from './parsers/parse-options.js';
import { parsePlainSpeakerTranscript } from './parsers/plain-speaker-transcript.js';
import { parsePodcastingChapters, parsePodcastingJson } from './parsers/podcasting-json.js';
import { parseRssFeed, type RssFileReference, type RssItem } from './parsers/rss.js';
import { detectTranscriptDialect, parseScrapedPage } from './parsers/scraped-page.js';
import { parseSrt } from './parsers/srt.js';
import { parseWebVtt } from './parsers/webvtt.js';

export type FormatName =
  | 'webvtt'
  | 'srt'
  | 'podcasting-json'
  | 'podcasting-chapters'
  | 'markdown'
  | 'html'
  | 'rss'
  | 'scraped-page'
  | 'bracketed-transcript'
  | 'mixed-transcript'
  | 'plain-speaker-transcript'
  | 'unknown';

/** Largest file read, in bytes: far above any transcript, low enough to refuse a stray video. */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

/** File extensions `collectFiles` picks up from folders; everything `detectFormat` can route. */
export const SUPPORTED_EXTENSIONS = new Set([
  '.vtt',
  '.srt',
  '.json',
  '.md',
  '.markdown',
  '.html',
  '.htm',
  '.xhtml',
  '.xml',
  '.rss',
  '.txt',
]);

const EXTENSION_FORMATS: Record<string, FormatName> = {
  '.vtt': 'webvtt',
  '.srt': 'srt',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.html': 'html',
  '.htm': 'html',
  '.xhtml': 'html',
};

/**
 * Which parser reads a file: by extension where it is decisive (`.vtt`, `.srt`, `.md`, `.html`),
 * by content for `.json` (transcript or chapters), `.xml`/`.rss` (feed or page) and anything
 * else, including `.txt`, which may hold any of the text dialects. `unknown` for JSON that is
 * neither a transcript nor chapters.
 */
export function detectFormat(fileName: string, text: string): FormatName {
  const extension = path.extname(fileName).toLowerCase();
  const byExtension = EXTENSION_FORMATS[extension];
  if (byExtension) return byExtension;
  const head = text.replace(/^\uFEFF/, '').trimStart();
  if (extension === '.json' || head.startsWith('{')) return jsonFormat(head);
  if (/^WEBVTT(?:[ \t\r\n]|$)/.test(head)) return 'webvtt';
  if (/^(?:\d+[ \t]*\r?\n)?[ \t]*(?:\d+:)?\d{1,2}:\d{1,2}[.,]\d{1,3}[ \t]*-->/.test(head)) return 'srt';
  if (/^(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*<rss[\s>]/i.test(head)) return 'rss';
  if (extension === '.xml' || extension === '.rss') return /<html[\s>]/i.test(head) ? 'html' : 'rss';
  if (/^(?:<!doctype html|<html[\s>]|<body[\s>]|<cite[\s>]|<p[\s>])/i.test(head)) return 'html';
  const lines = head.split(/\r?\n/);
  if (
    lines.some((line) => /^\s*•\s+\S/.test(line)) &&
    lines.some((line) => /^\s*\d{1,2}-\d{1,2}-\d{4}\s*\|/.test(line))
  )
    return 'scraped-page';
  if (lines.some((line) => /^\*\*[^*]+?(?::\*\*|\*\*\s*:)/.test(line))) return 'markdown';
  switch (detectTranscriptDialect(lines)) {
    case 'bracketed':
      return 'bracketed-transcript';
    case 'mixed':
      return 'mixed-transcript';
    default:
      return 'plain-speaker-transcript';
  }
}

function jsonFormat(text: string): FormatName {
  // Key sniffing rather than JSON.parse: detection must not throw, and the parser validates anyway.
  if (/"segments"\s*:/.test(text)) return 'podcasting-json';
  if (/"chapters"\s*:\s*\[/.test(text) && /"startTime"\s*:/.test(text)) return 'podcasting-chapters';
  return 'unknown';
}

/**
 * Reads one file into episodes. Rejects with `PodciteError` code `parse:missing`, `parse:empty`,
 * `parse:too_large` (over 20 MB), `parse:binary`, `parse:unsupported`, or the parser's own
 * `parse:<format>` code. For a single-episode file, a sidecar `<stem>.json` supplies missing
 * metadata and `<stem>.chapters.json` the chapters. For an RSS feed, each item becomes an episode:
 * its transcript and chapters are read from local paths (relative to the feed; a remote URL is
 * looked up by its file name beside the feed), its `url` is the enclosure, and an item whose
 * transcript cannot be found keeps its show notes with no turns.
 */
export async function parseFile(filePath: string): Promise<ParsedEpisode[]> {
  const text = await readTextFile(filePath);
  const format = detectFormat(filePath, text);
  if (format === 'rss') return parseFeed({ filePath, text });
  const episodes = parseAs({ format, text, options: { fileName: filePath } });
  if (episodes.length !== 1) return episodes;
  const [episode] = episodes as [ParsedEpisode];
  return [await withSidecars({ episode, filePath })];
}

/**
 * Parses transcript text that did not come from a file (a fetched `<podcast:transcript>`) with the
 * same parsers as files: `format` when the feed declared one, else detected from `fileName` and
 * the text. Throws as `parseFile` does for content it cannot read.
 */
export function parseTranscriptText(options: {
  text: string;
  fileName: string;
  format?: FormatName | undefined;
}): ParsedEpisode[] {
  const format = options.format ?? detectFormat(options.fileName, options.text);
  if (format === 'rss') throw new PodciteError('parse:unsupported', `${options.fileName}: a feed, not a transcript`);
  return parseAs({ format, text: options.text, options: { fileName: options.fileName } });
}

function parseAs(options: { format: FormatName; text: string; options: ParseOptions }): ParsedEpisode[] {
  const { format, text } = options;
  const parseOptions = options.options;
  switch (format) {
    case 'webvtt':
      return parseWebVtt(text, parseOptions);
    case 'srt':
      return parseSrt(text, parseOptions);
    case 'podcasting-json':
      return parsePodcastingJson(text, parseOptions);
    case 'markdown':
      return parseMarkdownTranscript(text, parseOptions);
    case 'html':
      return parseHtmlTranscript(text, parseOptions);
    case 'scraped-page':
      return parseScrapedPage(text, parseOptions);
    case 'bracketed-transcript':
      return parseBracketedTranscript(text, parseOptions);
    case 'mixed-transcript':
      return parseMixedTranscript(text, parseOptions);
    case 'plain-speaker-transcript':
      return parsePlainSpeakerTranscript(text, parseOptions);
    case 'podcasting-chapters':
      throw new PodciteError(
        'parse:unsupported',
        `${parseOptions.fileName}: a chapters file, not a transcript; name it <stem>.chapters.json beside its transcript`,
      );
    case 'rss':
      throw new PodciteError('parse:unsupported', `${parseOptions.fileName}: a feed inside a feed is not read`);
    default:
      throw new PodciteError(
        'parse:unsupported',
        `${parseOptions.fileName}: JSON that is neither a Podcasting 2.0 transcript ("segments") nor chapters`,
      );
  }
}

/** The file's text, refusing what cannot be a transcript. UTF-16 (with a BOM) and Windows-1252 are decoded too. */
async function readTextFile(filePath: string): Promise<string> {
  let size: number;
  try {
    const info = await stat(filePath);
    if (!info.isFile()) throw new PodciteError('parse:missing', `${filePath}: not a file`);
    size = info.size;
  } catch (error) {
    if (error instanceof PodciteError) throw error;
    throw new PodciteError('parse:missing', `${filePath}: cannot read (${(error as Error).message})`, { cause: error });
  }
  if (size > MAX_FILE_BYTES) {
    throw new PodciteError(
      'parse:too_large',
      `${filePath}: ${(size / 1024 / 1024).toFixed(1)} MB is over the ${MAX_FILE_BYTES / 1024 / 1024} MB limit for a transcript`,
    );
  }
  const bytes = await readFile(filePath);
  const text = decodeText(bytes);
  if (text === null) throw new PodciteError('parse:binary', `${filePath}: binary data, not a text transcript`);
  if (!text.trim()) throw new PodciteError('parse:empty', `${filePath}: the file is empty`);
  return text;
}

/**
 * Text of transcript bytes however they came (file or HTTP): UTF-8, UTF-16 with a BOM, else
 * Windows-1252; null for binary data.
 */
export function decodeText(bytes: Buffer): string | null {
  let text: string;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) text = new TextDecoder('utf-16le').decode(bytes.subarray(2));
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = new TextDecoder('utf-16be').decode(bytes.subarray(2));
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      // Not UTF-8: old subtitle files are often Windows-1252. Binary files fail the check below.
      text = decodeWindows1252(bytes);
    }
  }
  const sample = text.slice(0, 8192);
  if (sample.includes('\u0000')) return null;
  let controls = 0;
  for (let index = 0; index < sample.length; index++) {
    const code = sample.charCodeAt(index);
    // C0 controls other than tab, line feed, form feed and carriage return: rare in text, common in binaries.
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0c && code !== 0x0d) || code === 0x7f) controls++;
  }
  return controls > sample.length * 0.01 ? null : text.replace(/^\uFEFF/, '');
}

/** Windows-1252 bytes 0x80–0x9F (curly quotes, dashes, €); Node's TextDecoder reads them as C1 controls. */
const WINDOWS_1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

function decodeWindows1252(bytes: Buffer): string {
  return bytes.toString('latin1').replace(/[\u0080-\u009f]/g, (character) => {
    return WINDOWS_1252_HIGH[character.charCodeAt(0) - 0x80] ?? character;
  });
}

/** `<dir>/<stem>`: the path without its last extension. */
function pathStem(filePath: string): string {
  return filePath.slice(0, filePath.length - path.extname(filePath).length);
}

async function readOptional(filePath: string): Promise<string | null> {
  try {
    if (!(await stat(filePath)).isFile()) return null;
  } catch {
    return null;
  }
  return readTextFile(filePath);
}

async function withSidecars(options: { episode: ParsedEpisode; filePath: string }): Promise<ParsedEpisode> {
  const { filePath } = options;
  let episode = options.episode;
  const stem = pathStem(filePath);
  const sidecarPath = `${stem}.json`;
  if (path.resolve(sidecarPath) !== path.resolve(filePath)) {
    const sidecar = await readOptional(sidecarPath);
    if (sidecar !== null) {
      const metadata = parseSidecarMetadata(sidecar, { fileName: sidecarPath });
      episode = applyMetadata(episode, { metadata, titleFromFileName: isFileNameTitle(episode, filePath) });
    }
  }
  const chaptersPath = `${stem}.chapters.json`;
  const chapters = await readOptional(chaptersPath);
  if (chapters !== null)
    episode = { ...episode, chapters: parsePodcastingChapters(chapters, { fileName: chaptersPath }) };
  return episode;
}

function isFileNameTitle(episode: ParsedEpisode, filePath: string): boolean {
  return episode.title === titleFromFileName(filePath);
}

/** Transcript types in order of preference: the richest timing and speaker data first. */
const TRANSCRIPT_TYPES: { pattern: RegExp; format: FormatName }[] = [
  { pattern: /json/i, format: 'podcasting-json' },
  { pattern: /vtt/i, format: 'webvtt' },
  { pattern: /srt|subrip/i, format: 'srt' },
  { pattern: /html/i, format: 'html' },
];

async function parseFeed(options: { filePath: string; text: string }): Promise<ParsedEpisode[]> {
  const items = parseRssFeed(options.text, { fileName: options.filePath });
  const feedDirectory = path.dirname(options.filePath);
  const seenIds = new Map<string, number>();
  const episodes: ParsedEpisode[] = [];
  for (const [index, item] of items.entries()) {
    const episode = await feedEpisode({ item, index, feedDirectory, feedPath: options.filePath });
    // Two items with one title must not collide in the index.
    const count = (seenIds.get(episode.episodeId) ?? 0) + 1;
    seenIds.set(episode.episodeId, count);
    episodes.push(count === 1 ? episode : { ...episode, episodeId: `${episode.episodeId}-${count}` });
  }
  return episodes;
}

async function feedEpisode(options: {
  item: RssItem;
  index: number;
  feedDirectory: string;
  feedPath: string;
}): Promise<ParsedEpisode> {
  const { item, feedDirectory } = options;
  const title = item.title ?? `${titleFromFileName(options.feedPath)} ${options.index + 1}`;
  let turns: ParsedEpisode['turns'] = [];
  let transcriptMetadata: EpisodeMetadata = {};
  const transcript = await findLocal({ references: rankTranscripts(item.transcripts), feedDirectory });
  if (transcript) {
    const format = preferredFormat(transcript.reference) ?? detectFormat(transcript.filePath, transcript.text);
    const parsed = parseAs({ format, text: transcript.text, options: { fileName: transcript.filePath } })[0];
    if (parsed) {
      turns = parsed.turns;
      transcriptMetadata = { chapters: parsed.chapters, durationSeconds: parsed.durationSeconds ?? undefined };
    }
  }
  let chapters = transcriptMetadata.chapters ?? [];
  const chaptersFile = await findLocal({ references: item.chapters ? [item.chapters] : [], feedDirectory });
  if (chaptersFile) chapters = parsePodcastingChapters(chaptersFile.text, { fileName: chaptersFile.filePath });
  const episode: ParsedEpisode = {
    episodeId: episodeIdFromTitle(title),
    title,
    date: item.date,
    durationSeconds: item.durationSeconds ?? transcriptMetadata.durationSeconds ?? null,
    url: item.url,
    showNotes: item.showNotes,
    chapters,
    turns,
  };
  if (item.people.length > 0) episode.people = item.people;
  return episode;
}

/** Transcript references best first: Podcasting 2.0 JSON, WebVTT, SRT, then HTML, then anything else; feed order breaks ties. */
export function rankTranscripts(references: RssFileReference[]): RssFileReference[] {
  const rank = (reference: RssFileReference) => {
    const position = TRANSCRIPT_TYPES.findIndex(({ pattern }) => pattern.test(reference.type ?? reference.url));
    return position < 0 ? TRANSCRIPT_TYPES.length : position;
  };
  return references
    .map((reference, order) => ({ reference, order }))
    .sort((left, right) => rank(left.reference) - rank(right.reference) || left.order - right.order)
    .map(({ reference }) => reference);
}

/** The parser a reference's declared type names, if it names one. */
export function preferredFormat(reference: RssFileReference): FormatName | undefined {
  if (!reference.type) return undefined;
  return TRANSCRIPT_TYPES.find(({ pattern }) => pattern.test(reference.type ?? ''))?.format;
}

/** The first reference that names a readable local file, with its text. */
async function findLocal(options: {
  references: RssFileReference[];
  feedDirectory: string;
}): Promise<{ reference: RssFileReference; filePath: string; text: string } | undefined> {
  for (const reference of options.references) {
    for (const candidate of localCandidates({ url: reference.url, feedDirectory: options.feedDirectory })) {
      const text = await readOptional(candidate);
      if (text !== null) return { reference, filePath: candidate, text };
    }
  }
  return undefined;
}

function localCandidates(options: { url: string; feedDirectory: string }): string[] {
  const { url, feedDirectory } = options;
  if (url.startsWith('file://')) {
    try {
      return [new URL(url).pathname];
    } catch {
      return [];
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    // No network: a remote transcript counts only when a copy with its file name sits beside the feed.
    try {
      const name = path.posix.basename(new URL(url).pathname);
      return name ? [path.join(feedDirectory, decodeURIComponent(name))] : [];
    } catch {
      return [];
    }
  }
  return [path.resolve(feedDirectory, url)];
}
