/**
 * `npm run bench -- feeds` (or `npx tsx bench/feed-bench.ts`): a podcast feed on loopback, sample-sized (the five bundled Latent
 * Space episodes, each as a WebVTT transcript by URL), taken the way a new user would:
 * `npm run ingest -- <feed URL>` then `npm start` and a first question, with the configured embedder
 * (offline by default). Then a refresh with no change, and one after the feed gains an episode, with
 * the requests each costs and how soon the running server answers about the new episode.
 * Prints numbers only; nothing is asserted (timings depend on the machine and its load).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingestPaths } from '../ingest/ingest-paths.js';
import { normalizeSpeakers } from '../ingest/normalize-speakers.js';
import { parseFile } from '../ingest/parse-file.js';
import { resolveTimestamps } from '../ingest/resolve-timestamps.js';
import { isEntryPoint } from '../src/cli/is-entry-point.js';
import { startPodcite } from '../src/cli/start-podcite.js';
import { loadConfig } from '../src/config.js';
import type { ParsedEpisode } from '../src/domain.js';
import { createEmbeddings, embeddingWorkerCount } from '../src/embeddings/create-embeddings.js';
import { feedXml } from '../test/support/feed-xml.js';
import { startPodcastHost } from '../test/support/podcast-host.js';

const SAMPLE = fileURLToPath(new URL('../data/latent-space-episodes.txt', import.meta.url));

function clock(seconds: number): string {
  const millis = Math.round(seconds * 1000);
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(Math.floor(millis / 3_600_000))}:${pad(Math.floor(millis / 60_000) % 60)}:${pad(Math.floor(millis / 1000) % 60)}.${pad(millis % 1000, 3)}`;
}

/** The episode's transcript as WebVTT: one cue per turn, with its speaker. */
function toWebVtt(episode: ParsedEpisode): string {
  const turns = resolveTimestamps(normalizeSpeakers(episode));
  const cues = turns.map(
    (turn) =>
      `${clock(turn.start)} --> ${clock(Math.max(turn.end, turn.start))}\n${turn.speaker ? `<v ${turn.speaker}>` : ''}${turn.text}`,
  );
  return `WEBVTT\n\n${cues.join('\n\n')}\n`;
}

/** Runs the feed bench, printing its numbers; the bench's `feeds` section. */
export async function runFeedBench(): Promise<void> {
  const load = () =>
    loadavg()
      .map((value) => value.toFixed(2))
      .join(' ');
  console.log(`feed bench ${new Date().toISOString()}; load average before: ${load()}`);
  const episodes = await parseFile(SAMPLE);
  const host = await startPodcastHost();
  const items = episodes.map((episode, index) => {
    host.set(`/t/${index}.vtt`, { body: toWebVtt(episode), type: 'text/vtt', etag: `"t${index}"` });
    return {
      guid: `ls-${index}`,
      title: episode.title,
      ...(episode.showNotes ? { description: episode.showNotes } : {}),
      transcripts: [{ url: `/t/${index}.vtt`, type: 'text/vtt' }],
    };
  });
  const publish = (count: number) => {
    const body = feedXml({ title: 'Latent Space (bench copy)', items: items.slice(0, count) });
    host.set('/feed.xml', { body, type: 'application/rss+xml', etag: `"feed-${count}"` });
  };
  publish(episodes.length - 1);
  const feedUrl = `${host.origin}/feed.xml`;

  const root = await mkdtemp(path.join(tmpdir(), 'podcite-feed-bench-'));
  const indexDir = path.join(root, 'index');
  const config = loadConfig({ INDEX_DIR: indexDir, PORT: '0', ALLOW_PRIVATE_URLS: 'true', RATE_LIMIT_PER_MINUTE: '0' });
  const feeds = { fetch: { allowPrivate: true }, cacheDir: `${indexDir}.cache` };

  // 1. `npm run ingest -- <feed URL>`
  const started = performance.now();
  const ingestEmbeddings = createEmbeddings(config, { workers: embeddingWorkerCount() });
  const first = await ingestPaths({ paths: [feedUrl], indexDir, embeddings: ingestEmbeddings, feeds });
  await ingestEmbeddings.close();
  const ingested = performance.now();
  // 2. `npm start` and a first question.
  const server = await startPodcite(config, { log: () => undefined });
  const listening = performance.now();
  const ask = async (message: string) => {
    const response = await fetch(`${server.url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message }),
    });
    return (await response.json()) as {
      citations: { episodeId: string; speaker: string | null; start: number | null }[];
    };
  };
  const answer = await ask('What win rate did Voxtral TTS get against ElevenLabs?');
  const answered = performance.now();
  console.log(
    `feed → first answer: ${((answered - started) / 1000).toFixed(1)} s (ingest ${((ingested - started) / 1000).toFixed(1)} s: ${first.files[0]?.episodes} episodes, ${first.chunks} chunks, ${first.files[0]?.requests} requests; server start ${((listening - ingested) / 1000).toFixed(1)} s; first question ${((answered - listening) / 1000).toFixed(2)} s); first citation ${JSON.stringify(answer.citations[0] ?? null)}`,
  );

  // 3. A refresh with no change (as `npm run ingest -- --refresh` while the server runs).
  const refreshEmbeddings = createEmbeddings(config, { workers: 1 });
  let before = host.requests.length;
  let timer = performance.now();
  const unchanged = await ingestPaths({ paths: [], refresh: true, indexDir, embeddings: refreshEmbeddings, feeds });
  console.log(
    `refresh, no change: ${host.requests.length - before} request(s) [${host.requests
      .slice(before)
      .map((request) => `${request.status} ${request.path}`)
      .join(', ')}], embedded ${unchanged.embedded}, ${((performance.now() - timer) / 1000).toFixed(2)} s`,
  );

  // 4. The feed gains an episode: refresh, then the running server answers about it.
  publish(episodes.length);
  const lastTitle = episodes.at(-1)!.title;
  before = host.requests.length;
  timer = performance.now();
  const swapped = server.live.nextSwap();
  const grown = await ingestPaths({ paths: [], refresh: true, indexDir, embeddings: refreshEmbeddings, feeds });
  const refreshed = performance.now();
  await swapped;
  const served = performance.now();
  console.log(
    `refresh, one new episode ("${lastTitle}"): ${host.requests.length - before} request(s) [${host.requests
      .slice(before)
      .map((request) => `${request.status} ${request.path}`)
      .join(
        ', ',
      )}], added ${grown.episodes.added.join(', ')}, embedded ${grown.embedded} chunks in ${((refreshed - timer) / 1000).toFixed(1)} s; served by the running server ${((served - refreshed) / 1000).toFixed(2)} s after the ingest finished`,
  );
  await refreshEmbeddings.close();
  await server.close();
  await host.close();
  await rm(root, { recursive: true, force: true });
  await rm(`${indexDir}.cache`, { recursive: true, force: true });
  console.log(`load average after: ${load()}`);
}

if (isEntryPoint(import.meta.url)) {
  runFeedBench().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
