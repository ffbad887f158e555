/** Where a background feed ingest (POST /api/shows) stands, as `GET /api/shows/:showId` reports it. */
export interface ShowIngestStatus {
  showId: string;
  feedUrl: string;
  /** queued → running → done | failed. */
  state: 'queued' | 'running' | 'done' | 'failed';
  /** What a running ingest is doing: reading the feed, embedding, writing the index, loading it to serve. */
  phase: 'waiting' | 'reading' | 'embedding' | 'writing' | 'loading' | 'finished';
  /** Progress of the phase (chunks embedded of the total), when known. */
  done: number | null;
  total: number | null;
  /** Why it failed, or a one-line summary when done. */
  message: string | null;
  /** Problems that did not fail it, each naming its URL (a transcript that answered 404…). */
  notes: string[];
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** Background feed ingests, one at a time (see `src/shows/show-ingest-queue.ts`). */
export interface ShowIngests {
  /**
   * Queues an ingest of the feed (or returns the one already queued or running for it).
   * @throws PodciteError `bad_request:url` / `bad_request:private_url` for a URL that will not be fetched,
   * `unavailable:shows_busy` when the queue is full.
   */
  add(feedUrl: string): Promise<ShowIngestStatus>;
  /** The latest ingest of a show, if there was one since the server started. */
  status(showId: string): ShowIngestStatus | undefined;
}
