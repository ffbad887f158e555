import type { Chunk, Episode, Show } from '../../src/domain.js';
import { PodciteError } from '../../src/errors.js';
import type { IngestFileReport } from '../ingest-paths.js';
import { type AudioTranscriber, type FeedFetchSettings, type FeedOutcome, readFeed } from './read-feed.js';
import { showIdFromFeedUrl } from '../../src/shows/show-id.js';
import { TranscriptCache } from './transcript-cache.js';

/** What `ingestPaths` needs to read feeds besides the URLs (from the configuration, or tests). */
export interface FeedSettings {
  fetch: FeedFetchSettings;
  transcriber?: AudioTranscriber | undefined;
  /** Folder of the transcript cache (default: `transcriptCacheDir(indexDir)`). */
  cacheDir: string;
}

export interface FeedRun {
  /** One per feed read in this run, in the order given (library feeds last on a refresh). */
  outcomes: FeedOutcome[];
  /** The library after this run. */
  shows: Show[];
  /** Shows whose earlier episodes this run speaks for: read, unchanged (304) or removed. */
  decided: ReadonlySet<string>;
  /** Earlier episodes of decided shows that stay as they are. */
  keep: ReadonlySet<string>;
  /** Show of every new or changed episode. */
  showOf: ReadonlyMap<string, string>;
}

/** True for an ingest argument that names a URL rather than a path (`https://…`, `file:…`). */
export function isUrlArgument(argument: string): boolean {
  // Two letters at least, so a Windows drive (`C:\…`) stays a path.
  return /^[a-z][a-z0-9+.-]+:/i.test(argument);
}

/**
 * Reads the feeds named in `urls` (and, with `refresh`, every feed in the library) and decides what
 * the library holds afterwards. `remove` drops shows. A feed that fails keeps its earlier episodes
 * and library record; the outcome says why.
 * @throws PodciteError `bad_request:show` for a `remove` id the library does not hold (nothing is read then).
 */
export async function ingestFeeds(options: {
  urls: string[];
  refresh: boolean;
  remove: string[];
  previousShows: Show[];
  previousEpisodes: Episode[];
  settings: FeedSettings;
  onFeed?: ((feedUrl: string, done: number, total: number) => void) | undefined;
}): Promise<FeedRun> {
  const byId = new Map(options.previousShows.map((show) => [show.showId, show]));
  for (const showId of options.remove) {
    if (!byId.has(showId)) {
      const known = [...byId.keys()];
      throw new PodciteError(
        'bad_request:show',
        `No show "${showId}" in the library${known.length > 0 ? `; it holds: ${known.join(', ')}` : ' (it holds none)'}.`,
      );
    }
  }
  const removed = new Set(options.remove);
  const byUrl = new Map(options.previousShows.map((show) => [show.feedUrl, show]));
  const wanted: string[] = [];
  for (const url of options.urls) {
    const normalised = normaliseFeedUrl(url);
    if (!wanted.includes(normalised)) wanted.push(normalised);
  }
  if (options.refresh) {
    for (const show of options.previousShows) {
      if (!removed.has(show.showId) && !wanted.includes(show.feedUrl)) wanted.push(show.feedUrl);
    }
  }

  const cache = new TranscriptCache(options.settings.cacheDir);
  const indexedIds = new Set(options.previousEpisodes.map((episode) => episode.episodeId));
  const takenIds = new Set(indexedIds);
  const usedShowIds = new Set(options.previousShows.map((show) => show.showId));
  const outcomes: FeedOutcome[] = [];
  for (const [position, feedUrl] of wanted.entries()) {
    options.onFeed?.(feedUrl, position, wanted.length);
    const previous = byUrl.get(feedUrl);
    let showId: string;
    if (previous) showId = previous.showId;
    else {
      try {
        showId = uniqueShowId(showIdFromFeedUrl(feedUrl), usedShowIds);
      } catch {
        outcomes.push(invalidUrl(feedUrl));
        continue;
      }
    }
    usedShowIds.add(showId);
    if (removed.has(showId)) removed.delete(showId);
    outcomes.push(
      await readFeed({
        feedUrl,
        showId,
        previous,
        indexedIds,
        takenIds,
        cache,
        fetch: options.settings.fetch,
        transcriber: options.settings.transcriber,
      }),
    );
  }

  const decided = new Set<string>(removed);
  const keep = new Set<string>();
  const showOf = new Map<string, string>();
  const updated = new Map<string, Show>();
  for (const outcome of outcomes) {
    if (outcome.status === 'failed' || !outcome.show) continue;
    decided.add(outcome.showId);
    updated.set(outcome.showId, outcome.show);
    for (const id of outcome.keep) keep.add(id);
    for (const episode of outcome.parsed) showOf.set(episode.episodeId, outcome.showId);
  }
  const shows = options.previousShows
    .filter((show) => !removed.has(show.showId))
    .map((show) => updated.get(show.showId) ?? show);
  for (const [showId, show] of updated) {
    if (!byId.has(showId)) shows.push(show);
  }
  return { outcomes, shows, decided, keep, showOf };
}

/**
 * What becomes of an indexed episode of a show: `unchanged` (this run read its feed and the item is
 * the same), `keep` (this run did not read its feed, or the feed failed), `drop` (its show was
 * removed, or its item changed or left the feed; a changed item comes back as a fresh episode).
 */
export function feedEpisodeFate(
  run: FeedRun | undefined,
  episode: Pick<Episode, 'episodeId'> & { showId: string },
): 'unchanged' | 'keep' | 'drop' {
  if (!run?.decided.has(episode.showId)) return 'keep';
  return run.keep.has(episode.episodeId) ? 'unchanged' : 'drop';
}

/**
 * Completes the ingest report's line for each feed: its notes and request count, and the episodes
 * and chunks it still holds unchanged; a feed where nothing was new is `skipped-unchanged`.
 */
export function annotateFeedReports(options: {
  files: IngestFileReport[];
  outcomes: FeedOutcome[];
  /** Earlier episodes staying in the index, by the feed URL (or file) they came from. */
  kept: { file: string; chunks: Chunk[] }[];
  /** Episodes prepared in this run, by the feed URL (or file) they came from. */
  fresh: { file: string }[];
}): void {
  for (const outcome of options.outcomes) {
    const report = options.files.find((file) => file.path === outcome.feedUrl);
    if (!report) continue;
    if (outcome.notes.length > 0) report.notes = outcome.notes;
    report.requests = outcome.requests;
    if (report.status === 'failed') continue;
    const keptHere = options.kept.filter((entry) => entry.file === outcome.feedUrl);
    report.episodes += keptHere.length;
    report.chunks += keptHere.reduce((sum, entry) => sum + entry.chunks.length, 0);
    if (report.embedded === 0 && options.fresh.every((entry) => entry.file !== outcome.feedUrl)) {
      report.status = 'skipped-unchanged';
    }
  }
}

/** The URL as `new URL` writes it, so `HTTPS://Example.com/feed` and `https://example.com/feed` are one show. */
function normaliseFeedUrl(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

function uniqueShowId(base: string, used: ReadonlySet<string>): string {
  let id = base;
  for (let suffix = 2; used.has(id); suffix++) id = `${base}-${suffix}`;
  return id;
}

function invalidUrl(feedUrl: string): FeedOutcome {
  return {
    feedUrl,
    showId: '',
    status: 'failed',
    reason: `${feedUrl.slice(0, 300)}: not a valid URL`,
    show: undefined,
    parsed: [],
    keep: [],
    notes: [],
    requests: 0,
  };
}
