import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { transcriptCacheDir } from '../../../ingest/feeds/transcript-cache.js';
import { ingestPaths } from '../../../ingest/ingest-paths.js';
import { type Manifest, manifestSchema } from '../../../src/domain.js';
import { loadIndex } from '../../../src/store/load-index.js';
import { openLocalIndexStore } from '../../../src/store/local-index-store.js';
import { type FeedItem, feedXml, vttTranscript } from '../../support/feed-xml.js';
import { HashingEmbeddings } from '../../support/hashing-embeddings.js';
import { type PodcastHost, startPodcastHost } from '../../support/podcast-host.js';

let host: PodcastHost;
let root: string;
let indexDir: string;
let embeddings: HashingEmbeddings;

beforeAll(async () => {
  host = await startPodcastHost();
});
afterAll(async () => {
  await host.close();
});
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'podcite-feeds-'));
  indexDir = path.join(root, 'index');
  embeddings = new HashingEmbeddings();
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(transcriptCacheDir(indexDir), { recursive: true, force: true });
});

const url = (pathname: string) => `${host.origin}${pathname}`;

function ingest(paths: string[], extra: { refresh?: boolean; removeShows?: string[]; allowPrivate?: boolean } = {}) {
  return ingestPaths({
    paths,
    indexDir,
    embeddings,
    refresh: extra.refresh,
    removeShows: extra.removeShows,
    feeds: { fetch: { allowPrivate: extra.allowPrivate ?? true }, cacheDir: transcriptCacheDir(indexDir) },
  });
}

async function manifest(): Promise<Manifest> {
  return manifestSchema.parse(JSON.parse(await readFile(path.join(indexDir, 'manifest.json'), 'utf8')));
}

/** Requests the host saw from `from` on, as `STATUS PATH`. */
function requestsSince(from: number): string[] {
  return host.requests.slice(from).map((request) => `${request.status} ${request.path}`);
}

const ovensVtt = vttTranscript([
  'Welcome back, today we are talking about wood fired ovens.',
  'A pizza oven needs to reach four hundred and fifty degrees before the first pie.',
]);

function gardenFeed(extraItems: FeedItem[] = [], firstTitle = 'Wood fired ovens'): string {
  return feedXml({
    title: 'Backyard Builders',
    author: 'Alice Example',
    image: '/art.jpg',
    items: [
      ...extraItems,
      {
        guid: 'bb-1',
        title: firstTitle,
        pubDate: 'Mon, 30 Nov 2026 10:00:00 GMT',
        duration: '10:00',
        description: 'We build an oven from clay.',
        enclosure: { url: '/media/ovens.mp3', length: 1000 },
        transcripts: [
          { url: '/t/ovens.html', type: 'text/html' },
          { url: '/t/ovens.srt', type: 'application/x-subrip' },
          { url: '/t/ovens.vtt', type: 'text/vtt' },
        ],
        chapters: '/t/ovens.chapters.json',
        people: ['Alice Example', 'Bob Guest'],
      },
      {
        guid: 'bb-2',
        title: 'Rain barrels',
        pubDate: 'Mon, 23 Nov 2026 10:00:00 GMT',
        description: 'Collecting rain water for the garden, with links.',
        transcripts: [{ url: '/t/missing.vtt', type: 'text/vtt' }],
      },
      {
        guid: 'bb-3',
        title: 'Compost heaps',
        description: 'Turning kitchen scraps into soil.',
        enclosure: { url: '/media/compost.mp3', length: 2000 },
      },
    ],
  });
}

function hostGardenShow(feed = gardenFeed()) {
  host.set('/garden/feed.xml', { body: feed, type: 'application/rss+xml', etag: `"${feed.length}"`, encoding: 'gzip' });
  host.set('/t/ovens.vtt', { body: ovensVtt, type: 'text/vtt', etag: '"ovens-1"' });
  host.set('/t/ovens.srt', { body: '1\n00:00:00,000 --> 00:00:04,000\nSRT words\n', type: 'application/x-subrip' });
  host.set('/t/ovens.html', { body: '<p>HTML words</p>', type: 'text/html' });
  host.set('/t/ovens.chapters.json', {
    body: JSON.stringify({
      version: '1.2.0',
      chapters: [
        { startTime: 0, title: 'Intro' },
        { startTime: 5, title: 'Temperatures' },
      ],
    }),
    type: 'application/json+chapters',
    lastModified: 'Mon, 30 Nov 2026 10:00:00 GMT',
  });
}

describe('ingesting a podcast feed by URL', () => {
  test('every item lands: the best timed transcript, chapters, people, enclosure; a 404 transcript is named and the episode kept', async () => {
    hostGardenShow();
    const start = host.requests.length;
    const report = await ingest([url('/garden/feed.xml')]);

    // The VTT wins over SRT and HTML; nothing else of that item is fetched (items are read concurrently).
    expect(requestsSince(start).sort()).toStrictEqual([
      '200 /garden/feed.xml',
      '200 /t/ovens.chapters.json',
      '200 /t/ovens.vtt',
      '404 /t/missing.vtt',
    ]);
    expect(report.files).toHaveLength(1);
    const [file] = report.files;
    expect(file).toMatchObject({ path: url('/garden/feed.xml'), status: 'ok', episodes: 3, requests: 4 });
    expect(file!.notes).toStrictEqual([
      `"Rain barrels": transcript ${url('/t/missing.vtt')}: HTTP 404 Not Found. Indexed from its show notes.`,
      '1 episode offers only audio and was indexed from show notes: set TRANSCRIBE_BASE_URL (an OpenAI-compatible speech-to-text server, e.g. https://api.openai.com/v1) and TRANSCRIBE_API_KEY to transcribe them, then run npm run ingest -- --refresh.',
    ]);

    const written = await manifest();
    const showId = `127-0-0-1-${new URL(host.origin).port}-garden`;
    expect(written.shows).toStrictEqual([
      {
        showId,
        title: 'Backyard Builders',
        author: 'Alice Example',
        image: url('/art.jpg'),
        feedUrl: url('/garden/feed.xml'),
        etag: expect.any(String),
        lastModified: null,
        lastRefreshed: expect.any(String),
        items: [
          { guid: 'bb-1', episodeId: 'wood-fired-ovens', itemHash: expect.any(String) },
          { guid: 'bb-2', episodeId: 'rain-barrels', itemHash: expect.any(String) },
          { guid: 'bb-3', episodeId: 'compost-heaps', itemHash: expect.any(String) },
        ],
      },
    ]);
    expect(
      written.episodes.map(
        ({ episodeId, title, date, durationSeconds, url: media, timestamps, chapters, showId: show, source }) => ({
          episodeId,
          title,
          date,
          durationSeconds,
          url: media,
          timestamps,
          chapters,
          showId: show,
          source,
        }),
      ),
    ).toStrictEqual([
      {
        episodeId: 'wood-fired-ovens',
        title: 'Wood fired ovens',
        date: '2026-11-30',
        durationSeconds: 600,
        url: url('/media/ovens.mp3'),
        timestamps: 'exact',
        chapters: [
          { start: 0, title: 'Intro' },
          { start: 5, title: 'Temperatures' },
        ],
        showId,
        source: url('/garden/feed.xml'),
      },
      {
        episodeId: 'rain-barrels',
        title: 'Rain barrels',
        date: '2026-11-23',
        durationSeconds: null,
        url: null,
        timestamps: 'none',
        chapters: [],
        showId,
        source: url('/garden/feed.xml'),
      },
      {
        episodeId: 'compost-heaps',
        title: 'Compost heaps',
        date: null,
        durationSeconds: null,
        url: url('/media/compost.mp3'),
        timestamps: 'none',
        chapters: [],
        showId,
        source: url('/garden/feed.xml'),
      },
    ]);

    const index = await loadIndex({ store: openLocalIndexStore({ dir: indexDir }), embeddings });
    const pizza = index.chunks.find((chunk) => chunk.text.includes('four hundred and fifty degrees'));
    expect([pizza?.episodeId, pizza?.speaker, pizza?.start, pizza?.approximate]).toStrictEqual([
      'wood-fired-ovens',
      'Bob',
      5,
      false,
    ]);
    expect(index.chunks.some((chunk) => chunk.text.includes('SRT words') || chunk.text.includes('HTML words'))).toBe(
      false,
    );
  });

  test('a refresh with no change costs one conditional request per feed and re-embeds nothing', async () => {
    hostGardenShow();
    await ingest([url('/garden/feed.xml')]);
    const before = await manifest();
    const start = host.requests.length;
    const calls = embeddings.calls;
    const report = await ingest([], { refresh: true });
    expect(requestsSince(start)).toStrictEqual(['304 /garden/feed.xml']);
    expect(host.requests.at(-1)!.headers['if-none-match']).toBe(before.shows![0]!.etag);
    expect(embeddings.calls).toBe(calls);
    expect(report.files).toMatchObject([{ status: 'skipped-unchanged', episodes: 3, requests: 1 }]);
    expect([report.episodes.unchanged.sort(), report.episodes.kept]).toStrictEqual([
      ['compost-heaps', 'rain-barrels', 'wood-fired-ovens'],
      [],
    ]);
    const after = await manifest();
    expect(after.episodes).toStrictEqual(before.episodes);
    expect(after.createdAt).toBe(before.createdAt);
    expect(after.shows![0]!.lastRefreshed > before.shows![0]!.lastRefreshed).toBe(true);
  });

  test('a refresh fetches only the new episode; a retitled one keeps its id and its transcript vectors', async () => {
    hostGardenShow();
    await ingest([url('/garden/feed.xml')]);
    const before = await loadIndex({ store: openLocalIndexStore({ dir: indexDir }), embeddings });
    const ovensChunks = before.chunks.filter((chunk) => chunk.episodeId === 'wood-fired-ovens').length;

    const newItem: FeedItem = {
      guid: 'bb-4',
      title: 'Solar dryers',
      transcripts: [{ url: '/t/solar.vtt', type: 'text/vtt' }],
    };
    host.set('/t/solar.vtt', {
      body: vttTranscript(['Solar dryers preserve apricots in two days.']),
      type: 'text/vtt',
    });
    hostGardenShow(gardenFeed([newItem], 'Wood-fired ovens, revisited'));
    const embeddedBefore: string[] = [];
    const original = embeddings.embedDocuments.bind(embeddings);
    embeddings.embedDocuments = async (texts) => {
      embeddedBefore.push(...texts);
      return original(texts);
    };
    const start = host.requests.length;
    const report = await ingest([], { refresh: true });
    // The new item's transcript; the retitled item's transcript and chapters only revalidated (304).
    expect(requestsSince(start).sort()).toStrictEqual([
      '200 /garden/feed.xml',
      '200 /t/solar.vtt',
      '304 /t/ovens.chapters.json',
      '304 /t/ovens.vtt',
    ]);
    expect(report.episodes.added).toStrictEqual(['solar-dryers']);
    expect(report.episodes.updated).toStrictEqual(['wood-fired-ovens']);
    const after = await loadIndex({ store: openLocalIndexStore({ dir: indexDir }), embeddings });
    expect(after.manifest.episodes.map((episode) => episode.episodeId).sort()).toStrictEqual([
      'compost-heaps',
      'rain-barrels',
      'solar-dryers',
      'wood-fired-ovens',
    ]);
    expect(after.manifest.episodes.find((episode) => episode.episodeId === 'wood-fired-ovens')!.title).toBe(
      'Wood-fired ovens, revisited',
    );
    // Only the show-notes chunk (which leads with the title) and the new episode's chunks were embedded.
    expect(ovensChunks).toBeGreaterThan(1);
    expect(embeddedBefore.filter((text) => text.includes('four hundred'))).toStrictEqual([]);
    expect(embeddedBefore.some((text) => text.startsWith('Wood-fired ovens, revisited.'))).toBe(true);
  });

  test('--rebuild keeps the library: its feeds are read again, transcripts revalidated from the cache', async () => {
    hostGardenShow();
    await ingest([url('/garden/feed.xml')]);
    const before = await manifest();
    const start = host.requests.length;
    const report = await ingestPaths({
      paths: [],
      rebuild: true,
      indexDir,
      embeddings,
      feeds: { fetch: { allowPrivate: true }, cacheDir: transcriptCacheDir(indexDir) },
    });
    expect(report.rebuilt).toBe(true);
    // The feed is read whole (no index to keep items from: no 304); cached transcript and chapters answer 304.
    expect(requestsSince(start).sort()).toStrictEqual([
      '200 /garden/feed.xml',
      '304 /t/ovens.chapters.json',
      '304 /t/ovens.vtt',
      '404 /t/missing.vtt',
    ]);
    const after = await manifest();
    expect(after.episodes.map((episode) => [episode.episodeId, episode.showId])).toStrictEqual(
      before.episodes.map((episode) => [episode.episodeId, episode.showId]),
    );
    expect(after.shows!.map((show) => show.items)).toStrictEqual(before.shows!.map((show) => show.items));
  });

  test('a transcript that failed for a passing reason (500) is fetched again on the next refresh; a 404 is not', async () => {
    hostGardenShow();
    host.set('/t/ovens.vtt', { body: 'overloaded', status: 503 });
    const first = await ingest([url('/garden/feed.xml')]);
    expect(first.files[0]!.notes![0]).toBe(
      `"Wood fired ovens": transcript ${url('/t/ovens.vtt')}: HTTP 503 Service Unavailable. Indexed from its show notes.`,
    );
    expect((await manifest()).shows![0]!.items.map((item) => [item.guid, item.retry])).toStrictEqual([
      ['bb-1', true],
      ['bb-2', undefined],
      ['bb-3', undefined],
    ]);
    host.set('/t/ovens.vtt', { body: ovensVtt, type: 'text/vtt', etag: '"ovens-1"' });
    const start = host.requests.length;
    const report = await ingest([], { refresh: true });
    // The feed is read whole (no conditional GET while an item waits for a retry); only that item is fetched.
    expect(requestsSince(start).sort()).toStrictEqual([
      '200 /garden/feed.xml',
      '200 /t/ovens.vtt',
      '304 /t/ovens.chapters.json',
    ]);
    expect(report.episodes.updated).toStrictEqual(['wood-fired-ovens']);
    const written = await manifest();
    expect(written.episodes.find((episode) => episode.episodeId === 'wood-fired-ovens')!.timestamps).toBe('exact');
    expect(written.shows![0]!.items.every((item) => item.retry === undefined)).toBe(true);
  });

  test("a feed's links that never answer are cut off by its time budget and left for the next run", async () => {
    hostGardenShow();
    host.set('/t/ovens.vtt', () => undefined);
    const started = performance.now();
    const report = await ingestPaths({
      paths: [url('/garden/feed.xml')],
      indexDir,
      embeddings,
      feeds: { fetch: { allowPrivate: true, feedBudgetMs: 500 }, cacheDir: transcriptCacheDir(indexDir) },
    });
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(report.files[0]!.notes).toContain(
      "1 item was not read within the 0.5 s allowed for a feed's items; the next npm run ingest -- --refresh continues.",
    );
    const written = await manifest();
    expect(written.episodes.map((episode) => episode.episodeId).sort()).toStrictEqual([
      'compost-heaps',
      'rain-barrels',
    ]);
    expect(written.shows![0]!.items[0]).toMatchObject({ guid: 'bb-1', episodeId: 'wood-fired-ovens', retry: true });
    host.set('/t/ovens.vtt', { body: ovensVtt, type: 'text/vtt' });
    const next = await ingest([], { refresh: true });
    expect(next.episodes.added).toStrictEqual(['wood-fired-ovens']);
  });

  test("a feed's items stop being read once they brought in the text budget; the next run continues", async () => {
    // Six items, four read at once: with a budget of 100 characters the first four (already in flight) land.
    const items: FeedItem[] = Array.from({ length: 6 }, (_, index) => ({
      guid: `tb-${index}`,
      title: `Tomato bed ${index + 1}`,
      description: 'Raised beds for tomatoes.',
      transcripts: [{ url: `/t/tomato-${index}.vtt`, type: 'text/vtt' }],
    }));
    host.set('/tomatoes/feed.xml', { body: feedXml({ title: 'Tomato Talk', items }), type: 'application/rss+xml' });
    for (let index = 0; index < 6; index++) {
      host.set(`/t/tomato-${index}.vtt`, {
        body: vttTranscript([`Bed ${index + 1} gets compost and a stake for every tomato plant.`]),
        type: 'text/vtt',
      });
    }
    const run = (refresh: boolean) =>
      ingestPaths({
        paths: refresh ? [] : [url('/tomatoes/feed.xml')],
        refresh,
        indexDir,
        embeddings,
        feeds: { fetch: { allowPrivate: true, feedTextBudget: 100 }, cacheDir: transcriptCacheDir(indexDir) },
      });
    const first = await run(false);
    expect(first.episodes.added).toHaveLength(4);
    expect(first.files[0]!.notes!.at(-1)).toMatch(
      /^2 items were not read once its items had brought in \d+ characters of text \(at most 100 characters a run\); the next npm run ingest -- --refresh continues\.$/,
    );
    expect((await manifest()).shows![0]!.items.filter((item) => item.retry).map((item) => item.guid)).toStrictEqual([
      'tb-4',
      'tb-5',
    ]);
    const next = await run(true);
    expect(next.episodes.added.sort()).toStrictEqual(['tomato-bed-5', 'tomato-bed-6']);
    expect((await manifest()).episodes).toHaveLength(6);
  });

  test('each URL fails on its own: the rest lands; --remove drops a show', async () => {
    hostGardenShow();
    const folder = path.join(root, 'files');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(folder);
    await writeFile(path.join(folder, 'bees.vtt'), vttTranscript(['Bees dance to say where flowers are.']));
    host.set('/redirect-loop', (_request, response) => response.writeHead(302, { location: '/redirect-loop' }).end());
    const report = await ingest([url('/garden/feed.xml'), url('/gone.xml'), url('/redirect-loop'), folder]);
    expect(report.files.map((file) => [file.path, file.status, file.reason])).toStrictEqual([
      [url('/garden/feed.xml'), 'ok', undefined],
      [url('/gone.xml'), 'failed', `${url('/gone.xml')}: HTTP 404 Not Found`],
      [url('/redirect-loop'), 'failed', `${url('/redirect-loop')}: more than 5 redirects (last to /redirect-loop)`],
      [path.join(folder, 'bees.vtt'), 'ok', undefined],
    ]);
    expect((await manifest()).episodes).toHaveLength(4);

    const showId = (await manifest()).shows![0]!.showId;
    const removal = await ingest([], { removeShows: [showId] });
    expect(removal.episodes.removed.sort()).toStrictEqual(['compost-heaps', 'rain-barrels', 'wood-fired-ovens']);
    const after = await manifest();
    expect([after.shows, after.episodes.map((episode) => episode.episodeId)]).toStrictEqual([undefined, ['bees']]);
    await expect(ingest([], { removeShows: ['nope'] })).rejects.toThrow(
      'No show "nope" in the library (it holds none).',
    );
  });

  test('hostile feeds fail clearly: 10,000 items, an endless body, not XML', async () => {
    const items = Array.from({ length: 10_000 }, (_, index) => ({ guid: `g${index}`, title: `Episode ${index}` }));
    host.set('/huge-items.xml', { body: feedXml({ title: 'Flood', items }), type: 'application/rss+xml' });
    host.set('/endless.xml', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/rss+xml' });
      const chunk = Buffer.alloc(256 * 1024, 60);
      const pump = () => {
        while (response.write(chunk)) {}
      };
      response.on('drain', pump);
      pump();
    });
    host.set('/not-xml.xml', { body: 'just some words', type: 'application/rss+xml' });
    const report = await ingest([url('/huge-items.xml'), url('/endless.xml'), url('/not-xml.xml')]);
    expect(report.files.map((file) => [file.status, file.reason])).toStrictEqual([
      ['failed', `${url('/huge-items.xml')}: 10000 items, over the limit of 5000 a feed`],
      ['failed', `${url('/endless.xml')}: larger than the 20.0 MB limit`],
      ['failed', expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/not-xml\.xml: (?:malformed XML|not an RSS feed)/)],
    ]);
    expect(report.written).toBe(false);
  });

  test('refusals inside a feed: transcript and chapters URLs to private addresses or file: are not fetched', async () => {
    const port = new URL(host.origin).port;
    host.set('/hostile/feed.xml', {
      body: feedXml({
        title: 'Hostile',
        items: [
          {
            guid: 'h-1',
            title: 'Reads your disk',
            description: 'Notes stay.',
            transcripts: [
              { url: 'file:///etc/passwd', type: 'text/plain' },
              { url: 'http://169.254.169.254/latest/meta-data/', type: 'text/vtt' },
            ],
            chapters: 'http://10.0.0.7/chapters.json',
          },
        ],
      }),
      type: 'application/rss+xml',
    });
    const start = host.requests.length;
    // The test's named host stands in for a public podcast host; the links inside are judged for real.
    const report = await ingestPaths({
      paths: [`http://podcasts.test:${port}/hostile/feed.xml`],
      indexDir,
      embeddings,
      feeds: {
        fetch: {
          allowPrivate: false,
          resolve: async () => [{ address: '127.0.0.1', family: 4 }],
          treatAsPublic: new Set(['127.0.0.1']),
        },
        cacheDir: transcriptCacheDir(indexDir),
      },
    });
    expect(requestsSince(start)).toStrictEqual(['200 /hostile/feed.xml']);
    expect(report.files[0]!.notes).toStrictEqual([
      '"Reads your disk": transcript http://169.254.169.254/latest/meta-data/: 169.254.169.254 resolves to 169.254.169.254, a loopback, private, link-local or multicast address; refused. Set ALLOW_PRIVATE_URLS=true to fetch from your own machine or network. Indexed from its show notes.',
      '"Reads your disk": transcript file:///etc/passwd: only http and https URLs are fetched, not file:. Indexed from its show notes.',
      '"Reads your disk": chapters http://10.0.0.7/chapters.json: 10.0.0.7 resolves to 10.0.0.7, a loopback, private, link-local or multicast address; refused. Set ALLOW_PRIVATE_URLS=true to fetch from your own machine or network. Skipped.',
    ]);
    expect((await manifest()).episodes[0]).toMatchObject({ episodeId: 'reads-your-disk', timestamps: 'none' });
  });

  test('refusals: a loopback feed without ALLOW_PRIVATE_URLS, a file: URL', async () => {
    hostGardenShow();
    const start = host.requests.length;
    const report = await ingest([url('/garden/feed.xml'), 'file:///etc/passwd'], { allowPrivate: false });
    expect(report.files.map((file) => file.reason)).toStrictEqual([
      `${url('/garden/feed.xml')}: 127.0.0.1 resolves to 127.0.0.1, a loopback, private, link-local or multicast address; refused. Set ALLOW_PRIVATE_URLS=true to fetch from your own machine or network.`,
      'file:///etc/passwd: only http and https URLs are fetched, not file:',
    ]);
    expect(host.requests.length).toBe(start);
  });
});
