/**
 * The page's library of shows in real Chromium against the real server wiring (startPodcite with
 * the hashing embedder): "Add a podcast" ingests a feed from a loopback podcast host with progress,
 * the filter offers the show then its episodes, and a citation plays the episode's real audio
 * (espeak-ng) in the sources panel from the cited second, which the page's CSP must allow.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { transcriptCacheDir } from '../../ingest/feeds/transcript-cache.js';
import { ingestPaths } from '../../ingest/ingest-paths.js';
import { type RunningPodcite, startPodcite } from '../../src/cli/start-podcite.js';
import { loadConfig } from '../../src/config.js';
import { launchBrowser } from '../support/browser.js';
import { feedXml } from '../support/feed-xml.js';
import { HashingEmbeddings } from '../support/hashing-embeddings.js';
import { makeSpeech } from '../support/make-speech.js';
import { type PodcastHost, startPodcastHost } from '../support/podcast-host.js';

const SENTENCES = [
  'Welcome to the bicycle repair hour.',
  'Today we true a wheel by tightening the spokes a quarter turn at a time.',
  'Tubeless tyres need fresh sealant every three months.',
];

let browser: Browser;
let host: PodcastHost;
let server: RunningPodcite;
let root: string;
let page: Page;
const problems: string[] = [];
let script: { start: number; end: number; text: string }[];

beforeAll(async () => {
  await promisify(execFile)(process.execPath, ['scripts/build-web.mjs']);
  const speech = makeSpeech(SENTENCES);
  script = speech.script;
  host = await startPodcastHost();
  host.set('/bikes/repair.wav', { body: speech.wav, type: 'audio/wav' });
  const cue = (seconds: number) => `00:00:${seconds.toFixed(3).padStart(6, '0')}`;
  host.set('/bikes/repair.vtt', {
    body: `WEBVTT\n\n${speech.script.map((line) => `${cue(line.start)} --> ${cue(line.end)}\n<v Mechanic Mo>${line.text}`).join('\n\n')}\n`,
    type: 'text/vtt',
  });
  host.set('/bikes/feed.xml', {
    body: feedXml({
      title: 'Bicycle Repair Hour',
      items: [
        {
          guid: 'b-1',
          title: 'Wheels and tyres',
          enclosure: { url: '/bikes/repair.wav', type: 'audio/wav' },
          transcripts: [{ url: '/bikes/repair.vtt', type: 'text/vtt' }],
        },
      ],
    }),
    type: 'application/rss+xml',
  });
  // The server starts on an index of one local file; the show is added through the page.
  root = await mkdtemp(path.join(tmpdir(), 'podcite-shows-page-'));
  const indexDir = path.join(root, 'index');
  const embeddings = new HashingEmbeddings();
  await ingestPaths({ paths: ['test/fixtures/formats/interview.vtt'], indexDir, embeddings });
  const config = loadConfig({ INDEX_DIR: indexDir, PORT: '0', ALLOW_PRIVATE_URLS: 'true', RATE_LIMIT_PER_MINUTE: '0' });
  server = await startPodcite(config, { embeddings, log: () => undefined, pollMs: 200 });
  browser = await launchBrowser();
  page = await (await browser.newContext({ reducedMotion: 'reduce' })).newPage();
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.showIngests.idle();
  await server?.close();
  await host?.close();
  await rm(root, { recursive: true, force: true });
  await rm(`${path.join(root, 'index')}.cache`, { recursive: true, force: true });
  await rm(transcriptCacheDir(path.join(root, 'index')), { recursive: true, force: true });
});

describe('shows on the page', () => {
  test('add a podcast with progress; the filter offers the show, then its episodes', async () => {
    await page.goto(server.url);
    await page.locator('#add-podcast summary').click();
    await page.locator('#feed-url').fill(`${host.origin}/bikes/feed.xml`);
    await page.locator('#add-podcast-submit').click();
    const status = page.locator('#add-podcast-status');
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toMatch(/^Added: 1 episode, \d+ passages? /);
    await page.keyboard.press('Escape');
    expect(await page.locator('#add-podcast-form').isHidden()).toBe(true);

    await page.locator('#episode-filter-summary').click();
    const labels = await page.locator('#episode-list li').allTextContents();
    expect(labels.slice(0, 2)).toStrictEqual(['Bicycle Repair Hour1 episode', 'Wheels and tyres']);
    await page.locator('.show-option input').check();
    expect(await page.locator('#episode-filter-summary').textContent()).toBe('Episodes: Wheels and tyres');
    await page.locator('#episode-done').click();
    expect(problems).toStrictEqual([]);
  });

  test('a cited episode plays in the sources panel from the cited second', async () => {
    // A page's policy is fixed when it loads: the new show's media host is allowed from the next load.
    await page.reload();
    await page.locator('#question').fill('How often do tubeless tyres need fresh sealant?');
    await page.locator('#question').press('Enter');
    await page.locator('.thread > .turn:not(.turn-streaming) .citation-chip').first().click();
    const card = page.locator('#sources-list .source-card').first();
    await card.waitFor();
    const audio = card.locator('audio.source-audio');
    const cited = script[2]!.start;
    const src = await audio.getAttribute('src');
    expect(src).toBe(`${host.origin}/bikes/repair.wav#t=${Math.floor(cited)}`);
    // The policy names the podcast host for media, and nothing else was loosened.
    const response = await page.request.get(server.url);
    expect(response.headers()['content-security-policy']).toContain(`media-src 'self' ${host.origin}`);
    await audio.evaluate((element: HTMLAudioElement) => {
      element.muted = true;
      return element.play();
    });
    await expect
      .poll(() => audio.evaluate((element: HTMLAudioElement) => element.currentTime), { timeout: 10_000 })
      .toBeGreaterThanOrEqual(Math.floor(cited));
    expect(problems).toStrictEqual([]);
  });
});
