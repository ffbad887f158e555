/**
 * Real Chromium for the chat page's tests (playwright-core driving Debian's /usr/bin/chromium;
 * `npx playwright install` cannot download browsers offline), and a real podcite server over a
 * hand-made corpus: createApp + the hybrid retriever + the extractive answerer, with the hashing
 * fake embedder so no model loads.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { createExtractiveAnswerer } from '../../src/answer/extractive-answerer.js';
import { loadConfig } from '../../src/config.js';
import type { Answerer, Chunk, Episode } from '../../src/domain.js';
import { createApp } from '../../src/http/create-app.js';
import { InFlightTracker } from '../../src/http/in-flight-tracker.js';
import { startServer } from '../../src/http/start-server.js';
import { createRetriever } from '../../src/retrieval/create-retriever.js';
import { HashingEmbeddings } from './hashing-embeddings.js';
import { createInMemoryIndex } from './in-memory-index.js';

/** Where Debian's chromium package puts the browser; CHROMIUM_PATH overrides it for other systems. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Launches headless Chromium. Fails with the install command when the browser is missing. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. Install it (Debian/Ubuntu: apt-get install -y chromium) or set CHROMIUM_PATH.`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

export interface PageServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the real app (web/ page included) over `chunks` on an ephemeral port. `episodes`
 * replaces the catalogue the in-memory index derives (for dates and media URLs).
 */
export async function startPageServer(options: {
  chunks: Chunk[];
  episodes?: Episode[];
  env?: Record<string, string>;
  answerer?: Answerer;
}): Promise<PageServer> {
  const embeddings = new HashingEmbeddings({ dimension: 256 });
  const index = await createInMemoryIndex({
    chunks: options.chunks,
    embeddings,
    ...(options.episodes ? { manifest: { episodes: options.episodes } } : {}),
  });
  const retriever = createRetriever({ index, embeddings });
  const tracker = new InFlightTracker();
  const app = createApp({
    config: loadConfig({ RATE_LIMIT_PER_MINUTE: '0', ...options.env }),
    index,
    retriever,
    answerer: options.answerer ?? createExtractiveAnswerer({ retriever, index }),
    embedderId: embeddings.id,
    tracker,
    log: () => {},
  });
  const server = await startServer({ app, host: '127.0.0.1', port: 0, tracker });
  return { url: server.url, close: () => server.close({ graceMs: 1000 }) };
}
