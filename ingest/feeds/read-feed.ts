import { createHash } from 'node:crypto';
import type { FeedItemState, ParsedEpisode, Show } from '../../src/domain.js';
import { PodciteError } from '../../src/errors.js';
import { type FetchUrlOptions, fetchUrl } from '../../src/net/fetch-url.js';
import { decodeText, MAX_FILE_BYTES, parseTranscriptText, preferredFormat, rankTranscripts } from '../parse-file.js';
import { episodeIdFromTitle } from '../parsers/episode-id.js';
import { parsePodcastingChapters } from '../parsers/podcasting-json.js';
import { parseRssChannel, type RssItem } from '../parsers/rss.js';
import { canonicalJson } from '../prepare-episode.js';
import type { TranscriptCache } from './transcript-cache.js';

/** Largest feed read, in bytes: the size limit of a transcript file (big shows' feeds run to a few MB). */
export const MAX_FEED_BYTES = MAX_FILE_BYTES;
/** Largest transcript or chapters body fetched. */
const MAX_TRANSCRIPT_BYTES = MAX_FILE_BYTES;
/**
 * Most items a feed may hold. Daily shows reach a few thousand episodes; a feed far beyond that is
 * more likely an attack on the ingest (every item may cost requests and a transcription).
 */
export const MAX_FEED_ITEMS = 5_000;
/** Items whose transcripts are fetched at once. */
const ITEM_CONCURRENCY = 4;
/**
 * Time for reading one feed's new and changed items (transcripts, chapters, audio). A feed whose
 * links answer slowly cannot hold an ingest for hours: items not read by then are left for the next
 * run, which continues where this one stopped.
 */
export const FEED_BUDGET_MS = 30 * 60_000;
/**
 * Transcript, chapters and transcription text one feed's items may bring in per run (characters).
 * Each body is capped at `MAX_TRANSCRIPT_BYTES`, but a feed may list thousands of items and their
 * episodes stay in memory until the index is written: items not started once this much has been
 * read are left for the next run, like items past the time budget. Items already in flight finish,
 * so every run makes progress.
 */
export const FEED_TEXT_BUDGET = 256 * 1024 * 1024;

/** How feed, transcript, chapters and audio URLs are fetched (the same rules for all of them). */
export interface FeedFetchSettings {
  /** ALLOW_PRIVATE_URLS. */
  allowPrivate: boolean;
  /** Test hooks passed to `fetchUrl`. */
  resolve?: FetchUrlOptions['resolve'];
  treatAsPublic?: FetchUrlOptions['treatAsPublic'];
  /** Total time for one fetch, in ms (default `fetchUrl`'s). */
  totalTimeoutMs?: number | undefined;
  /** Time for one feed's items, in ms (default `FEED_BUDGET_MS`). */
  feedBudgetMs?: number | undefined;
  /** Text one feed's items may bring in per run, in characters (default `FEED_TEXT_BUDGET`). */
  feedTextBudget?: number | undefined;
}

/** Speech to text for audio-only episodes. */
export interface AudioTranscriber {
  /** Identity (server and model) in cache keys: another model's transcript is another entry. */
  readonly id: string;
  /** WebVTT text of the audio at `audioUrl` (fetched under `FeedFetchSettings`). */
  transcribe(options: { audioUrl: string; mediaType: string | null; title: string }): Promise<string>;
}

export interface ReadFeedOptions {
  feedUrl: string;
  showId: string;
  /** The library's record of this feed from an earlier run. */
  previous: Show | undefined;
  /** Episode ids in the index now: an item's earlier state is reused only while its episode is there. */
  indexedIds: ReadonlySet<string>;
  /** Ids new items must avoid (every id in the index and those handed out in this run); ids given out are added. */
  takenIds: Set<string>;
  cache: TranscriptCache;
  fetch: FeedFetchSettings;
  transcriber: AudioTranscriber | undefined;
  now?: (() => Date) | undefined;
}

export interface FeedOutcome {
  feedUrl: string;
  showId: string;
  /** `read`: the feed was read; `not-modified`: it answered 304; `failed`: see `reason`. */
  status: 'read' | 'not-modified' | 'failed';
  reason?: string;
  /** The library record after this run; undefined when the feed failed (the earlier one stays). */
  show: Show | undefined;
  /** Episodes of new and changed items. */
  parsed: ParsedEpisode[];
  /** Episode ids of unchanged items: their indexed chunks stay as they are. */
  keep: string[];
  /** Problems that did not stop the feed, each naming its URL (a transcript that answered 404…). */
  notes: string[];
  /** Requests made to read this feed and its items, for the report. */
  requests: number;
}

/**
 * Reads one podcast feed over HTTP, fetching only what changed since `previous`: the feed with a
 * conditional GET; for each new or changed item (by guid and the item's hash) the best transcript it
 * offers (timed formats first, see `rankTranscripts`), falling back to the next on failure, else a
 * transcription of its audio, else its show notes; and its chapters. Fetched bodies go through the
 * same parsers as files. Never throws for a bad feed: the outcome says `failed` and why.
 */
export async function readFeed(options: ReadFeedOptions): Promise<FeedOutcome> {
  const { feedUrl, showId, previous } = options;
  const now = options.now ?? (() => new Date());
  const counter = { requests: 0 };
  const failed = (reason: string): FeedOutcome => ({
    feedUrl,
    showId,
    status: 'failed',
    reason,
    show: undefined,
    parsed: [],
    keep: [],
    notes: [],
    requests: counter.requests,
  });
  // A 304 only helps when every episode of the feed is still indexed (not after a rebuild, or when
  // an earlier run lost some): otherwise the feed must be read whole.
  const revalidate = previous?.items.every((item) => options.indexedIds.has(item.episodeId) && !item.retry) === true;
  let response: Awaited<ReturnType<typeof fetchUrl>>;
  try {
    counter.requests++;
    response = await fetchUrl({
      ...fetchSettings(options.fetch),
      url: feedUrl,
      maxBytes: MAX_FEED_BYTES,
      etag: revalidate ? previous?.etag : null,
      lastModified: revalidate ? previous?.lastModified : null,
      accept: 'application/rss+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1',
    });
  } catch (error) {
    return failed(messageOf(error));
  }
  const lastRefreshed = now().toISOString();
  if (response.notModified && previous) {
    return {
      feedUrl,
      showId,
      status: 'not-modified',
      show: { ...previous, lastRefreshed },
      parsed: [],
      keep: previous.items.map((item) => item.episodeId).filter((id) => options.indexedIds.has(id)),
      notes: [],
      requests: counter.requests,
    };
  }
  if (response.notModified) return failed(`${feedUrl}: answered 304 Not Modified to a first request`);

  const text = decodeText(response.body);
  if (text === null || !text.trim()) return failed(`${feedUrl}: not a feed (binary or empty body)`);
  // Counted before parsing so a feed of a million items is refused without building its tree.
  const itemCount = text.match(/<item[\s>]/g)?.length ?? 0;
  if (itemCount > MAX_FEED_ITEMS) {
    return failed(`${feedUrl}: ${itemCount} items, over the limit of ${MAX_FEED_ITEMS} a feed`);
  }
  let channel: ReturnType<typeof parseRssChannel>;
  try {
    channel = parseRssChannel(text, { fileName: feedUrl });
  } catch (error) {
    return failed(messageOf(error));
  }

  const previousItems = new Map(previous?.items.map((item) => [item.guid, item]));
  const states: FeedItemState[] = [];
  const work: { item: RssItem; episodeId: string }[] = [];
  const keep: string[] = [];
  const seenKeys = new Map<string, number>();
  for (const [position, item] of channel.items.entries()) {
    const baseKey = item.guid ?? item.url ?? item.title ?? `item-${position + 1}`;
    const seen = (seenKeys.get(baseKey) ?? 0) + 1;
    seenKeys.set(baseKey, seen);
    const guid = seen === 1 ? baseKey : `${baseKey}#${seen}`;
    const itemHash = createHash('sha256').update(canonicalJson(item)).digest('hex');
    const before = previousItems.get(guid);
    const episodeId = before?.episodeId ?? newEpisodeId(item.title ?? `${showId} ${position + 1}`, options.takenIds);
    options.takenIds.add(episodeId);
    states.push({ guid, episodeId, itemHash });
    if (before && !before.retry && before.itemHash === itemHash && options.indexedIds.has(episodeId)) {
      keep.push(episodeId);
    } else work.push({ item, episodeId });
  }

  const stateOf = new Map(states.map((state) => [state.episodeId, state]));
  const budgetMs = options.fetch.feedBudgetMs ?? FEED_BUDGET_MS;
  const budget = AbortSignal.timeout(budgetMs);
  const textBudget = options.fetch.feedTextBudget ?? FEED_TEXT_BUDGET;
  const textRead = { read: 0 };
  const built = await mapLimited<(typeof work)[number], BuiltItem | undefined>(
    work,
    ITEM_CONCURRENCY,
    ({ item, episodeId }) =>
      budget.aborted || textRead.read >= textBudget
        ? Promise.resolve(undefined)
        : itemEpisode({ item, episodeId, base: response.finalUrl, options, counter, budget, text: textRead }),
  );
  // In feed order, whatever order the fetches finished in. Items the budget cut off are left out
  // (and marked for the next run) rather than indexed without the transcript they offer.
  const parsed: ParsedEpisode[] = [];
  const notes: string[] = [];
  let leftForLater = 0;
  for (const [position, entry] of built.entries()) {
    const state = stateOf.get(work[position]!.episodeId)!;
    if (!entry || entry.cutOff) {
      state.retry = true;
      leftForLater++;
      continue;
    }
    if (entry.retry) state.retry = true;
    parsed.push(entry.episode);
    notes.push(...entry.notes);
  }
  if (leftForLater > 0) {
    const why = budget.aborted
      ? `within the ${budgetMs / 1000} s allowed for a feed's items`
      : `once its items had brought in ${formatCharacters(textRead.read)} of text (at most ${formatCharacters(textBudget)} a run)`;
    notes.push(
      `${leftForLater === 1 ? '1 item was' : `${leftForLater} items were`} not read ${why}; the next npm run ingest -- --refresh continues.`,
    );
  }
  const untranscribed = built.filter((entry) => entry?.untranscribed === true && !entry.cutOff);
  if (untranscribed.length > 0) {
    notes.push(
      `${untranscribed.length === 1 ? '1 episode offers only audio and was' : `${untranscribed.length} episodes offer only audio and were`} indexed from show notes: set TRANSCRIBE_BASE_URL (an OpenAI-compatible speech-to-text server, e.g. https://api.openai.com/v1) and TRANSCRIBE_API_KEY to transcribe them, then run npm run ingest -- --refresh.`,
    );
  }
  const show: Show = {
    showId,
    title: channel.show.title ?? new URL(feedUrl).hostname,
    author: channel.show.author,
    image: absolute(channel.show.image, response.finalUrl),
    feedUrl,
    etag: response.etag,
    lastModified: response.lastModified,
    lastRefreshed,
    items: states,
  };
  return { feedUrl, showId, status: 'read', show, parsed, keep, notes, requests: counter.requests };
}

interface BuiltItem {
  episode: ParsedEpisode;
  notes: string[];
  untranscribed: boolean;
  /** A fetch failed for a reason that may pass (not 404/410, a refusal or bad content): read it again next time. */
  retry: boolean;
  /** The feed's time budget ran out while the item was read. */
  cutOff: boolean;
}

async function itemEpisode(context: {
  item: RssItem;
  episodeId: string;
  base: string;
  options: ReadFeedOptions;
  counter: { requests: number };
  budget: AbortSignal;
  /** Characters of text this feed's items have brought in so far (see `FEED_TEXT_BUDGET`). */
  text: { read: number };
}): Promise<BuiltItem> {
  const { item, episodeId, base, options, counter, budget, text } = context;
  const title = item.title ?? episodeId;
  const notes: string[] = [];
  let retry = false;
  const failed = (error: unknown) => {
    const code = error instanceof PodciteError ? error.code : '';
    if (code !== 'not_found:fetch' && !code.startsWith('bad_request:') && !code.startsWith('parse:')) retry = true;
  };
  const note = (what: string, url: string, error: unknown) => {
    failed(error);
    notes.push(
      `"${title}": ${what} ${url}: ${sentence(withoutUrl(messageOf(error), url))} Indexed from its show notes.`,
    );
  };
  const mediaUrl = absolute(item.url, base);
  let turns: ParsedEpisode['turns'] = [];
  let transcriptChapters: ParsedEpisode['chapters'] = [];
  let transcriptDuration: number | null = null;
  for (const reference of rankTranscripts(item.transcripts)) {
    const url = absolute(reference.url, base);
    if (!url) {
      notes.push(`"${title}": transcript link "${reference.url.slice(0, 200)}" is not a URL; skipped`);
      continue;
    }
    try {
      const body = await fetchCached({ url, options, counter, signal: budget });
      text.read += body.length;
      const episode = parseTranscriptText({
        text: body,
        fileName: new URL(url).pathname,
        format: preferredFormat(reference),
      })[0];
      if (episode && episode.turns.length > 0) {
        turns = episode.turns;
        transcriptChapters = episode.chapters;
        transcriptDuration = episode.durationSeconds;
        break;
      }
      notes.push(`"${title}": transcript ${url} holds no text; skipped`);
    } catch (error) {
      note('transcript', url, error);
    }
  }
  let untranscribed = false;
  if (turns.length === 0 && mediaUrl) {
    if (options.transcriber) {
      try {
        const key = `transcription ${options.transcriber.id} ${mediaUrl} ${item.mediaBytes ?? ''}`;
        let cached = await options.cache.read(key);
        if (!cached) {
          const text = await options.transcriber.transcribe({ audioUrl: mediaUrl, mediaType: item.mediaType, title });
          cached = { key, text, etag: null, lastModified: null };
          await options.cache.write(cached);
        }
        text.read += cached.text.length;
        turns =
          parseTranscriptText({ text: cached.text, fileName: 'transcription.vtt', format: 'webvtt' })[0]?.turns ?? [];
      } catch (error) {
        note('audio', mediaUrl, error);
      }
    } else if (item.transcripts.length === 0) untranscribed = true;
  }
  let chapters = transcriptChapters;
  const chaptersUrl = item.chapters ? absolute(item.chapters.url, base) : null;
  if (chaptersUrl) {
    try {
      const body = await fetchCached({ url: chaptersUrl, options, counter, signal: budget });
      text.read += body.length;
      chapters = parsePodcastingChapters(body, { fileName: chaptersUrl });
    } catch (error) {
      failed(error);
      notes.push(
        `"${title}": chapters ${chaptersUrl}: ${sentence(withoutUrl(messageOf(error), chaptersUrl))} Skipped.`,
      );
    }
  }
  const episode: ParsedEpisode = {
    episodeId,
    title,
    date: item.date,
    durationSeconds: item.durationSeconds ?? transcriptDuration,
    url: mediaUrl,
    showNotes: item.showNotes,
    chapters,
    turns,
  };
  if (item.people.length > 0) episode.people = item.people;
  return { episode, notes, untranscribed, retry, cutOff: budget.aborted };
}

/**
 * A transcript or chapters body: revalidated against the cached copy (a 304 costs no body), else
 * fetched and, when the server gave validators, cached.
 */
async function fetchCached(request: {
  url: string;
  options: ReadFeedOptions;
  counter: { requests: number };
  /** The feed's budget: aborts the fetch when it runs out. */
  signal: AbortSignal;
}): Promise<string> {
  const { url, options, counter, signal } = request;
  const key = `fetch ${url}`;
  const cached = await options.cache.read(key);
  counter.requests++;
  const response = await fetchUrl({
    ...fetchSettings(options.fetch),
    url,
    maxBytes: MAX_TRANSCRIPT_BYTES,
    etag: cached?.etag,
    lastModified: cached?.lastModified,
    signal,
  });
  if (response.notModified) {
    if (cached) return cached.text;
    throw new PodciteError('unavailable:fetch', `${url}: answered 304 Not Modified to a first request`);
  }
  const text = decodeText(response.body);
  if (text === null) throw new PodciteError('parse:binary', `${url}: binary data, not a transcript`);
  if (!text.trim()) throw new PodciteError('parse:empty', `${url}: empty`);
  if (response.etag || response.lastModified) {
    await options.cache.write({ key, text, etag: response.etag, lastModified: response.lastModified });
  }
  return text;
}

function formatCharacters(count: number): string {
  return count >= 1024 * 1024 ? `${(count / 1024 / 1024).toFixed(1)} M characters` : `${count} characters`;
}

function fetchSettings(
  settings: FeedFetchSettings,
): Pick<FetchUrlOptions, 'allowPrivate' | 'resolve' | 'treatAsPublic' | 'totalTimeoutMs'> {
  return {
    allowPrivate: settings.allowPrivate,
    resolve: settings.resolve,
    treatAsPublic: settings.treatAsPublic,
    totalTimeoutMs: settings.totalTimeoutMs,
  };
}

function newEpisodeId(title: string, taken: ReadonlySet<string>): string {
  const base = episodeIdFromTitle(title);
  let id = base;
  for (let suffix = 2; taken.has(id); suffix++) id = `${base}-${suffix}`;
  return id;
}

/** `url` resolved against the feed's URL; null when missing or not a URL. */
function absolute(url: string | null, base: string): string | null {
  if (!url) return null;
  try {
    return new URL(url, base).href;
  } catch {
    return null;
  }
}

async function mapLimited<T, R>(items: T[], limit: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const runner = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, runner));
  return results;
}

/** A fetch error's message starts with the URL; the note names it already. */
function withoutUrl(message: string, url: string): string {
  return message.startsWith(`${url}: `) ? message.slice(url.length + 2) : message;
}

/** The reason as a sentence: a full stop at the end unless it has one. */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
