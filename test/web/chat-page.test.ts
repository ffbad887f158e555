/**
 * The chat page in real Chromium against the real app (createApp + hybrid retriever + extractive
 * answerer over a hand-made corpus). Every test fails on a page error, a console error or a CSP
 * violation, so an inline script or style slipping into the page breaks the suite.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { ABSTENTION_TEXT } from '../../src/answer/extractive-answerer.js';
import type { AnswerEvent, Answerer, ChatAnswer, ChatRequest, Citation } from '../../src/domain.js';
import { PodciteError } from '../../src/errors.js';
import { launchBrowser, type PageServer, startPageServer } from '../support/browser.js';
import { FakeAnswerer, fakeChatAnswer, fakeCitation } from '../support/fake-answerer.js';
import {
  AGENTS_EPISODE,
  CHAT_PAGE_CHUNKS,
  CHAT_PAGE_EPISODES,
  VECTOR_EPISODE,
  XSS_IMG,
  XSS_SCRIPT,
} from './chat-page-fixture.js';

const VECTOR_TITLE = 'Vector Search in Practice — with Ada Byron';
const AGENTS_TITLE = 'Evaluating Agents: Lessons from Production';
// The extractive answerer carries a short quote on into the speaker's next sentence.
const HYBRID_QUOTE =
  'Hybrid retrieval wins because keyword search catches the exact product names that vector search blurs together. We run both and fuse the scores before anything reaches the model.';
const HYBRID_ANSWER = `At 12:34 Ada Byron said: "${HYBRID_QUOTE}" [1]`;
const KEYWORD_QUESTION = 'What did they say about keyword search and vector search?';

let browser: Browser;
let server: PageServer;
/**
 * One page for the whole file, reset before each test (storage cleared, viewport and colour scheme
 * set): a fresh browser context costs seconds on a busy two-core machine.
 */
let context: BrowserContext;
let sharedPage: Page;
/** Page errors, console errors and CSP violations seen by the current test. */
let problems: string[] = [];
/** Dialogs (alert/confirm/prompt) opened by the current test: an XSS payload would open one. */
let dialogs: string[] = [];

beforeAll(async () => {
  // Test the page as built from the current sources, not a stale bundle.
  await promisify(execFile)(process.execPath, ['scripts/build-web.mjs']);
  [browser, server] = await Promise.all([
    launchBrowser(),
    startPageServer({ chunks: CHAT_PAGE_CHUNKS, episodes: CHAT_PAGE_EPISODES }),
  ]);
  context = await browser.newContext({ reducedMotion: 'reduce' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  sharedPage = await context.newPage();
  sharedPage.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  sharedPage.on('console', (message) => {
    // A failed load names its resource only in the location, so keep it: the message alone cannot be traced.
    const where = message.location().url;
    if (message.type() === 'error') problems.push(`console: ${message.text()}${where ? ` (${where})` : ''}`);
  });
  sharedPage.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

afterEach(async () => {
  await sharedPage.unrouteAll({ behavior: 'ignoreErrors' });
  // Leave the page so no request of this test reaches the next test's server.
  await sharedPage.goto('about:blank');
  // Reset before asserting, so one test's failure does not fail every test after it.
  const seen = problems;
  problems = [];
  dialogs = [];
  expect(seen).toStrictEqual([]);
});

/** Opens `url` (default: the shared server) with empty storage, at `width` px, in `colorScheme`. */
async function openPage(options: { url?: string; width?: number; colorScheme?: 'light' | 'dark' } = {}): Promise<Page> {
  const page = sharedPage;
  await page.setViewportSize({ width: options.width ?? 1280, height: 800 });
  await page.emulateMedia({ colorScheme: options.colorScheme ?? 'light' });
  const url = options.url ?? server.url;
  // Storage belongs to the origin: clear it from a blank page of that origin, served by the browser.
  const blank = `${url}/blank-for-tests`;
  await page.route(blank, (route) =>
    // The icon link stops Chromium asking the server for /favicon.ico, a 404 that could land mid-test.
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><link rel="icon" href="data:,"><title>-</title>' }),
  );
  await page.goto(blank);
  await page.evaluate(() => {
    localStorage.clear();
    sessionStorage.clear();
  });
  await page.unroute(blank);
  await page.goto(url);
  return page;
}

/** Types a question, sends it with Enter and waits until the answer has finished (or failed). */
async function ask(page: Page, question: string): Promise<void> {
  const before = await page.locator('.thread > .turn').count();
  await page.locator('#question').fill(question);
  await page.locator('#question').press('Enter');
  await page.locator(`.thread > .turn:nth-child(${before + 1}):not(.turn-streaming)`).waitFor();
}

const lastTurn = (page: Page) => page.locator('.thread > .turn').last();

/** The episode titles of the cards in the open sources panel, in order. */
async function panelSourceTitles(page: Page): Promise<string[]> {
  await page.locator('#sources-panel').waitFor();
  return page.locator('#sources-list .source-title').allTextContents();
}

describe('asking', () => {
  test('streams the answer over SSE, then shows it with citation chips and announces it', async () => {
    const page = await openPage();
    await page.locator('.welcome').waitFor();
    const chatRequest = page.waitForRequest((request) => request.url().endsWith('/api/chat'));
    const chatResponse = page.waitForResponse((request) => request.url().endsWith('/api/chat'));
    await ask(page, KEYWORD_QUESTION);

    const request = await chatRequest;
    expect(request.postDataJSON()).toStrictEqual({ message: KEYWORD_QUESTION, history: [], stream: true });
    expect((await chatResponse).headers()['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(await lastTurn(page).locator('.question-text').textContent()).toBe(KEYWORD_QUESTION);
    expect(await lastTurn(page).locator('.answer-body').textContent()).toBe(HYBRID_ANSWER);
    expect(await lastTurn(page).locator('.citation-chip').allTextContents()).toStrictEqual(['[1]']);
    expect(await page.locator('.welcome').count()).toBe(0);
    await expect
      .poll(() => page.locator('#announcer').textContent())
      .toBe(`Answer ready, with 1 source: At 12:34 Ada Byron said: "${HYBRID_QUOTE}"`);
  });

  test('shows partial text while streaming; Stop aborts the request and keeps what arrived', async () => {
    const answerer = new GatedAnswerer();
    const gatedServer = await startPageServer({ chunks: CHAT_PAGE_CHUNKS, answerer });
    try {
      const page = await openPage({ url: gatedServer.url });
      await page.locator('.welcome').waitFor();
      await page.locator('#question').fill('Is vector search enough?');
      await page.locator('#question').press('Enter');

      await answerer.waitUntilGated();
      const streaming = page.locator('.turn-streaming');
      await streaming.locator('.answer-body', { hasText: 'Alice said' }).waitFor();
      expect(await streaming.locator('.answer-body').textContent()).toBe('Alice said');
      expect(await streaming.locator('.answer').getAttribute('aria-busy')).toBe('true');
      expect(await page.locator('#send').isDisabled()).toBe(true);

      await page.locator('#stop').click();
      await page.locator('.turn-stopped').waitFor();
      await expect.poll(() => answerer.abortObserved).toBe(true);
      expect(await page.locator('.turn-stopped .answer-body').textContent()).toBe('Alice said');
      expect(await page.locator('.turn-stopped .stopped-note').textContent()).toBe(
        'Stopped before the answer finished.',
      );
      expect(await page.locator('#stop').isHidden()).toBe(true);
      expect(await page.locator('#send').isEnabled()).toBe(true);
    } finally {
      await gatedServer.close();
    }
  });

  test('Shift+Enter breaks the line; Enter sends', async () => {
    const page = await openPage();
    await page.locator('.welcome').waitFor();
    const box = page.locator('#question');
    await box.click();
    await box.pressSequentially('first line');
    await box.press('Shift+Enter');
    await box.pressSequentially('second line');
    expect(await box.inputValue()).toBe('first line\nsecond line');
    expect(await page.locator('.thread > .turn').count()).toBe(0);
    await box.press('Enter');
    await page.locator('.thread > .turn:not(.turn-streaming)').waitFor();
    expect(await lastTurn(page).locator('.question-text').textContent()).toBe('first line\nsecond line');
    expect(await box.inputValue()).toBe('');
  });

  test('starter questions come from the catalogue and ask when clicked', async () => {
    const page = await openPage();
    const starters = page.locator('.starter-list .starter');
    await starters.first().waitFor();
    // Newest episode first, one kind of question each: its subject, then the guest of the oldest.
    expect(await starters.allTextContents()).toStrictEqual([
      'What do they say about Prompt Injection and Friends?',
      'What do they say about Lessons from Production?',
      'Who is Ada Byron, and what are they working on?',
      'What do they say about Vector Search in Practice?',
    ]);
    await starters.nth(2).click();
    await page.locator('.thread > .turn:not(.turn-streaming)').waitFor();
    expect(await lastTurn(page).locator('.question-text').textContent()).toBe(
      'Who is Ada Byron, and what are they working on?',
    );
  });

  test('a follow-up sends the earlier turns as history', async () => {
    const page = await openPage();
    await page.locator('.welcome').waitFor();
    await ask(page, KEYWORD_QUESTION);
    const followUp = page.waitForRequest((request) => request.url().endsWith('/api/chat'));
    await ask(page, 'And what about chunk size?');
    expect((await followUp).postDataJSON()).toStrictEqual({
      message: 'And what about chunk size?',
      history: [
        { role: 'user', content: KEYWORD_QUESTION },
        { role: 'assistant', content: HYBRID_ANSWER },
      ],
      stream: true,
    });
    expect(await page.locator('.thread > .turn').count()).toBe(2);
  });
});

describe('citations and sources', () => {
  test('hovering a chip shows the quote; clicking opens the sources panel at that citation', async () => {
    const page = await openPage();
    await page.locator('.welcome').waitFor();
    await ask(page, KEYWORD_QUESTION);
    const chip = lastTurn(page).locator('.citation-chip').first();

    await chip.hover();
    const tooltip = page.locator('#citation-tooltip');
    await tooltip.waitFor();
    expect(await tooltip.locator('p').allTextContents()).toStrictEqual([
      `“${HYBRID_QUOTE}”`,
      'Ada Byron · 12:34',
      VECTOR_TITLE,
    ]);

    await chip.click();
    expect(await panelSourceTitles(page)).toStrictEqual([`[1] ${VECTOR_TITLE}`]);
    const card = page.locator('#sources-list .source-card').first();
    await expect.poll(() => card.evaluate((element) => element === document.activeElement)).toBe(true);
    expect(await card.getAttribute('class')).toBe('source-card is-target');
    expect(await card.locator('.source-date').textContent()).toBe('2025-03-01');
    expect(await card.locator('.source-speaker').textContent()).toBe('Ada Byron');
    expect(await card.locator('.source-time').textContent()).toBe('12:34');
    // The quote is shown within its passage, fetched from /api/search, and highlighted.
    await card.locator('.source-context mark').waitFor();
    expect(await card.locator('.source-context mark').textContent()).toBe(HYBRID_QUOTE);
    expect(await card.locator('.source-context').textContent()).toBe(CHAT_PAGE_CHUNKS[0]!.text);
    const play = card.getByRole('link', { name: `Play from here: ${VECTOR_TITLE} at 12:34` });
    expect(await play.getAttribute('href')).toBe('https://media.example.com/vector-search.mp3#t=754');

    await page.keyboard.press('Escape');
    expect(await page.locator('#sources-panel').isHidden()).toBe(true);
    await expect.poll(() => chip.evaluate((element) => element === document.activeElement)).toBe(true);
  });

  test('[1, 2] and [1][2] markers become chips naming their episode; show notes are labelled as such', async () => {
    const transcript = fakeCitation({
      chunkId: CHAT_PAGE_CHUNKS[0]!.chunkId,
      episodeId: VECTOR_EPISODE,
      episodeTitle: VECTOR_TITLE,
      speaker: 'Ada Byron',
      timestampLabel: '12:34',
      // The episode's own media, which the page's security policy allows (the sources panel plays it).
      url: 'https://media.example.com/vector-search.mp3#t=65',
    });
    const notes = fakeCitation({
      n: 2,
      chunkId: `${AGENTS_EPISODE}#9`,
      episodeId: AGENTS_EPISODE,
      episodeTitle: AGENTS_TITLE,
      speaker: null,
      start: null,
      end: null,
      timestampLabel: null,
      url: null,
      quote: 'The notes list every evaluation set we mention.',
      kind: 'shownotes',
    });
    const answer = fakeChatAnswer({
      answer: 'Both agree [1, 2]. Again [1][2]. Not a source: [2020].',
      citations: [{ ...transcript, kind: 'transcript' }, notes],
    });
    const listServer = await startPageServer({
      chunks: CHAT_PAGE_CHUNKS,
      episodes: CHAT_PAGE_EPISODES,
      answerer: new ScriptedAnswerer(answer),
    });
    try {
      const page = await openPage({ url: listServer.url });
      await page.locator('.welcome').waitFor();
      await ask(page, 'Do they agree on evaluation sets?');
      const chips = lastTurn(page).locator('.citation-chip');
      expect(await chips.allTextContents()).toStrictEqual(['[1]', '[2]', '[1]', '[2]']);
      expect(await lastTurn(page).locator('.answer-body').textContent()).toBe(
        'Both agree [1][2]. Again [1][2]. Not a source: [2020].',
      );
      expect(await chips.evaluateAll((all) => all.map((chip) => chip.getAttribute('aria-label')))).toStrictEqual([
        `Source 1: ${VECTOR_TITLE}, Ada Byron · 12:34`,
        `Source 2: ${AGENTS_TITLE}, Show notes`,
        `Source 1: ${VECTOR_TITLE}, Ada Byron · 12:34`,
        `Source 2: ${AGENTS_TITLE}, Show notes`,
      ]);
      await chips.nth(1).hover();
      const tooltip = page.locator('#citation-tooltip');
      await tooltip.waitFor();
      expect(await tooltip.locator('p').allTextContents()).toStrictEqual([
        `“${notes.quote}”`,
        'Show notes',
        AGENTS_TITLE,
      ]);
      await chips.nth(1).click();
      const card = page.locator('#sources-list .source-card').nth(1);
      await card.waitFor();
      expect(await card.locator('.source-title').textContent()).toBe(`[2] ${AGENTS_TITLE}`);
      expect(await card.locator('.source-meta').textContent()).toBe('Show notes');
      expect(await card.locator('.source-time').count()).toBe(0);
    } finally {
      await listServer.close();
    }
  });

  test('an estimated time is marked ≈ and "copy reference" copies Episode — Speaker — time — "quote"', async () => {
    const page = await openPage();
    await page.locator('.welcome').waitFor();
    await ask(page, 'What do they do with every failed agent run on Fridays?');
    await lastTurn(page).locator('.citation-chip').first().click();
    const card = page.locator('#sources-list .source-card').first();
    await card.waitFor();
    expect(await card.locator('.source-time').textContent()).toBe('≈ 30:00');
    expect(await card.getByRole('link').count()).toBe(0);
    await card.getByRole('button', { name: 'Copy reference' }).click();
    await card.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
      `${AGENTS_TITLE} — Grace Tester — ≈ 30:00 — "We review every failed agent run on Fridays and turn it into a regression test."`,
    );
  });

  test('filtering to one episode scopes the question: only its citations come back', async () => {
    const page = await openPage();
    await page.locator('.welcome').waitFor();
    await ask(page, 'What did they say about keyword search?');
    await lastTurn(page)
      .getByRole('button', { name: /^\d+ sources?$/ })
      .click();
    const unfiltered = await panelSourceTitles(page);
    expect(unfiltered.some((title) => title.endsWith(VECTOR_TITLE))).toBe(true);
    await page.locator('#sources-close').click();

    await page.locator('#episode-filter-summary').click();
    await page.locator('#episode-search').fill('agents');
    expect(await page.locator('#episode-list .episode-option:visible .episode-title').allTextContents()).toStrictEqual([
      AGENTS_TITLE,
    ]);
    await page.getByRole('checkbox', { name: AGENTS_TITLE }).check();
    await page.locator('#episode-done').click();
    expect(await page.locator('#episode-filter-summary').textContent()).toBe(`Episodes: ${AGENTS_TITLE}`);

    const chatRequest = page.waitForRequest((request) => request.url().endsWith('/api/chat'));
    await ask(page, 'What did they say about keyword search?');
    expect((await chatRequest).postDataJSON().episodeIds).toStrictEqual([AGENTS_EPISODE]);
    expect(await lastTurn(page).locator('.question-scope').textContent()).toBe(`In ${AGENTS_TITLE}`);
    await lastTurn(page)
      .getByRole('button', { name: /^\d+ sources?$/ })
      .click();
    const filtered = await panelSourceTitles(page);
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.filter((title) => !title.endsWith(AGENTS_TITLE))).toStrictEqual([]);
  });

  test('a question the corpus does not cover says so and still lists the nearest passages', async () => {
    const page = await openPage();
    await page.locator('.welcome').waitFor();
    await ask(page, 'What is the secret family recipe for banana bread?');
    expect(await lastTurn(page).locator('.answer-body.not-covered').textContent()).toBe(ABSTENTION_TEXT);
    expect(await lastTurn(page).locator('.nearest-heading').textContent()).toBe('Nearest passages');
    expect(await lastTurn(page).locator('.nearest-list .source-card').count()).toBeGreaterThan(0);
    await expect
      .poll(() => page.locator('#announcer').textContent())
      .toBe("The episodes don't seem to cover that. The nearest passages are listed.");
  });
});

describe('conversation', () => {
  test('the thread survives a reload; "New chat" clears it', async () => {
    const page = await openPage();
    await page.locator('.welcome').waitFor();
    await ask(page, KEYWORD_QUESTION);
    await page.reload();
    await page.locator('.thread > .turn').waitFor();
    expect(await page.locator('.thread .question-text').allTextContents()).toStrictEqual([KEYWORD_QUESTION]);
    expect(await lastTurn(page).locator('.answer-body').textContent()).toBe(HYBRID_ANSWER);
    // Restored chips still open their sources.
    await lastTurn(page).locator('.citation-chip').first().click();
    expect(await panelSourceTitles(page)).toStrictEqual([`[1] ${VECTOR_TITLE}`]);

    await page.locator('#new-chat').click();
    expect(await page.locator('.thread > .turn').count()).toBe(0);
    await page.reload();
    await page.locator('.welcome').waitFor();
    expect(await page.locator('.thread > .turn').count()).toBe(0);
  });

  test('"copy answer" copies the answer and its references', async () => {
    const page = await openPage();
    await page.locator('.welcome').waitFor();
    await ask(page, KEYWORD_QUESTION);
    await lastTurn(page).getByRole('button', { name: 'Copy answer' }).click();
    await expect.poll(() => page.locator('#announcer').textContent()).toBe('Answer copied with its sources.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
      `${HYBRID_ANSWER}\n\nSources:\n[1] ${VECTOR_TITLE} — Ada Byron — 12:34 — "${HYBRID_QUOTE}"`,
    );
  });
});

describe('safety', () => {
  test('markup in a transcript is shown as literal text and never runs', async () => {
    const page = await openPage();
    await page.locator('.welcome').waitFor();
    await ask(page, 'What did the attacker paste into the support chat box?');
    const answerText = await lastTurn(page).locator('.answer-body').textContent();
    expect(answerText).toContain(XSS_IMG);
    expect(answerText).toContain(XSS_SCRIPT);
    await lastTurn(page).locator('.citation-chip').first().click();
    const card = page.locator('#sources-list .source-card').first();
    await card.locator('.source-context mark').waitFor();
    expect(await card.locator('.source-context').textContent()).toBe(CHAT_PAGE_CHUNKS[4]!.text);
    expect(await page.locator('.thread img, .thread script, #sources-panel img, #sources-panel script').count()).toBe(
      0,
    );
    expect(dialogs).toStrictEqual([]);
  });

  test('with API_TOKEN set the page asks for the token once and sends it as a bearer token', async () => {
    const guarded = await startPageServer({
      chunks: CHAT_PAGE_CHUNKS,
      episodes: CHAT_PAGE_EPISODES,
      env: { API_TOKEN: 'open-sesame' },
    });
    try {
      const page = await openPage({ url: guarded.url });
      // The 401 on /api/health shows up as a console resource error: expected here.
      const dialog = page.locator('#token-dialog');
      await dialog.waitFor();
      await page.locator('#token-input').fill('wrong');
      await page.getByRole('button', { name: 'Continue' }).click();
      await expect
        .poll(() => page.locator('#token-reason').textContent())
        .toBe('The server refused that token. Check it and enter it again.');
      await page.locator('#token-input').fill('open-sesame');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.locator('.welcome').waitFor();
      const chatRequest = page.waitForRequest((request) => request.url().endsWith('/api/chat'));
      await ask(page, KEYWORD_QUESTION);
      expect((await chatRequest).headers().authorization).toBe('Bearer open-sesame');
      expect(await lastTurn(page).locator('.answer-body').textContent()).toBe(HYBRID_ANSWER);
      expect(await page.evaluate(() => sessionStorage.getItem('podcite.apiToken'))).toBe('open-sesame');
      problems = problems.filter((problem) => !problem.includes('401 (Unauthorized)'));
    } finally {
      await guarded.close();
    }
  });
});

describe('states', () => {
  test.each([
    {
      failure: 'an error status',
      fail: (route: Route) =>
        route.fulfill({
          status: 503,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'index:missing', message: 'The index is not loaded yet.' } }),
        }),
      expected: ['The podcite server reported a problem.', 'The index is not loaded yet.'],
      consoleNoise: '503 (Service Unavailable)',
    },
    {
      failure: 'no connection',
      fail: (route: Route) => route.abort('connectionrefused'),
      expected: [
        'The podcite server could not be reached.',
        'Could not reach the podcite server. Check that it is running, then try again.',
      ],
      consoleNoise: 'ERR_CONNECTION_REFUSED',
    },
  ])('on $failure the page says what went wrong and retries, never a blank screen', async (scenario) => {
    const page = sharedPage;
    let failing = true;
    await page.route('**/api/health', (route) => (failing ? scenario.fail(route) : route.continue()));
    await openPage();
    const error = page.locator('.status-error');
    await error.waitFor();
    expect(await error.locator('p').allTextContents()).toStrictEqual(scenario.expected);
    failing = false;
    await error.getByRole('button', { name: 'Try again' }).click();
    await page.locator('.welcome').waitFor();
    problems = problems.filter((problem) => !problem.includes(scenario.consoleNoise));
  });

  test('a failure mid-stream shows the server message, keeps the thread usable and offers a retry', async () => {
    const failing = new FakeAnswerer({
      failWith: {
        error: new PodciteError('unavailable:llm', 'The language model did not answer in time.'),
        afterEvents: 1,
      },
    });
    const failingServer = await startPageServer({ chunks: CHAT_PAGE_CHUNKS, answerer: failing });
    try {
      const page = await openPage({ url: failingServer.url });
      await page.locator('.welcome').waitFor();
      await ask(page, 'Is vector search enough?');
      expect(await lastTurn(page).locator('.error-message').textContent()).toBe(
        'The language model did not answer in time.',
      );
      await expect
        .poll(() => page.locator('#announcer').textContent())
        .toBe('Error: The language model did not answer in time.');
      const retried = page.waitForRequest((request) => request.url().endsWith('/api/chat'));
      await lastTurn(page).getByRole('button', { name: 'Try again' }).click();
      expect((await retried).postDataJSON()).toStrictEqual({
        message: 'Is vector search enough?',
        history: [],
        stream: true,
      });
      await page.locator('.thread > .turn-error').waitFor();
      expect(await page.locator('.thread > .turn').count()).toBe(1);
      expect(failing.requests.length).toBe(2);
    } finally {
      await failingServer.close();
    }
  });

  test('an empty index says how to add episodes', async () => {
    const empty = await startPageServer({ chunks: [] });
    try {
      const page = await openPage({ url: empty.url });
      const card = page.locator('.page-status .status-card');
      await card.locator('.status-title').waitFor();
      expect(await card.locator('p').allTextContents()).toStrictEqual([
        'No episodes are indexed yet.',
        'Add transcripts with `npm run ingest -- PATH` on the server, then reload this page.',
      ]);
    } finally {
      await empty.close();
    }
  });

  test('a notice from the server (language model offline) is shown above the answer', async () => {
    const notice = 'The language model was unavailable; answered extractively.';
    const answer = fakeChatAnswer({ notice });
    const noticeServer = await startPageServer({ chunks: CHAT_PAGE_CHUNKS, answerer: new ScriptedAnswerer(answer) });
    try {
      const page = await openPage({ url: noticeServer.url });
      await page.locator('.welcome').waitFor();
      await ask(page, 'Is vector search enough?');
      expect(await lastTurn(page).locator('.notice').textContent()).toBe(notice);
      expect(await lastTurn(page).locator('.answer-body').textContent()).toBe(answer.answer);
    } finally {
      await noticeServer.close();
    }
  });
});

describe('themes, layout and accessibility', () => {
  test('the theme follows the system and the toggle overrides it, remembered across reloads', async () => {
    const page = await openPage({ colorScheme: 'dark' });
    const toggle = page.locator('#theme-toggle');
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await expect.poll(() => toggle.getAttribute('aria-pressed')).toBe('true');
    expect(await background()).toBe('rgb(15, 20, 25)');
    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    expect(await background()).toBe('rgb(255, 255, 255)');
    await page.reload();
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('light');
    expect(await background()).toBe('rgb(255, 255, 255)');
  });

  test.each([360, 390])('at %i px wide nothing overflows sideways: sources sheet and episode filter', async (width) => {
    const page = await openPage({ width });
    await page.locator('.welcome').waitFor();
    await ask(page, KEYWORD_QUESTION);
    await lastTurn(page).locator('.citation-chip').first().click();
    await page.locator('#sources-panel').waitFor();
    const widths = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      panel: Math.round(document.getElementById('sources-panel')!.getBoundingClientRect().width),
    }));
    expect(widths).toStrictEqual({ scroll: width, panel: width });

    await page.locator('#sources-close').click();
    await page.locator('#episode-filter-summary').click();
    const filterBox = await page.locator('.episode-filter-panel').boundingBox();
    expect(filterBox !== null && filterBox.x >= 0 && filterBox.x + filterBox.width <= width).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(width);
  });

  test.each(['light', 'dark'] as const)(
    'axe finds no serious or critical violations (%s theme)',
    async (colorScheme) => {
      const page = await openPage({ colorScheme });
      await page.locator('.welcome').waitFor();
      const welcome = await axeViolations(page);
      await ask(page, KEYWORD_QUESTION);
      await ask(page, 'What is the secret family recipe for banana bread?');
      await page.locator('.thread > .turn').first().locator('.citation-chip').first().click();
      await page.locator('#sources-list .source-context').first().waitFor();
      await page.locator('#episode-filter-summary').click();
      const conversation = await axeViolations(page);
      expect({ welcome, conversation }).toStrictEqual({ welcome: [], conversation: [] });
    },
  );
});

const axeSource = readFile(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');

/** Runs axe-core in the page; returns `rule: target` for each serious or critical violation. */
async function axeViolations(page: Page): Promise<string[]> {
  // Injected through the DevTools protocol, which CSP does not govern (script-src 'self' would block a tag).
  await page.evaluate(await axeSource);
  const results = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (options: object) => Promise<AxeResults> } }).axe;
    return axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
  });
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) => violation.nodes.map((node) => `${violation.id}: ${node.target.join(' ')}`));
}

interface AxeResults {
  violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[];
}

/** Streams `sources`, one delta, then waits at a gate (the test's chance to look) before finishing. */
class GatedAnswerer implements Answerer {
  readonly mode = 'extractive' as const;
  abortObserved = false;
  private gated: (() => void) | undefined;
  private readonly gatedPromise = new Promise<void>((resolve) => {
    this.gated = resolve;
  });

  waitUntilGated(): Promise<void> {
    return this.gatedPromise;
  }

  async *answer(_request: ChatRequest, options: { signal?: AbortSignal | undefined }): AsyncIterable<AnswerEvent> {
    const citation: Citation = fakeCitation({ episodeId: VECTOR_EPISODE, episodeTitle: VECTOR_TITLE });
    yield { type: 'sources', citations: [citation] };
    yield { type: 'text-delta', text: 'Alice said' };
    // Only an abort ends the wait: the test stops the answer here.
    await new Promise<void>((_resolve, reject) => {
      options.signal?.addEventListener('abort', () => {
        this.abortObserved = true;
        reject(options.signal?.reason);
      });
      this.gated?.();
    });
  }
}

/** Answers every question with the same body, streamed as sources → one delta → end. */
class ScriptedAnswerer implements Answerer {
  readonly mode = 'extractive' as const;
  constructor(private readonly body: ChatAnswer) {}

  async *answer(): AsyncIterable<AnswerEvent> {
    yield { type: 'sources', citations: this.body.citations };
    yield { type: 'text-delta', text: this.body.answer };
    yield { type: 'end', answer: this.body };
  }
}
