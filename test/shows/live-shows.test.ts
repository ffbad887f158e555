import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { transcriptCacheDir } from '../../ingest/feeds/transcript-cache.js';
import { ingestPaths } from '../../ingest/ingest-paths.js';
import { type RunningPodcite, startPodcite } from '../../src/cli/start-podcite.js';
import { loadConfig } from '../../src/config.js';
import type { ShowIngestStatus } from '../../src/http/show-ingests.js';
import { ShowIngestQueue } from '../../src/shows/show-ingest-queue.js';
import { type FeedItem, feedXml, vttTranscript } from '../support/feed-xml.js';
import { HashingEmbeddings } from '../support/hashing-embeddings.js';
import { type PodcastHost, startPodcastHost } from '../support/podcast-host.js';

let host: PodcastHost;
let root: string;
let indexDir: string;
let embeddings: HashingEmbeddings;
let server: RunningPodcite;
/** The server's structured log, one JSON record a line. */
const logLines: string[] = [];

const kitchenItems: FeedItem[] = [
  {
    guid: 'k-1',
    title: 'Sourdough starters',
    transcripts: [{ url: '/k/sourdough.vtt', type: 'text/vtt' }],
    enclosure: { url: '/k/sourdough.mp3' },
  },
];

function hostKitchen(items: FeedItem[]) {
  const body = feedXml({ title: 'Kitchen Science', items });
  host.set('/kitchen/feed.xml', { body, type: 'application/rss+xml', etag: `"${body.length}"` });
}

beforeAll(async () => {
  host = await startPodcastHost();
  root = await mkdtemp(path.join(tmpdir(), 'podcite-live-'));
  indexDir = path.join(root, 'index');
  embeddings = new HashingEmbeddings();
  host.set('/k/sourdough.vtt', {
    body: vttTranscript(
      ['A sourdough starter is flour and water left to ferment.', 'Feed it every day at room temperature.'],
      {
        speakers: ['Chef Ana', 'Sam'],
      },
    ),
    type: 'text/vtt',
  });
  hostKitchen(kitchenItems);
  await ingestPaths({
    paths: [`${host.origin}/kitchen/feed.xml`],
    indexDir,
    embeddings,
    feeds: { fetch: { allowPrivate: true }, cacheDir: transcriptCacheDir(indexDir) },
  });
  const config = loadConfig({ INDEX_DIR: indexDir, PORT: '0', ALLOW_PRIVATE_URLS: 'true', RATE_LIMIT_PER_MINUTE: '0' });
  server = await startPodcite(config, { embeddings, log: (line) => logLines.push(line), pollMs: 100 });
});

afterAll(async () => {
  await server?.showIngests.idle();
  await server?.close();
  await host.close();
  await rm(root, { recursive: true, force: true });
  await rm(transcriptCacheDir(indexDir), { recursive: true, force: true });
});

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

function post(pathname: string, body: unknown): Promise<Response> {
  return fetch(`${server.url}${pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

interface ChatBody {
  citations: { episodeId: string; speaker: string | null; start: number | null }[];
}

describe('a library of shows on a live server', () => {
  test('GET /api/shows lists the show; /api/episodes items carry its showId', async () => {
    const showId = `127-0-0-1-${new URL(host.origin).port}-kitchen`;
    const { shows } = await json<{ shows: Record<string, unknown>[] }>(await fetch(`${server.url}/api/shows`));
    expect(shows).toStrictEqual([
      {
        showId,
        title: 'Kitchen Science',
        feedUrl: `${host.origin}/kitchen/feed.xml`,
        episodes: 1,
        lastRefreshed: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        author: null,
        image: null,
      },
    ]);
    const { episodes } = await json<{ episodes: { episodeId: string; showId: string | null }[] }>(
      await fetch(`${server.url}/api/episodes`),
    );
    expect(episodes.map(({ episodeId, showId: show }) => [episodeId, show])).toStrictEqual([
      ['sourdough-starters', showId],
    ]);
  });

  test('a refresh written by another ingest is served within seconds, with zero failed requests meanwhile', async () => {
    host.set('/k/knives.vtt', {
      body: vttTranscript(['Sharpen a chef knife at a fifteen degree angle on a whetstone.'], {
        speakers: ['Chef Ana'],
      }),
      type: 'text/vtt',
    });
    hostKitchen([
      { guid: 'k-2', title: 'Knife sharpening', transcripts: [{ url: '/k/knives.vtt', type: 'text/vtt' }] },
      ...kitchenItems,
    ]);

    let stop = false;
    const statuses: number[] = [];
    const load = async () => {
      while (!stop) {
        const responses = await Promise.all([
          post('/api/chat', { message: 'How often do you feed a sourdough starter?' }),
          post('/api/search', { query: 'whetstone angle', k: 3 }),
          fetch(`${server.url}/api/episodes`),
        ]);
        for (const response of responses) {
          statuses.push(response.status);
          await response.arrayBuffer();
        }
      }
    };
    const clients = Array.from({ length: 4 }, load);
    const swapped = server.live.nextSwap();
    const report = await ingestPaths({
      paths: [],
      refresh: true,
      indexDir,
      embeddings,
      feeds: { fetch: { allowPrivate: true }, cacheDir: transcriptCacheDir(indexDir) },
    });
    expect(report.episodes.added).toStrictEqual(['knife-sharpening']);
    await swapped;
    // Keep the load going across and after the switch.
    await new Promise((resolve) => setTimeout(resolve, 300));
    stop = true;
    await Promise.all(clients);
    expect(statuses.length).toBeGreaterThan(20);
    expect(statuses.filter((status) => status !== 200)).toStrictEqual([]);

    const answer = await json<ChatBody>(
      await post('/api/chat', { message: 'What angle do you sharpen a chef knife at?' }),
    );
    expect(answer.citations[0]).toMatchObject({ episodeId: 'knife-sharpening', speaker: 'Chef Ana', start: 0 });
  });

  test('POST /api/shows ingests a feed in the background; progress at GET /api/shows/:showId', async () => {
    host.set('/garden/feed.xml', {
      body: feedXml({
        title: 'Garden Hour',
        items: [{ guid: 'g-1', title: 'Tomatoes', transcripts: [{ url: '/g/tomatoes.vtt', type: 'text/vtt' }] }],
      }),
      type: 'application/rss+xml',
    });
    host.set('/g/tomatoes.vtt', {
      body: vttTranscript(['Tomatoes need six hours of sun a day.'], { speakers: ['Gardener Lee'] }),
      type: 'text/vtt',
    });
    const accepted = await post('/api/shows', { feedUrl: `${host.origin}/garden/feed.xml` });
    expect(accepted.status).toBe(202);
    const status = await json<ShowIngestStatus>(accepted);
    expect(status.feedUrl).toBe(`${host.origin}/garden/feed.xml`);
    // The queue was empty, so it may have started before the answer was written.
    expect(['queued', 'running']).toContain(status.state);
    expect(accepted.headers.get('location')).toBe(`/api/shows/${status.showId}`);

    let progress: { ingest: ShowIngestStatus; show: { episodes: number } | null } | undefined;
    for (let attempt = 0; attempt < 100; attempt++) {
      progress = await json(await fetch(`${server.url}/api/shows/${status.showId}`));
      if (progress?.ingest.state === 'done' || progress?.ingest.state === 'failed') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(progress?.ingest).toMatchObject({ state: 'done', phase: 'finished', notes: [] });
    // Done means served: the show is in the library the server answers from.
    expect(progress?.show).toMatchObject({ title: 'Garden Hour', episodes: 1 });
    const answer = await json<ChatBody>(
      await post('/api/chat', { message: 'How many hours of sun do tomatoes need?' }),
    );
    expect(answer.citations[0]).toMatchObject({ episodeId: 'tomatoes', speaker: 'Gardener Lee' });
    const { shows } = await json<{ shows: { title: string }[] }>(await fetch(`${server.url}/api/shows`));
    expect(shows.map((show) => show.title)).toStrictEqual(['Kitchen Science', 'Garden Hour']);
  });

  test('after a live swap /metrics counts the index served now, /readyz stays 200, the log has the ingest', async () => {
    const gauge = async (name: string) => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      return Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1]);
    };
    const chunksBefore = await gauge('podcite_index_chunks');
    const episodesBefore = await gauge('podcite_index_episodes');
    expect(chunksBefore).toBe(server.live.current().index.manifest.chunkCount);
    host.set('/bees/feed.xml', {
      body: feedXml({
        title: 'Bee Keeping',
        items: [{ guid: 'b-1', title: 'Swarms', transcripts: [{ url: '/b/swarms.vtt', type: 'text/vtt' }] }],
      }),
      type: 'application/rss+xml',
    });
    host.set('/b/swarms.vtt', {
      body: vttTranscript(['A swarm is half a colony leaving with the old queen.', 'Catch it in a box at dusk.'], {
        speakers: ['Keeper Jo'],
      }),
      type: 'text/vtt',
    });
    const accepted = await json<ShowIngestStatus>(
      await post('/api/shows', { feedUrl: `${host.origin}/bees/feed.xml` }),
    );
    await server.showIngests.idle();
    expect(server.showIngests.status(accepted.showId)?.state).toBe('done');
    expect(await gauge('podcite_index_episodes')).toBe(episodesBefore + 1);
    expect(await gauge('podcite_index_chunks')).toBeGreaterThan(chunksBefore);
    expect(await gauge('podcite_index_chunks')).toBe(server.live.current().index.manifest.chunkCount);
    const ready = await fetch(`${server.url}/readyz`);
    expect([ready.status, await ready.json()]).toStrictEqual([200, { status: 'ready' }]);

    const records = logLines.flatMap((line) =>
      line.startsWith('{') ? [JSON.parse(line) as Record<string, unknown>] : [],
    );
    expect(records).toContainEqual(
      expect.objectContaining({ level: 'info', msg: 'feed ingest done', showId: accepted.showId, episodes: 1 }),
    );
    expect(records).toContainEqual(expect.objectContaining({ level: 'info', msg: 'serving the new index' }));
  });

  test('POST /api/shows refuses bad URLs with a 400; an unknown show is a 404', async () => {
    const fileUrl = await post('/api/shows', { feedUrl: 'file:///etc/passwd' });
    expect([fileUrl.status, (await json<{ error: { code: string } }>(fileUrl)).error.code]).toStrictEqual([
      400,
      'bad_request:url',
    ]);
    const empty = await post('/api/shows', { feedUrl: '' });
    expect(empty.status).toBe(400);
    const missing = await fetch(`${server.url}/api/shows/nothing-like-this`);
    expect(missing.status).toBe(404);
  });
});

describe('ShowIngestQueue', () => {
  test('a private feed URL is refused at once, naming ALLOW_PRIVATE_URLS', async () => {
    const queue = new ShowIngestQueue({
      allowPrivate: false,
      knownShowId: () => undefined,
      ingest: () => Promise.reject(new Error('must not run')),
    });
    await expect(queue.add(`${host.origin}/kitchen/feed.xml`)).rejects.toThrow(/ALLOW_PRIVATE_URLS=true/);
    await expect(queue.add('http://169.254.169.254/latest/')).rejects.toThrow(/169\.254\.169\.254.*refused/);
  });

  test('one ingest at a time: the second waits in the queue, a repeat returns the same job', async () => {
    const started: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const queue = new ShowIngestQueue({
      allowPrivate: true,
      knownShowId: () => undefined,
      ingest: async (feedUrl) => {
        started.push(feedUrl);
        await gate;
        return {
          indexDir,
          embedder: 'x',
          files: [{ path: feedUrl, status: 'ok', episodes: 1, chunks: 2, embedded: 2 }],
          episodes: { added: [], updated: [], unchanged: [], removed: [], kept: [] },
          chunks: 2,
          embedded: 2,
          reused: 0,
          rebuilt: false,
          written: true,
        };
      },
    });
    const first = await queue.add('http://127.0.0.1:9/a.xml');
    const second = await queue.add('http://127.0.0.1:9/b.xml');
    const again = await queue.add('http://127.0.0.1:9/a.xml');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect([first.state, second.state, again === first]).toStrictEqual(['running', 'queued', true]);
    expect(started).toStrictEqual(['http://127.0.0.1:9/a.xml']);
    release();
    await queue.idle();
    expect(started).toStrictEqual(['http://127.0.0.1:9/a.xml', 'http://127.0.0.1:9/b.xml']);
    expect([first.state, second.state, first.message]).toStrictEqual([
      'done',
      'done',
      '1 episode, 2 passages (2 newly indexed).',
    ]);
  });
});
