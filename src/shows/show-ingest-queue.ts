import { PodciteError } from '../errors.js';
import type { ShowIngestStatus, ShowIngests } from '../http/show-ingests.js';
import type { Logger } from '../log/create-logger.js';
import { checkUrl } from '../net/fetch-url.js';
import { showIdFromFeedUrl } from './show-id.js';

/** What the queue reads of an ingest's progress (`IngestProgress` of `ingest/ingest-paths.ts` fits). */
export type ShowIngestProgress =
  | { phase: 'parse' }
  | { phase: 'embed'; chunksDone: number; chunksTotal: number }
  | { phase: 'write' };

/** What the queue reads of an ingest's report (`IngestReport` fits): the feed's line. */
export interface ShowIngestReport {
  files: ReadonlyArray<{
    path: string;
    status: string;
    episodes: number;
    chunks: number;
    embedded: number;
    reason?: string | undefined;
    notes?: string[] | undefined;
  }>;
}

/** Ingests waiting behind the running one; more are refused (`unavailable:shows_busy`). */
const MAX_WAITING = 10;

export interface ShowIngestQueueOptions {
  /** ALLOW_PRIVATE_URLS: checked when a feed is added, so a refusal is a 400 rather than a failed job. */
  allowPrivate: boolean;
  /** Runs one ingest of the feed (the server wires `ingestPaths` with its own embedder). */
  ingest: (feedUrl: string, onProgress: (event: ShowIngestProgress) => void) => Promise<ShowIngestReport>;
  /** The show id the library already gives this feed URL, if any. */
  knownShowId: (feedUrl: string) => string | undefined;
  /** Awaited after a successful ingest: load the new index so the show is served when the job says done. */
  afterIngest?: (() => Promise<void>) | undefined;
  /** The server's structured log: each ingest's start, end and failure (with its stack, which clients never see). */
  logger?: Pick<Logger, 'info' | 'warn' | 'error'> | undefined;
}

/**
 * `POST /api/shows`' background ingests, run one at a time in the server process (two ingests
 * would fight over the index lock and the two cores); later ones queue. The status of each show's
 * latest ingest is kept for `GET /api/shows/:showId`.
 */
export class ShowIngestQueue implements ShowIngests {
  private readonly statuses = new Map<string, ShowIngestStatus>();
  private readonly waiting: ShowIngestStatus[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly options: ShowIngestQueueOptions) {}

  async add(feedUrl: string): Promise<ShowIngestStatus> {
    let normalised: string;
    try {
      normalised = new URL(feedUrl).href;
    } catch {
      throw new PodciteError('bad_request:url', `${feedUrl.slice(0, 300)}: not a valid URL`);
    }
    await checkUrl({ url: normalised, allowPrivate: this.options.allowPrivate });
    const showId = this.options.knownShowId(normalised) ?? showIdFromFeedUrl(normalised);
    const existing = this.statuses.get(showId);
    if (existing && (existing.state === 'queued' || existing.state === 'running')) return existing;
    if (this.waiting.length >= MAX_WAITING) {
      throw new PodciteError(
        'unavailable:shows_busy',
        `${this.waiting.length} feeds are already waiting to be ingested; try again when they are done.`,
      );
    }
    const status: ShowIngestStatus = {
      showId,
      feedUrl: normalised,
      state: 'queued',
      phase: 'waiting',
      done: null,
      total: null,
      message: null,
      notes: [],
      queuedAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
    };
    this.statuses.set(showId, status);
    this.waiting.push(status);
    this.running ??= this.drain();
    return status;
  }

  status(showId: string): ShowIngestStatus | undefined {
    return this.statuses.get(showId);
  }

  /** Resolves when nothing is queued or running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    try {
      for (let next = this.waiting.shift(); next; next = this.waiting.shift()) await this.runOne(next);
    } finally {
      this.running = undefined;
    }
  }

  private async runOne(status: ShowIngestStatus): Promise<void> {
    status.state = 'running';
    status.phase = 'reading';
    status.startedAt = new Date().toISOString();
    const about = { showId: status.showId, feedUrl: status.feedUrl };
    this.options.logger?.info(about, 'feed ingest started');
    try {
      const report = await this.options.ingest(status.feedUrl, (event) => {
        if (event.phase === 'embed') {
          status.phase = 'embedding';
          status.done = event.chunksDone;
          status.total = event.chunksTotal;
        } else if (event.phase === 'write') {
          status.phase = 'writing';
          status.done = null;
          status.total = null;
        }
      });
      const file = report.files.find((entry) => entry.path === status.feedUrl);
      status.notes = file?.notes ?? [];
      if (!file || file.status === 'failed') {
        status.state = 'failed';
        status.message = file?.reason ?? 'The feed was not read.';
        this.options.logger?.warn({ ...about, reason: status.message, notes: status.notes }, 'feed ingest failed');
      } else {
        status.phase = 'loading';
        await this.options.afterIngest?.();
        status.state = 'done';
        status.message = `${plural(file.episodes, 'episode')}, ${plural(file.chunks, 'passage')} (${file.embedded} newly indexed).`;
        this.options.logger?.info(
          {
            ...about,
            episodes: file.episodes,
            chunks: file.chunks,
            embedded: file.embedded,
            notes: status.notes.length,
          },
          'feed ingest done',
        );
      }
    } catch (error) {
      status.state = 'failed';
      status.message = error instanceof PodciteError ? error.message : 'The ingest failed; see the server log.';
      this.options.logger?.error({ ...about, err: error }, 'feed ingest failed');
    } finally {
      status.phase = 'finished';
      status.finishedAt = new Date().toISOString();
    }
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
