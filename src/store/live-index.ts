import type { PodciteEmbeddings } from '../embeddings/podcite-embeddings.js';
import type { Logger } from '../log/create-logger.js';
import type { IndexStore } from './index-store.js';
import { loadIndex } from './load-index.js';
import type { LoadedIndex } from './loaded-index.js';

/** Anything served from one loaded index (the HTTP layer's `Serving`: index, retriever, answerer). */
export interface ServedIndex {
  index: LoadedIndex;
}

export interface LiveIndex<T extends ServedIndex> {
  /** What a request starting now is served from. */
  current(): T;
  /** Checks the store now (the poll does this every `pollMs`); resolves true when a new index was swapped in. */
  check(): Promise<boolean>;
  /** Resolves after the next successful swap (tests and the background ingest wait on it). */
  nextSwap(): Promise<T>;
  close(): void;
}

/**
 * Keeps a running server on the newest index an ingest wrote, without a restart. Polls
 * `store.version()` (for the local store, a stat of `manifest.json` a second: nothing); when it
 * changed, reopens the store, loads the new index completely and runs `build` (retriever,
 * answerer, their tables) while requests keep being served from the old one, then swaps in one
 * assignment. A request reads `current()` once when it starts, so it finishes on the index it began
 * with. A change that touches only the library (a refresh that found nothing new keeps `createdAt`)
 * updates the manifest in place. A load that fails (an ingest mid-swap) keeps the old index and is
 * retried at the next poll.
 */
export function watchIndex<T extends ServedIndex>(options: {
  store: IndexStore;
  initial: T;
  embeddings: PodciteEmbeddings;
  build: (index: LoadedIndex) => Promise<T>;
  /** Milliseconds between checks; default 1 000. */
  pollMs?: number | undefined;
  /** The server's structured log: each swap, and loads that failed (retried at the next poll). */
  logger?: Pick<Logger, 'info' | 'warn'> | undefined;
}): LiveIndex<T> {
  const { store } = options;
  let state = options.initial;
  let seen: string | undefined;
  let waiters: ((value: T) => void)[] = [];
  const logger = options.logger;

  const fingerprint = (): Promise<string | undefined> => store.version();
  // The folder as the initial index was read; a change from here on is news.
  const ready = fingerprint().then((value) => {
    seen = value;
  });

  const swap = (next: T) => {
    state = next;
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake(next);
  };

  const checkOnce = async (): Promise<boolean> => {
    await ready;
    const before = await fingerprint();
    if (before === undefined || before === seen) return false;
    let index: LoadedIndex;
    try {
      await store.reopen();
      index = await loadIndex({ store, embeddings: options.embeddings });
    } catch (error) {
      logger?.warn(
        { err: error, indexDir: store.location },
        'a new index could not be loaded yet; retrying at the next poll',
      );
      return false;
    }
    // Replaced again while it was read: the files may not belong together; the next poll reads it whole.
    if ((await fingerprint()) !== before) return false;
    seen = before;
    const old = state.index.manifest;
    if (old.createdAt === index.manifest.createdAt && old.chunkCount === index.manifest.chunkCount) {
      state.index.manifest = index.manifest;
      swap(state);
      return true;
    }
    const next = await options.build(index);
    swap(next);
    logger?.info(
      { episodes: index.manifest.episodes.length, chunks: index.manifest.chunkCount, indexDir: store.location },
      'serving the new index',
    );
    return true;
  };

  // Checks run one after another; a caller (an ingest that just finished) always gets a check that
  // starts after its call, so it cannot be answered by one that looked before the ingest wrote.
  let chain: Promise<unknown> = Promise.resolve();
  const check = (): Promise<boolean> => {
    const result = chain.then(checkOnce);
    chain = result.catch(() => undefined);
    return result;
  };

  let polling = false;
  const timer = setInterval(() => {
    if (polling) return;
    polling = true;
    check()
      .catch((error: unknown) => {
        logger?.warn({ err: error, indexDir: store.location }, 'checking for a new index failed');
      })
      .finally(() => {
        polling = false;
      });
  }, options.pollMs ?? 1_000);
  timer.unref();

  return {
    current: () => state,
    check,
    nextSwap: () => new Promise((resolve) => waiters.push(resolve)),
    close: () => clearInterval(timer),
  };
}
