/**
 * Takes the README screenshots of a real answer from a running podcite server:
 *
 *   npx tsx test/web/take-screenshots.ts http://127.0.0.1:3000 ["QUESTION"] [NAME]
 *
 * Without a question it asks the page's first starter question (drawn from the corpus). Writes
 * docs/screenshots/chat-desktop.png (1280 px, sources panel open), chat-desktop-dark.png,
 * chat-mobile.png and chat-mobile-sources.png (390 px); with NAME, only docs/screenshots/NAME.png
 * (1280 px, light, sources panel open). Uses /usr/bin/chromium (CHROMIUM_PATH).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';

const OUTPUT_DIR = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

async function main(): Promise<void> {
  const [url, question, name] = process.argv.slice(2);
  if (!url || !/^https?:\/\//.test(url) || (name !== undefined && !/^[\w-]+$/u.test(name))) {
    console.error('usage: npx tsx test/web/take-screenshots.ts SERVER_URL ["QUESTION"] [NAME]');
    process.exit(2);
  }
  await mkdir(OUTPUT_DIR, { recursive: true });
  const browser = await launchBrowser();
  try {
    if (name) {
      await shoot({ browser, url, question, width: 1280, height: 860, colorScheme: 'light', name });
      return;
    }
    await shoot({ browser, url, question, width: 1280, height: 860, colorScheme: 'light', name: 'chat-desktop' });
    await shoot({ browser, url, question, width: 1280, height: 860, colorScheme: 'dark', name: 'chat-desktop-dark' });
    await shoot({ browser, url, question, width: 390, height: 844, colorScheme: 'light', name: 'chat-mobile' });
  } finally {
    await browser.close();
  }
}

async function shoot(options: {
  browser: Browser;
  url: string;
  question: string | undefined;
  width: number;
  height: number;
  colorScheme: 'light' | 'dark';
  name: string;
}): Promise<void> {
  const context = await options.browser.newContext({
    viewport: { width: options.width, height: options.height },
    deviceScaleFactor: options.width < 600 ? 2 : 1,
    colorScheme: options.colorScheme,
    reducedMotion: 'reduce',
  });
  try {
    const page = await context.newPage();
    await page.goto(options.url);
    await page.locator('.welcome, .status-card').first().waitFor();
    const question = options.question ?? (await firstStarter(page));
    await page.locator('#question').fill(question);
    await page.locator('#question').press('Enter');
    await page.locator('.thread > .turn:not(.turn-streaming)').waitFor({ timeout: 120_000 });
    const chip = page.locator('.citation-chip').first();
    const mobile = options.width < 600;
    if (mobile) await save(page, options.name);
    if ((await chip.count()) > 0) {
      await chip.click();
      await page.locator('#sources-list .source-card').first().waitFor();
      // Let the passage context (a /api/search round trip) fill in before the picture.
      await page
        .locator('#sources-list .source-context')
        .first()
        .waitFor({ timeout: 5000 })
        .catch(() => {});
      await save(page, mobile ? `${options.name}-sources` : options.name);
    } else if (!mobile) {
      await save(page, options.name);
    }
  } finally {
    await context.close();
  }
}

async function firstStarter(page: Page): Promise<string> {
  const starter = page.locator('.starter').first();
  if ((await starter.count()) === 0) throw new Error('The page shows no starter question: pass a QUESTION.');
  return (await starter.textContent()) ?? '';
}

async function save(page: Page, name: string): Promise<void> {
  const file = path.join(OUTPUT_DIR, `${name}.png`);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: file });
  console.error(`wrote ${path.relative(process.cwd(), file)}`);
}

await main();
