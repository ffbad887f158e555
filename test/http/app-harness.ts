import { loadConfig } from '../../src/config.js';
import type { Answerer, Chunk, Retriever } from '../../src/domain.js';
import { createApp } from '../../src/http/create-app.js';
import { InFlightTracker } from '../../src/http/in-flight-tracker.js';
import type { Readiness } from '../../src/http/operations-routes.js';
import { type RunningServer, startServer } from '../../src/http/start-server.js';
import type { IndexTables } from '../../src/tables/index-tables.js';
import { FakeAnswerer } from '../support/fake-answerer.js';
import { HashingEmbeddings } from '../support/hashing-embeddings.js';
import { createInMemoryIndex } from '../support/in-memory-index.js';

/** A transcript chunk for HTTP tests. */
export function testChunk(overrides: Partial<Chunk> & Pick<Chunk, 'chunkId' | 'episodeId' | 'text'>): Chunk {
  return {
    episodeTitle: overrides.episodeId === 'episode-one' ? 'Episode One' : 'Episode Two',
    kind: 'transcript',
    speaker: 'Alice',
    speakers: ['Alice'],
    start: 0,
    end: 30,
    approximate: false,
    chapter: null,
    ordinal: 0,
    anchors: [{ offset: 0, seconds: 0, approximate: false }],
    ...overrides,
  };
}

export const TEST_CHUNKS: Chunk[] = [
  testChunk({
    chunkId: 'episode-one#0',
    episodeId: 'episode-one',
    text: 'Vector search is only half of retrieval; keyword search matters too.',
    start: 65,
    end: 95,
  }),
  testChunk({
    chunkId: 'episode-one#1',
    episodeId: 'episode-one',
    ordinal: 1,
    speaker: 'Bob',
    speakers: ['Bob'],
    text: 'Evaluation sets keep agents honest.',
    start: 3725.5,
    end: 3760,
    approximate: true,
  }),
  testChunk({
    chunkId: 'episode-two#0',
    episodeId: 'episode-two',
    kind: 'shownotes',
    speaker: null,
    speakers: [],
    text: 'Show notes about vector databases and search.',
    start: null,
    end: null,
    anchors: [],
  }),
];

/** Dense-only retriever over the in-memory index: enough to exercise the HTTP layer. */
export function createTestRetriever(index: IndexTables, embeddings: HashingEmbeddings): Retriever {
  return {
    async search(query, options) {
      return index.denseSearch(await embeddings.embedQuery(query), options);
    },
  };
}

export interface TestApp {
  url: string;
  answerer: Answerer;
  index: IndexTables;
  tracker: InFlightTracker;
  server: RunningServer;
  /** Server-side log lines (what clients must never see). */
  logs: string[];
  close(): Promise<void>;
}

/** Builds the real app with fakes from environment variables and listens on an ephemeral port. */
export async function startTestApp(
  options: {
    env?: Record<string, string>;
    answerer?: Answerer;
    webRoot?: string;
    heartbeatMs?: number;
    retriever?: Retriever;
    readiness?: Readiness;
  } = {},
): Promise<TestApp> {
  const embeddings = new HashingEmbeddings();
  const index = await createInMemoryIndex({ chunks: TEST_CHUNKS, embeddings });
  const answerer = options.answerer ?? new FakeAnswerer();
  const tracker = new InFlightTracker();
  const logs: string[] = [];
  const app = createApp({
    config: loadConfig({ RATE_LIMIT_PER_MINUTE: '0', ...options.env }),
    index,
    retriever: options.retriever ?? createTestRetriever(index, embeddings),
    answerer,
    embedderId: embeddings.id,
    webRoot: options.webRoot,
    tracker,
    log: (message) => logs.push(message),
    heartbeatMs: options.heartbeatMs,
    readiness: options.readiness,
  });
  const server = await startServer({ app, host: '127.0.0.1', port: 0, tracker });
  return { url: server.url, answerer, index, tracker, server, logs, close: () => server.close({ graceMs: 2000 }) };
}

/** POSTs a JSON body (or a raw string sent as is). */
export function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

export interface SseEvent {
  event: string;
  data: unknown;
}

/**
 * Parses a complete text/event-stream body (per the WHATWG rules podcite relies on): events are
 * separated by blank lines, `:` lines are comments, data lines are joined with newlines and
 * decoded as JSON when possible. Comments are returned separately.
 */
export function parseSse(text: string): { events: SseEvent[]; comments: string[] } {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  for (const block of text.split('\n\n')) {
    if (block.trim() === '') continue;
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) comments.push(line.slice(1).trim());
      else if (line.startsWith('event: ')) event = line.slice('event: '.length);
      else if (line.startsWith('data: ')) data.push(line.slice('data: '.length));
    }
    if (data.length === 0) continue;
    const joined = data.join('\n');
    let parsed: unknown = joined;
    try {
      parsed = JSON.parse(joined);
    } catch {
      // Not JSON (e.g. the OpenAI `[DONE]` sentinel): keep the string.
    }
    events.push({ event, data: parsed });
  }
  return { events, comments };
}
