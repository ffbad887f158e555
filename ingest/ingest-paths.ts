import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Chunk, Episode, ParsedEpisode, Show } from '../src/domain.js';
import type { PodciteEmbeddings } from '../src/embeddings/podcite-embeddings.js';
import { PodciteError } from '../src/errors.js';
import { checkEmbedder } from '../src/store/check-embedder.js';
import type { IndexManifest, IndexStore } from '../src/store/index-store.js';
import { openLocalIndexStore } from '../src/store/local-index-store.js';
import { embeddingText } from '../src/util/chunk-text.js';
import { collectFiles } from './collect-files.js';
import {
  annotateFeedReports,
  type FeedRun,
  type FeedSettings,
  feedEpisodeFate,
  ingestFeeds,
  isUrlArgument,
} from './feeds/ingest-feeds.js';
import { transcriptCacheDir } from './feeds/transcript-cache.js';
import { parseFile } from './parse-file.js';
import { prepareEpisode } from './prepare-episode.js';

/** What the ingest reads of the index it updates. */
interface PreviousIndex {
  summary: IndexManifest;
  manifest: { episodes: Episode[]; shows: Show[] };
  /** In the store's order. */
  chunks: Chunk[];
}

/** Texts per `embedDocuments` call: small enough for a smooth progress bar, large enough to keep two workers busy. */
const EMBED_SLICE = 32;
/** Slices in flight at once; the worker pool (or the OpenAI client) queues them. */
const EMBED_CONCURRENCY = 4;

export type IngestFileStatus = 'ok' | 'failed' | 'skipped-unchanged';

export interface IngestFileReport {
  /** The file as given or found, relative to the working directory when inside it. */
  path: string;
  status: IngestFileStatus;
  episodes: number;
  chunks: number;
  /** Chunks whose vectors were computed in this run (the rest reused stored vectors). */
  embedded: number;
  /** Why the file failed (only when `status` is `failed`). */
  reason?: string;
  /** Problems that did not fail the file, each naming its URL (feeds: a transcript that answered 404…). */
  notes?: string[];
  /** HTTP requests made for a feed and its items. */
  requests?: number;
}

export interface IngestReport {
  indexDir: string;
  embedder: string;
  files: IngestFileReport[];
  /** Episode ids by what happened to them. `kept`: from files outside this run's paths, left as they were. */
  episodes: { added: string[]; updated: string[]; unchanged: string[]; removed: string[]; kept: string[] };
  /** Chunks in the index after the run. */
  chunks: number;
  /** Vectors computed in this run. */
  embedded: number;
  /** Vectors taken from the previous index. */
  reused: number;
  /** True when the run started from nothing: `rebuild`, no previous index, or a damaged one. */
  rebuilt: boolean;
  /** Set when the previous index could not be read and was replaced. */
  previousIndexProblem?: string;
  /** False when nothing changed, so the index on disk was left untouched. */
  written: boolean;
}

/** What the pipeline is doing, for progress displays. */
export type IngestProgress =
  | { phase: 'parse'; filesDone: number; filesTotal: number; file: string }
  | { phase: 'embed'; chunksDone: number; chunksTotal: number; episodesDone: number; episodesTotal: number }
  | { phase: 'write'; chunks: number; episodes: number };

interface PreparedEpisode {
  episode: Episode;
  chunks: Chunk[];
  /** Absolute path of the file it came from. */
  file: string;
}

interface FileOutcome {
  file: string;
  parsed: ParsedEpisode[] | undefined;
  reason?: string;
}

/**
 * Ingests files and folders into the index at `indexDir`, incrementally: episodes whose content
 * hash is unchanged keep their stored vectors, new and changed ones are embedded, episodes whose file
 * is gone or no longer contains them are dropped; episodes from files outside `paths` stay. A file
 * that fails to parse is reported and skipped (its previously indexed episodes stay); the rest land.
 * The store applies the run as one change (`IndexStore.write`), so an interrupted run leaves the previous index usable.
 * @throws PodciteError `index:embedder_mismatch` when the existing index was built by another
 * embedder and `rebuild` is not set; `index:busy` when another ingest holds the lock.
 */
export async function ingestPaths(options: {
  /** Files, folders and feed URLs (http/https; see `ingest/feeds/`). */
  paths: string[];
  /** Re-read every feed in the library too (conditional GET; only new or changed items are fetched). */
  refresh?: boolean | undefined;
  /** Show ids to drop from the library, with their episodes. */
  removeShows?: string[] | undefined;
  /** How feeds are fetched and audio transcribed; default: public addresses only, no transcription. */
  feeds?: FeedSettings | undefined;
  /** The local index folder: where the index is kept unless `store` is given, and beside it the feeds' cache. */
  indexDir: string;
  /** Where the index is kept; default the local store in `indexDir`. */
  store?: IndexStore | undefined;
  embeddings: PodciteEmbeddings;
  /** Ignore the existing index and embed everything again. */
  rebuild?: boolean | undefined;
  onProgress?: ((event: IngestProgress) => void) | undefined;
}): Promise<IngestReport> {
  const { embeddings } = options;
  const indexDir = path.resolve(options.indexDir);
  const inputs = options.paths.filter((input) => !isUrlArgument(input)).map((input) => path.resolve(input));
  const feedUrls = options.paths.filter(isUrlArgument);
  const store = options.store ?? openLocalIndexStore({ dir: indexDir });
  const lock = await store.lockForWriting();
  try {
    const { previous, problem } = options.rebuild
      ? { previous: undefined, problem: undefined }
      : await readPrevious(store, embeddings);

    let feedRun: FeedRun | undefined;
    // A rebuild starts from no index but keeps the library: its feeds are read again (from the cache).
    const previousShows = options.rebuild ? await store.listShows().catch(() => []) : (previous?.manifest.shows ?? []);
    const rebuildFeeds = options.rebuild === true && previousShows.length > 0;
    if (feedUrls.length > 0 || options.refresh || rebuildFeeds || (options.removeShows ?? []).length > 0) {
      feedRun = await ingestFeeds({
        urls: feedUrls,
        refresh: (options.refresh ?? false) || rebuildFeeds,
        remove: options.removeShows ?? [],
        previousShows,
        previousEpisodes: previous?.manifest.episodes ?? [],
        settings: options.feeds ?? { fetch: { allowPrivate: false }, cacheDir: transcriptCacheDir(indexDir) },
        onFeed: (feedUrl, filesDone, filesTotal) =>
          options.onProgress?.({ phase: 'parse', filesDone, filesTotal, file: feedUrl }),
      });
    }
    // Feeds first: their episode ids are remembered in the library, so a file must not take one.
    const outcomes: FileOutcome[] = (feedRun?.outcomes ?? []).map((outcome) => ({
      file: outcome.feedUrl,
      parsed: outcome.status === 'failed' ? undefined : outcome.parsed,
      ...(outcome.reason ? { reason: outcome.reason } : {}),
    }));
    outcomes.push(...(await parseAll(inputs, options.onProgress)));
    const parsedFiles = new Set(outcomes.filter((outcome) => outcome.parsed).map((outcome) => outcome.file));
    const failedFiles = new Set(outcomes.filter((outcome) => !outcome.parsed).map((outcome) => outcome.file));

    // Episodes of the previous index that this run's files do not speak for.
    const kept: PreparedEpisode[] = [];
    const removed: string[] = [];
    const feedDropped: string[] = [];
    /** Feed episodes this run checked and found unchanged (not merely left alone). */
    const feedUnchanged: string[] = [];
    if (previous) {
      const chunksByEpisode = groupChunks(previous.chunks);
      for (const episode of previous.manifest.episodes) {
        if (episode.showId !== undefined) {
          // A feed's episode: the feed run decides, not the file system.
          const fate = feedEpisodeFate(feedRun, { ...episode, showId: episode.showId });
          if (fate === 'drop') feedDropped.push(episode.episodeId);
          else kept.push({ episode, chunks: chunksByEpisode.get(episode.episodeId) ?? [], file: episode.source });
          if (fate === 'unchanged') feedUnchanged.push(episode.episodeId);
          continue;
        }
        const file = path.resolve(episode.source);
        const keep =
          failedFiles.has(file) ||
          (!parsedFiles.has(file) && !inputs.some((input) => isInside(file, input)) && (await fileExists(file)));
        if (keep) kept.push({ episode, chunks: chunksByEpisode.get(episode.episodeId) ?? [], file });
        else if (!parsedFiles.has(file)) removed.push(episode.episodeId);
      }
    }

    const fresh = prepareAll(outcomes, new Set(kept.map((entry) => entry.episode.episodeId)));
    const previousEpisodes = new Map(previous?.manifest.episodes.map((episode) => [episode.episodeId, episode]));
    const freshIds = new Set(fresh.map((entry) => entry.episode.episodeId));
    removed.push(...feedDropped.filter((id) => !freshIds.has(id)));
    const showByFeed = new Map(feedRun?.outcomes.map((outcome) => [outcome.feedUrl, outcome.showId]));
    for (const entry of fresh) {
      const showId = showByFeed.get(entry.file);
      if (showId) entry.episode.showId = showId;
    }
    for (const episode of previous?.manifest.episodes ?? []) {
      if (
        episode.showId === undefined &&
        parsedFiles.has(path.resolve(episode.source)) &&
        !freshIds.has(episode.episodeId)
      ) {
        removed.push(episode.episodeId);
      }
    }

    const stored = previous ? await storedVectors(store, previous) : new Map<string, Float32Array>();
    const vectors = await embedMissing({ entries: fresh, stored, embeddings, onProgress: options.onProgress });

    const added: string[] = [];
    const updated: string[] = [];
    const unchanged: string[] = [];
    for (const { episode } of fresh) {
      const before = previousEpisodes.get(episode.episodeId);
      if (!before) added.push(episode.episodeId);
      else if (before.contentHash === episode.contentHash) unchanged.push(episode.episodeId);
      else updated.push(episode.episodeId);
    }

    const files = outcomes.map((outcome): IngestFileReport => {
      const display = displayPath(outcome.file);
      if (!outcome.parsed) {
        return { path: display, status: 'failed', episodes: 0, chunks: 0, embedded: 0, reason: outcome.reason ?? '' };
      }
      const own = fresh.filter((entry) => entry.file === outcome.file);
      const chunkCount = own.reduce((sum, entry) => sum + entry.chunks.length, 0);
      const embedded = own.reduce((sum, entry) => sum + vectors.embeddedByEpisode.get(entry.episode.episodeId)!, 0);
      const same =
        own.length > 0 &&
        embedded === 0 &&
        own.every((entry) => {
          const before = previousEpisodes.get(entry.episode.episodeId);
          return before?.contentHash === entry.episode.contentHash && before.source === entry.episode.source;
        });
      return {
        path: display,
        status: same ? 'skipped-unchanged' : 'ok',
        episodes: own.length,
        chunks: chunkCount,
        embedded,
      };
    });

    if (feedRun) annotateFeedReports({ files, outcomes: feedRun.outcomes, kept, fresh });

    const final = [...fresh, ...kept];
    const chunks = final.flatMap((entry) => entry.chunks);
    const checkedUnchanged = new Set(feedUnchanged);
    const report: IngestReport = {
      indexDir: store.location,
      embedder: embeddings.id,
      files,
      episodes: {
        added,
        updated,
        unchanged: [...unchanged, ...feedUnchanged],
        removed,
        kept: kept.map((entry) => entry.episode.episodeId).filter((id) => !checkedUnchanged.has(id)),
      },
      chunks: chunks.length,
      embedded: vectors.embedded,
      reused: chunks.length - vectors.embeddedChunks,
      rebuilt: !previous,
      written: false,
      ...(problem ? { previousIndexProblem: problem } : {}),
    };

    const episodes = final.map((entry) => entry.episode);
    const shows = feedRun?.shows ?? previous?.manifest.shows ?? [];
    const nothingChanged =
      previous !== undefined &&
      !previous.summary.stale &&
      sameJson(previous.manifest.episodes, episodes) &&
      sameJson(previous.chunks, chunks);
    if (nothingChanged && !sameJson(previous.manifest.shows ?? [], shows)) {
      // Only the library's bookkeeping moved (a refresh that found nothing new): no index rebuild.
      await store.write({ embedder: { id: embeddings.id, dimension: previous.summary.dimension }, shows });
      return report;
    }
    // A first run where every file failed writes nothing: an empty index would hide the failure from `npm start`.
    if (nothingChanged || (!previous && chunks.length === 0 && files.every((file) => file.status === 'failed'))) {
      return report;
    }

    const chunkVectors = chunks.map((chunk) => vectors.byText.get(textKey(embeddingText(chunk)))!);
    const dimension = chunkVectors[0]?.length ?? previous?.summary.dimension ?? embeddings.dimension;
    if (dimension <= 0) {
      throw new PodciteError(
        'internal:ingest',
        'Cannot write an empty index before the embedder reports its dimension.',
      );
    }
    for (const vector of chunkVectors) {
      if (vector.length !== dimension) {
        throw new PodciteError(
          'unavailable:embeddings',
          `The embedder returned vectors of length ${vector.length} and ${dimension}.`,
        );
      }
    }
    options.onProgress?.({ phase: 'write', chunks: chunks.length, episodes: episodes.length });
    // This run's episodes first, then the ones kept, as the store keeps them: chunk order decides ties.
    let offset = 0;
    const put = fresh.map((entry) => {
      const record = {
        episode: entry.episode,
        chunks: entry.chunks,
        vectors: chunkVectors.slice(offset, offset + entry.chunks.length),
      };
      offset += entry.chunks.length;
      return record;
    });
    const finalIds = new Set(episodes.map((episode) => episode.episodeId));
    await store.write({
      embedder: { id: embeddings.id, dimension },
      put,
      remove: (previous?.manifest.episodes ?? [])
        .map((episode) => episode.episodeId)
        .filter((episodeId) => !finalIds.has(episodeId)),
      shows,
      replaceAll: previous === undefined,
    });
    report.written = true;
    return report;
  } finally {
    await lock.release();
  }
}

async function readPrevious(
  store: IndexStore,
  embeddings: PodciteEmbeddings,
): Promise<{ previous: PreviousIndex | undefined; problem: string | undefined }> {
  try {
    // Read after taking the lock: what another writer finished before is the starting point.
    await store.reopen();
    const summary = await store.manifest();
    if (!summary) return { previous: undefined, problem: undefined };
    checkEmbedder(summary, embeddings, store.location);
    const [episodes, shows] = await Promise.all([store.listEpisodes(), store.listShows()]);
    const chunks: Chunk[] = [];
    for await (const chunk of store.scanChunks()) chunks.push(chunk);
    return { previous: { summary, manifest: { episodes, shows }, chunks }, problem: undefined };
  } catch (error) {
    if (!(error instanceof PodciteError)) throw error;
    // Mixing two embedders' vectors in one index would make every search meaningless.
    if (error.code === 'index:embedder_mismatch') throw error;
    // A damaged index has nothing worth keeping; build a fresh one rather than refuse.
    return { previous: undefined, problem: error.message };
  }
}

async function parseAll(
  inputs: string[],
  onProgress: ((event: IngestProgress) => void) | undefined,
): Promise<FileOutcome[]> {
  const outcomes: FileOutcome[] = [];
  const files: string[] = [];
  for (const input of inputs) {
    try {
      for (const file of await collectFiles([input])) files.push(path.resolve(file));
    } catch (error) {
      outcomes.push({ file: input, parsed: undefined, reason: reasonOf(error) });
    }
  }
  const unique = [...new Set(files)];
  for (const [index, file] of unique.entries()) {
    onProgress?.({ phase: 'parse', filesDone: index, filesTotal: unique.length, file: displayPath(file) });
    try {
      outcomes.push({ file, parsed: await parseFile(file) });
    } catch (error) {
      outcomes.push({ file, parsed: undefined, reason: reasonOf(error) });
    }
  }
  return outcomes;
}

/**
 * Runs `prepareEpisode` on every parsed episode. An id already used by another episode (two files
 * with the same title) gets a numeric suffix, so chunk ids stay unique.
 */
function prepareAll(outcomes: FileOutcome[], takenIds: Set<string>): PreparedEpisode[] {
  const taken = new Set(takenIds);
  const prepared: PreparedEpisode[] = [];
  for (const outcome of outcomes) {
    for (const parsed of outcome.parsed ?? []) {
      let episodeId = parsed.episodeId;
      for (let suffix = 2; taken.has(episodeId); suffix++) episodeId = `${parsed.episodeId}-${suffix}`;
      taken.add(episodeId);
      const { episode, chunks } = prepareEpisode(episodeId === parsed.episodeId ? parsed : { ...parsed, episodeId }, {
        source: displayPath(outcome.file),
      });
      prepared.push({ episode, chunks, file: outcome.file });
    }
  }
  return prepared;
}

/**
 * The key a text's vector is filed under: a digest, not the text, so a catalogue's ingest does not hold
 * every chunk's embedding text (a copy with the speaker's name in front) a second time.
 */
function textKey(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}

/** Element-wise `JSON.stringify` equality, without building one string of a whole catalogue. */
function sameJson(left: readonly unknown[], right: readonly unknown[]): boolean {
  return (
    left.length === right.length &&
    left.every((value, position) => JSON.stringify(value) === JSON.stringify(right[position]))
  );
}

/** Stored vectors keyed by the text they embed: an unchanged text never needs embedding again. */
async function storedVectors(store: IndexStore, previous: PreviousIndex): Promise<Map<string, Float32Array>> {
  const byId = await store.readVectors(previous.chunks.map((chunk) => chunk.chunkId));
  const byText = new Map<string, Float32Array>();
  for (const chunk of previous.chunks) {
    const vector = byId.get(chunk.chunkId);
    if (vector) byText.set(textKey(embeddingText(chunk)), vector);
  }
  return byText;
}

async function embedMissing(options: {
  entries: PreparedEpisode[];
  stored: Map<string, Float32Array>;
  embeddings: PodciteEmbeddings;
  onProgress: ((event: IngestProgress) => void) | undefined;
}): Promise<{
  /** Vectors by `textKey` of the text they embed. */
  byText: Map<string, Float32Array>;
  embedded: number;
  embeddedChunks: number;
  embeddedByEpisode: Map<string, number>;
}> {
  const { entries, stored, embeddings, onProgress } = options;
  const byText = new Map(stored);
  const embeddedByEpisode = new Map<string, number>();
  const owner = new Map<string, string>();
  const pendingByEpisode = new Map<string, number>();
  const slices: { episodeId: string; texts: string[] }[] = [];
  let embeddedChunks = 0;
  for (const { episode, chunks } of entries) {
    const texts: string[] = [];
    let needing = 0;
    for (const chunk of chunks) {
      const text = embeddingText(chunk);
      const key = textKey(text);
      if (stored.has(key)) continue;
      needing++;
      if (owner.has(key)) continue;
      owner.set(key, episode.episodeId);
      texts.push(text);
    }
    embeddedChunks += needing;
    embeddedByEpisode.set(episode.episodeId, needing);
    if (texts.length === 0) continue;
    pendingByEpisode.set(episode.episodeId, texts.length);
    // Similar lengths in one slice, so the embedder's batches carry little padding.
    texts.sort((a, b) => a.length - b.length);
    for (let start = 0; start < texts.length; start += EMBED_SLICE) {
      slices.push({ episodeId: episode.episodeId, texts: texts.slice(start, start + EMBED_SLICE) });
    }
  }

  const chunksTotal = owner.size;
  const episodesTotal = pendingByEpisode.size;
  let chunksDone = 0;
  let episodesDone = 0;
  if (chunksTotal > 0) onProgress?.({ phase: 'embed', chunksDone, chunksTotal, episodesDone, episodesTotal });
  let next = 0;
  const runner = async () => {
    while (next < slices.length) {
      const slice = slices[next++]!;
      const vectors = await embeddings.embedDocumentsPacked(slice.texts);
      if (vectors.length !== slice.texts.length) {
        throw new PodciteError(
          'unavailable:embeddings',
          `The embedder returned ${vectors.length} vectors for ${slice.texts.length} texts.`,
        );
      }
      slice.texts.forEach((text, index) => {
        byText.set(textKey(text), vectors[index]!);
      });
      chunksDone += slice.texts.length;
      const left = pendingByEpisode.get(slice.episodeId)! - slice.texts.length;
      pendingByEpisode.set(slice.episodeId, left);
      if (left === 0) episodesDone++;
      onProgress?.({ phase: 'embed', chunksDone, chunksTotal, episodesDone, episodesTotal });
    }
  };
  await Promise.all(Array.from({ length: Math.min(EMBED_CONCURRENCY, slices.length) }, runner));
  return { byText, embedded: chunksTotal, embeddedChunks, embeddedByEpisode };
}

function groupChunks(chunks: Chunk[]): Map<string, Chunk[]> {
  const groups = new Map<string, Chunk[]>();
  for (const chunk of chunks) {
    const group = groups.get(chunk.episodeId);
    if (group) group.push(chunk);
    else groups.set(chunk.episodeId, [chunk]);
  }
  return groups;
}

function isInside(file: string, folderOrFile: string): boolean {
  const relative = path.relative(folderOrFile, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

async function fileExists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** Relative to the working directory when inside it, so manifests and reports read naturally. */
function displayPath(file: string): string {
  if (isUrlArgument(file)) return file;
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
