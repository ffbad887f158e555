/**
 * The "done when", end to end with the real offline embedder: a feed on a loopback podcast
 * host with one episode whose transcript is WebVTT by URL and one that is only audio (real speech
 * from espeak-ng, transcribed by a loopback server speaking OpenAI's protocol, split under a small
 * TRANSCRIBE_MAX_BYTES); `ingestPaths` as `npm run ingest -- <feed URL>` runs it, `startPodcite` as
 * `npm start`; questions about both episodes are answered with the right episode, speaker and
 * second; after the feed gains an episode, a refresh fetches only it and the running server answers
 * about it without a restart.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { feedSettingsFromConfig } from '../../ingest/feeds/feed-settings.js';
import { transcriptCacheDir } from '../../ingest/feeds/transcript-cache.js';
import { ingestPaths } from '../../ingest/ingest-paths.js';
import { type RunningPodcite, startPodcite } from '../../src/cli/start-podcite.js';
import { type Config, loadConfig } from '../../src/config.js';
import type { ChatAnswer } from '../../src/domain.js';
import { createEmbeddings } from '../../src/embeddings/create-embeddings.js';
import { postJson } from '../http/app-harness.js';
import { type FakeTranscriptionServer, startFakeTranscriptionServer } from '../support/fake-transcription-server.js';
import { type FeedItem, feedXml, vttTranscript } from '../support/feed-xml.js';
import { makeSpeech } from '../support/make-speech.js';
import { type PodcastHost, startPodcastHost } from '../support/podcast-host.js';

const SPOKEN = [
  'This is the pottery hour.',
  'A stoneware glaze matures at about twelve hundred and forty degrees Celsius.',
  'Let the kiln cool for a full day before you open it.',
];

let host: PodcastHost;
let stt: FakeTranscriptionServer;
let server: RunningPodcite;
let config: Config;
let root: string;
let spokenScript: { start: number; text: string }[];
const feedUrl = () => `${host.origin}/pottery/feed.xml`;

const items: FeedItem[] = [
  {
    guid: 'p-2',
    title: 'Kilns and glazes',
    description: 'Firing stoneware.',
    enclosure: { url: '/pottery/kilns.wav', type: 'audio/wav' },
  },
  {
    guid: 'p-1',
    title: 'Throwing on the wheel',
    description: 'Centering clay.',
    enclosure: { url: '/pottery/wheel.mp3' },
    transcripts: [{ url: '/pottery/wheel.vtt', type: 'text/vtt' }],
  },
];

function publish(feedItems: FeedItem[]) {
  const body = feedXml({ title: 'Pottery Hour', items: feedItems });
  host.set('/pottery/feed.xml', { body, type: 'application/rss+xml', etag: `"${body.length}"` });
}

async function ingest(paths: string[], refresh = false) {
  const embeddings = createEmbeddings(config, { workers: 1 });
  try {
    return await ingestPaths({
      paths,
      refresh,
      indexDir: config.indexDir,
      embeddings,
      feeds: feedSettingsFromConfig(config),
    });
  } finally {
    await embeddings.close();
  }
}

function ask(message: string): Promise<ChatAnswer> {
  return postJson(`${server.url}/api/chat`, { message }).then((response) => response.json() as Promise<ChatAnswer>);
}

beforeAll(async () => {
  const speech = makeSpeech(SPOKEN);
  spokenScript = speech.script;
  host = await startPodcastHost();
  stt = await startFakeTranscriptionServer();
  stt.add({ audio: speech.wav, script: speech.script });
  host.set('/pottery/kilns.wav', { body: speech.wav, type: 'audio/wav' });
  host.set('/pottery/wheel.vtt', {
    body: vttTranscript(
      [
        'Welcome back to the wheel.',
        'Centering is everything: brace your elbow against your hip and lean into the clay.',
        'Keep the clay wet but never flooded.',
      ],
      { speakers: ['Host Hana', 'Potter Pat'], step: 20 },
    ),
    type: 'text/vtt',
  });
  publish(items);
  root = await mkdtemp(path.join(tmpdir(), 'podcite-feed-e2e-'));
  config = loadConfig({
    INDEX_DIR: path.join(root, 'index'),
    PORT: '0',
    ALLOW_PRIVATE_URLS: 'true',
    RATE_LIMIT_PER_MINUTE: '0',
    TRANSCRIBE_BASE_URL: stt.baseURL,
    TRANSCRIBE_API_KEY: 'test-key',
    TRANSCRIBE_MAX_BYTES: '120000',
    // Searches run in the search thread, so the live reload below has to reach it.
    SEARCH_THREAD: 'true',
  });
  const report = await ingest([feedUrl()]);
  expect(report.files[0]).toMatchObject({ status: 'ok', episodes: 2 });
  server = await startPodcite(config, { log: () => undefined });
});

afterAll(async () => {
  await server?.close();
  await host?.close();
  await stt?.close();
  await rm(root, { recursive: true, force: true });
  if (config) await rm(transcriptCacheDir(config.indexDir), { recursive: true, force: true });
});

describe('feed URL to answers, with the real offline embedder', () => {
  test('a WebVTT-by-URL episode: the right episode, speaker and second', async () => {
    const answer = await ask('How do you brace yourself when centering the clay on the wheel?');
    expect(answer.citations[0]).toMatchObject({
      episodeId: 'throwing-on-the-wheel',
      speaker: 'Potter Pat',
      start: 20,
      approximate: false,
    });
  });

  test('an audio-only episode, transcribed in parts: the right episode and second', async () => {
    expect(stt.uploads.length).toBeGreaterThanOrEqual(2);
    const answer = await ask('At what temperature does a stoneware glaze mature?');
    const citation = answer.citations[0]!;
    expect(citation.episodeId).toBe('kilns-and-glazes');
    expect(citation.quote).toContain('twelve hundred and forty degrees');
    expect(Math.abs(citation.start! - spokenScript[1]!.start)).toBeLessThan(0.5);
    expect(citation.url).toBe(`${host.origin}/pottery/kilns.wav#t=${Math.floor(citation.start!)}`);
  });

  test('the feed gains an episode: a refresh fetches only it, and the running server answers about it', async () => {
    host.set('/pottery/trimming.vtt', {
      body: vttTranscript(['Trim a bowl when the clay is leather hard, about a day after throwing.'], {
        speakers: ['Potter Pat'],
      }),
      type: 'text/vtt',
    });
    publish([
      { guid: 'p-3', title: 'Trimming bowls', transcripts: [{ url: '/pottery/trimming.vtt', type: 'text/vtt' }] },
      ...items,
    ]);
    const before = host.requests.length;
    const uploads = stt.uploads.length;
    const swapped = server.live.nextSwap();
    const report = await ingest([], true);
    expect(report.episodes.added).toStrictEqual(['trimming-bowls']);
    expect(host.requests.slice(before).map((request) => `${request.status} ${request.path}`)).toStrictEqual([
      '200 /pottery/feed.xml',
      '200 /pottery/trimming.vtt',
    ]);
    expect(stt.uploads.length).toBe(uploads);
    await swapped;
    const answer = await ask('When should you trim a bowl?');
    expect(answer.citations[0]).toMatchObject({ episodeId: 'trimming-bowls', speaker: 'Potter Pat', start: 0 });
  });
});
