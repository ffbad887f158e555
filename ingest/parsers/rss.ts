import { XMLParser } from 'fast-xml-parser';
import { Parser } from 'htmlparser2';
import { PodciteError } from '../../src/errors.js';
import { normaliseDate, parseDuration } from './front-matter.js';
import type { ParseOptions } from './parse-options.js';

/** A `<podcast:transcript>` or `<podcast:chapters>` reference, as written in the feed. */
export interface RssFileReference {
  /** URL or path, possibly relative to the feed; resolving it is the caller's job. */
  url: string;
  /** MIME type, e.g. `application/json`, `text/vtt`; null when not given. */
  type: string | null;
  language: string | null;
}

/** One `<item>` of a podcast feed. */
export interface RssItem {
  /** Item title; null when the item has none. */
  title: string | null;
  guid: string | null;
  /** ISO `YYYY-MM-DD` from `<pubDate>`. */
  date: string | null;
  /** `<enclosure url>`: the media file. */
  url: string | null;
  /** `<enclosure type>`, e.g. `audio/mpeg`; null when not given. */
  mediaType: string | null;
  /** `<enclosure length>` in bytes; null when missing or not a positive number. */
  mediaBytes: number | null;
  /** `<itunes:duration>` in seconds. */
  durationSeconds: number | null;
  /** Description (or `content:encoded`, `itunes:summary`) as plain text. */
  showNotes: string | null;
  /** `<podcast:person>` names: the item's own, else the channel's. */
  people: string[];
  /** Every `<podcast:transcript>`, in feed order. */
  transcripts: RssFileReference[];
  chapters: RssFileReference | null;
}

/** The show a feed describes (its `<channel>`). */
export interface RssShow {
  title: string | null;
  /** `<itunes:author>`, else `<author>` or `<managingEditor>`. */
  author: string | null;
  /** `<itunes:image href>`, else `<image><url>`. */
  image: string | null;
}

const ALWAYS_ARRAYS = new Set(['item', 'podcast:transcript', 'podcast:person', 'enclosure']);

/**
 * Limits for XML from strangers (a feed URL): entity definitions and expansions are capped, so a
 * "billion laughs" document fails fast instead of growing without bound, and nesting deeper than any
 * feed needs is an error. fast-xml-parser's own default leaves the total expansion count unbounded.
 */
const ENTITY_LIMITS = {
  enabled: true,
  maxEntityCount: 100,
  maxEntitySize: 1_000,
  maxExpansionDepth: 5,
  maxTotalExpansions: 10_000,
  maxExpandedLength: 1_000_000,
};
const MAX_NESTED_TAGS = 64;

/**
 * Reads the items of an RSS 2.0 podcast feed with the iTunes and Podcasting 2.0 namespaces. Pure:
 * transcript and chapter references are returned as written, not read.
 * @throws PodciteError `parse:rss` when the XML is malformed or holds no `<rss><channel>`.
 */
export function parseRssFeed(text: string, options: ParseOptions): RssItem[] {
  return parseRssChannel(text, options).items;
}

/**
 * `parseRssFeed` plus the show: its title, author and image.
 * @throws PodciteError `parse:rss` as `parseRssFeed`, and for XML past the entity or nesting limits.
 */
export function parseRssChannel(text: string, options: ParseOptions): { show: RssShow; items: RssItem[] } {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    attributesGroupName: '@',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    processEntities: ENTITY_LIMITS,
    htmlEntities: true,
    maxNestedTags: MAX_NESTED_TAGS,
    isArray: (name) => ALWAYS_ARRAYS.has(name),
  });
  let document: unknown;
  try {
    // `true` validates first, so malformed XML is an error rather than a partial tree.
    document = parser.parse(text, true);
  } catch (error) {
    throw new PodciteError('parse:rss', `${options.fileName}: malformed XML (${errorMessage(error)})`, {
      cause: error,
    });
  }
  const channel = child(child(document, 'rss'), 'channel');
  if (!isRecord(channel))
    throw new PodciteError('parse:rss', `${options.fileName}: not an RSS feed (no <rss><channel>)`);
  const channelPeople = people(channel);
  const show: RssShow = {
    title: textOf(channel.title) || null,
    author: textOf(channel['itunes:author']) || textOf(channel.author) || textOf(channel.managingEditor) || null,
    image: attribute(channel['itunes:image'], 'href') ?? (textOf(child(channel.image, 'url')) || null),
  };
  return { show, items: asArray(channel.item).map((item) => readItem(item, channelPeople)) };
}

function readItem(item: unknown, channelPeople: string[]): RssItem {
  const enclosure = asArray(child(item, 'enclosure'))[0];
  const notesSource = textOf(child(item, 'content:encoded')) || textOf(child(item, 'description'));
  const ownPeople = people(item);
  const chapters = reference(child(item, 'podcast:chapters'));
  return {
    title: textOf(child(item, 'title')) || null,
    guid: textOf(child(item, 'guid')) || null,
    date: normaliseDate(textOf(child(item, 'pubDate'))),
    url: attribute(enclosure, 'url'),
    mediaType: attribute(enclosure, 'type'),
    mediaBytes: positiveNumber(attribute(enclosure, 'length')),
    durationSeconds: parseDuration(textOf(child(item, 'itunes:duration'))),
    showNotes: htmlToText(notesSource || textOf(child(item, 'itunes:summary'))) || null,
    people: ownPeople.length > 0 ? ownPeople : channelPeople,
    transcripts: asArray(child(item, 'podcast:transcript')).flatMap((node) => reference(node) ?? []),
    chapters,
  };
}

function reference(node: unknown): RssFileReference | null {
  const url = attribute(node, 'url');
  if (!url) return null;
  return { url, type: attribute(node, 'type'), language: attribute(node, 'language') };
}

function people(node: unknown): string[] {
  return asArray(child(node, 'podcast:person'))
    .map((person) => textOf(person))
    .filter(Boolean);
}

/** Plain text of feed HTML (show notes): tags dropped, entities decoded, blocks on their own lines. */
function htmlToText(html: string): string {
  if (!/[<&]/.test(html)) return html.trim();
  let text = '';
  let hidden = 0;
  const parser = new Parser(
    {
      onopentag(name) {
        if (name === 'script' || name === 'style') hidden++;
        if (/^(?:p|div|br|li|h[1-6]|tr|blockquote)$/.test(name)) text += '\n';
      },
      ontext(data) {
        if (hidden === 0) text += data;
      },
      onclosetag(name) {
        if ((name === 'script' || name === 'style') && hidden > 0) hidden--;
        if (/^(?:p|div|li|h[1-6]|tr|blockquote)$/.test(name)) text += '\n';
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return text
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function child(node: unknown, name: string): unknown {
  return isRecord(node) ? node[name] : undefined;
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** Text content of an element parsed either as a bare string or as `{ '#text', '@' }`. */
function textOf(node: unknown): string {
  if (typeof node === 'string') return node.trim();
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (Array.isArray(node)) return textOf(node[0]);
  return isRecord(node) ? textOf(node['#text']) : '';
}

function attribute(node: unknown, name: string): string | null {
  const value = child(child(node, '@'), name);
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

function positiveNumber(text: string | null): number | null {
  const value = Number(text);
  return text && Number.isFinite(value) && value > 0 ? value : null;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message.replace(/\s+/g, ' ');
  if (isRecord(error) && isRecord(error.err)) return String(error.err.msg ?? 'invalid');
  return String(error);
}
