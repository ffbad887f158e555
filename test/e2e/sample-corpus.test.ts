/**
 * End to end on the bundled corpus (issue 2): the real default offline embedder (the static embedder
 * distilled from Universal Sentence Encoder lite, `models/`) indexes `data/` into a fresh INDEX_DIR
 * through the same wiring as `npm start` (`startPodcite`: first run ingests the sample corpus), and
 * every check goes through HTTP. It runs once for the whole file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningPodcite, startPodcite } from '../../src/cli/start-podcite.js';
import { loadConfig } from '../../src/config.js';
import type { ChatAnswer, Citation, SearchResult } from '../../src/domain.js';
import { STATIC_EMBEDDER_ID, StaticEmbeddings } from '../../src/embeddings/static-embeddings.js';
import { toSearchResult } from '../../src/http/to-search-result.js';
import { createRetriever } from '../../src/retrieval/create-retriever.js';
import { buildIndexTables } from '../../src/tables/index-tables.js';
import { parseSse, postJson } from '../http/app-harness.js';

/** Facts of `data/latent-space-episodes.txt`: titles and the `DD-MM-YYYY | 1 u. 6 Min.` header lines. */
const MOONLAKE = {
  title:
    'Moonlake: Causal World Models should be Multimodal, Interactive, and Efficient — with Chris Manning and Fan-yun Sun',
  date: '2026-04-02',
  durationSeconds: 66 * 60,
  timestamps: 'exact',
} as const;
const MISTRAL = {
  title:
    "Mistral: Voxtral TTS, Forge, Leanstral, & what's next for Mistral 4 — w/ Pavan Kumar Reddy & Guillaume Lample",
  date: '2026-03-30',
  durationSeconds: 48 * 60,
  timestamps: 'partial',
} as const;
const KULIK = {
  title: '🔬Why There Is No "AlphaFold for Materials" — AI for Materials Discovery with Heather Kulik',
  date: '2026-03-24',
  durationSeconds: 35 * 60,
  timestamps: 'none',
} as const;
const DREAMER = {
  title: 'Dreamer: the Personal Agent OS — David Singleton',
  date: '2026-03-20',
  durationSeconds: 63 * 60,
  timestamps: 'exact',
} as const;
const FELIX = {
  title:
    'Why Anthropic Thinks AI Should Have Its Own Computer — Felix Rieseberg of Claude Cowork & Claude Code Desktop',
  date: '2026-03-17',
  durationSeconds: 86 * 60,
  timestamps: 'estimated',
} as const;
/** Newest first, as the page lists them. */
const EPISODES = [MOONLAKE, MISTRAL, KULIK, DREAMER, FELIX];

/** The only place the corpus gives Voxtral TTS's win rate: the Mistral episode's show notes. */
const WIN_RATE_SENTENCE =
  'Mistral can’t directly say it, but the benchmarks do imply, that this is basically an open-weights ElevenLabs-level TTS model (Technically, it is a 4B Ministral based multilingual low-latency TTS open weights model that has a 68.4% win rate vs ElevenLabs Flash v2.5).';

interface EpisodeListing {
  episodeId: string;
  title: string;
  date: string | null;
  durationSeconds: number | null;
  chunks: number;
  timestamps: string;
  url: string | null;
  chapters: { start: number | null; title: string }[];
}

let podcite: RunningPodcite;
let indexDir: string;
const serverLog: string[] = [];
/** episodeId by title, read from /api/episodes (ids are slugs the parser chooses, not corpus facts). */
const idOf = new Map<string, string>();

async function getJson(route: string): Promise<unknown> {
  const response = await fetch(`${podcite.url}${route}`);
  expect(response.status).toBe(200);
  return response.json();
}

async function ask(message: string, extra: Record<string, unknown> = {}): Promise<ChatAnswer> {
  const response = await postJson(`${podcite.url}/api/chat`, { message, ...extra });
  expect(response.status).toBe(200);
  return (await response.json()) as ChatAnswer;
}

async function search(body: Record<string, unknown>): Promise<SearchResult[]> {
  const response = await postJson(`${podcite.url}/api/search`, body);
  expect(response.status).toBe(200);
  return ((await response.json()) as { results: SearchResult[] }).results;
}

function episodeId(title: string): string {
  const id = idOf.get(title);
  if (id === undefined) throw new Error(`/api/episodes did not list "${title}"`);
  return id;
}

beforeAll(async () => {
  indexDir = await mkdtemp(path.join(tmpdir(), 'podcite-e2e-index-'));
  // Explicit environment: a developer's OPENAI_API_KEY or API_TOKEN must not change what is tested.
  const config = loadConfig({
    INDEX_DIR: indexDir,
    EMBEDDINGS: 'local',
    HOST: '127.0.0.1',
    PORT: '0',
    RATE_LIMIT_PER_MINUTE: '0',
    // Searches run in the worker thread here, as `auto` chooses on a machine with two cores or more.
    SEARCH_THREAD: 'true',
  });
  podcite = await startPodcite(config, { log: (line) => serverLog.push(line) });
  const listing = (await getJson('/api/episodes')) as { episodes: EpisodeListing[] };
  for (const episode of listing.episodes) idOf.set(episode.title, episode.episodeId);
}, 900_000);

afterAll(async () => {
  await podcite?.close();
  if (indexDir) await rm(indexDir, { recursive: true, force: true });
});

describe('the bundled corpus, indexed with the real offline embedder and served over HTTP', () => {
  test('first start ingested the sample corpus and said so', () => {
    // Status lines are plain text; the request log's JSON lines go to the same callback.
    const status = serverLog.filter((line) => !line.startsWith('{'));
    expect(status[0]).toBe(`No index at ${indexDir} yet: indexing the sample corpus first (one time, a few seconds).`);
    expect(status.at(-1)).toMatch(
      /^podcite: 5 episodes, [1-9]\d* chunks, extractive answers, searching in a worker thread\.$/,
    );
  });

  test('GET /api/health reports five episodes, the local embedder and extractive answers', async () => {
    const health = await getJson('/api/health');
    const listing = (await getJson('/api/episodes')) as { episodes: EpisodeListing[] };
    const chunkTotal = listing.episodes.reduce((sum, episode) => sum + episode.chunks, 0);
    expect(chunkTotal).toBeGreaterThan(0);
    expect(health).toStrictEqual({
      status: 'ok',
      episodes: 5,
      chunks: chunkTotal,
      embedder: STATIC_EMBEDDER_ID,
      answerer: 'extractive',
    });
  });

  test('GET /api/episodes lists the five episodes with titles, dates, durations and timestamp quality', async () => {
    const { episodes } = (await getJson('/api/episodes')) as { episodes: EpisodeListing[] };
    expect(
      episodes.map(({ title, date, durationSeconds, timestamps, url }) => ({
        title,
        date,
        durationSeconds,
        timestamps,
        url,
      })),
    ).toStrictEqual(EPISODES.map((episode) => ({ ...episode, url: null })));
    for (const episode of episodes) expect(episode.chunks).toBeGreaterThan(0);
    expect(new Set(episodes.map((episode) => episode.episodeId)).size).toBe(5);
    // The Moonlake show notes list sixteen chapters, the first two "00:00 Benchmarking Gets Hard00:47 Meet Moonlake Founders".
    const moonlake = episodes.find((episode) => episode.title === MOONLAKE.title);
    expect(moonlake?.chapters).toHaveLength(16);
    expect(moonlake?.chapters.slice(0, 2)).toStrictEqual([
      { start: 0, title: 'Benchmarking Gets Hard' },
      { start: 47, title: 'Meet Moonlake Founders' },
    ]);
  });

  test('POST /api/chat answers the Voxtral win-rate question from the Mistral episode', async () => {
    const body = await ask('What win rate did Voxtral TTS get against ElevenLabs?');
    expect(body.answerable).toBe(true);
    expect(body.mode).toBe('extractive');
    const winRate = body.citations.find((citation) => citation.quote.includes('68.4% win rate'));
    // The win rate is stated in the episode's show notes only: no speaker said it, so no speaker or time.
    expect(winRate).toStrictEqual({
      n: expect.any(Number),
      chunkId: expect.stringMatching(new RegExp(`^${episodeId(MISTRAL.title)}#\\d+$`)),
      episodeId: episodeId(MISTRAL.title),
      episodeTitle: MISTRAL.title,
      speaker: null,
      start: null,
      end: null,
      timestampLabel: null,
      approximate: expect.any(Boolean),
      url: null,
      quote: expect.stringContaining(WIN_RATE_SENTENCE),
      kind: 'shownotes',
    });
    expect(body.answer).toContain(`The show notes say: "${winRate?.quote}" [${winRate?.n}]`);
    expect(body.citations.map((citation) => citation.n)).toStrictEqual(
      body.citations.map((_citation, position) => position + 1),
    );
  });

  test('POST /api/chat cites a speaker and the second a transcript line was said', async () => {
    const body = await ask("Who is Fan-yun Sun's co-founder?");
    expect(body.answerable).toBe(true);
    // "[00:01:12] Fan-yun Sun: I should give a lot of credit to my co-founder, Sharon. Yeah. …"
    const sharon = body.citations.find((citation) => citation.quote.includes('co-founder, Sharon'));
    expect(sharon).toStrictEqual({
      n: expect.any(Number),
      chunkId: expect.stringMatching(new RegExp(`^${episodeId(MOONLAKE.title)}#\\d+$`)),
      episodeId: episodeId(MOONLAKE.title),
      episodeTitle: MOONLAKE.title,
      speaker: 'Fan-yun Sun',
      start: 72,
      end: expect.any(Number),
      timestampLabel: '01:12',
      approximate: false,
      url: null,
      // The quote opens with the turn (hence 01:12); how much of the turn it takes in is the answerer's choice.
      quote: expect.stringMatching(/^I should give a lot of credit to my co-founder, Sharon\./u),
      kind: 'transcript',
    });
    expect(sharon?.end).toBeGreaterThanOrEqual(72);
    expect(body.answer).toContain(`At 01:12 Fan-yun Sun said: "${sharon?.quote}" [${sharon?.n}]`);
  });

  test('the same answer streams over SSE: sources, then text deltas, then end with the JSON body', async () => {
    const question = 'What win rate did Voxtral TTS get against ElevenLabs?';
    const json = await ask(question);
    const response = await postJson(`${podcite.url}/api/chat`, { message: question }, { accept: 'text/event-stream' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const { events } = parseSse(await response.text());
    const names = events.map((event) => event.event);
    expect(names[0]).toBe('sources');
    expect(names.at(-1)).toBe('end');
    const deltas = names.slice(1, -1);
    expect(deltas.length).toBeGreaterThan(0);
    expect(deltas.every((name) => name === 'text-delta')).toBe(true);

    const end = events.at(-1)?.data as ChatAnswer;
    expect(end).toStrictEqual(json);
    const streamedText = events
      .slice(1, -1)
      .map((event) => (event.data as { text: string }).text)
      .join('');
    expect(streamedText).toBe(end.answer);
    // The sources event leads with the citations the answer uses, numbered as its markers.
    const sources = (events[0]?.data as { citations: Citation[] } | undefined)?.citations ?? [];
    expect(sources.slice(0, end.citations.length)).toStrictEqual(end.citations);
  });

  test('POST /api/search with episodeIds returns k results, all from that episode, best first', async () => {
    const query = 'Moonlake world models';
    const unfiltered = await search({ query, k: 5 });
    // Without the filter the best match is elsewhere, so the filter has work to do.
    expect(unfiltered[0]?.episodeId).toBe(episodeId(MOONLAKE.title));

    const dreamer = episodeId(DREAMER.title);
    const results = await search({ query, k: 5, episodeIds: [dreamer] });
    expect(results).toHaveLength(5);
    expect(results.map((result) => result.episodeId)).toStrictEqual(Array(5).fill(dreamer));
    expect(results.map((result) => result.episodeTitle)).toStrictEqual(Array(5).fill(DREAMER.title));
    const scores = results.map((result) => result.score);
    expect(scores).toStrictEqual([...scores].sort((a, b) => b - a));
    // Dreamer has exact timestamps: every transcript result carries its time and label.
    for (const result of results.filter((entry) => entry.start !== null)) {
      expect(result.timestampLabel).toMatch(/^(?:\d+:)?\d{2}:\d{2}$/);
    }
  });

  test('POST /api/search, answered by the search thread, equals in-process retrieval over the served index', async () => {
    // The server's own loaded index, searched in this thread.
    const local = createRetriever({ index: buildIndexTables(podcite.index), embeddings: new StaticEmbeddings() });
    const dreamer = episodeId(DREAMER.title);
    for (const [query, k, episodeIds] of [
      ['What win rate did Voxtral TTS get against ElevenLabs?', 10, undefined],
      ['How do they define world models?', 3, undefined],
      ['When does David start demoing the app?', 5, [dreamer]],
    ] as const) {
      const expected = await local.search(query, { k, episodeIds: episodeIds ? [...episodeIds] : undefined });
      const served = await search({ query, k, ...(episodeIds ? { episodeIds } : {}) });
      expect(served).toStrictEqual(expected.map((hit) => toSearchResult(hit)));
    }
  });

  test('a question the corpus does not cover is answered as unanswerable', async () => {
    const body = await ask('What is the recipe for sourdough bread?');
    // The wording of the abstention is the answerer's to choose; that it says so, and cites nothing, is the contract.
    expect(body).toStrictEqual({
      answer: expect.stringContaining("can't answer"),
      answerable: false,
      mode: 'extractive',
      citations: [],
    });
  });

  test('/readyz turns 200 once the answer tables are built; /metrics has timed the retrievals and answers', async () => {
    let ready = await fetch(`${podcite.url}/readyz`);
    for (let attempt = 0; ready.status !== 200 && attempt < 600; attempt++) {
      expect(ready.status).toBe(503);
      await new Promise((resolve) => setTimeout(resolve, 100));
      ready = await fetch(`${podcite.url}/readyz`);
    }
    expect(await ready.json()).toStrictEqual({ status: 'ready' });
    await ask('What win rate did Voxtral TTS get against ElevenLabs?');
    const lines = (await (await fetch(`${podcite.url}/metrics`)).text()).split('\n');
    const value = (prefix: string) => Number(lines.find((line) => line.startsWith(prefix))?.slice(prefix.length));
    expect(value('podcite_retrieval_duration_seconds_count ')).toBeGreaterThanOrEqual(1);
    expect(value('podcite_answer_duration_seconds_count{mode="extractive"} ')).toBeGreaterThanOrEqual(1);
    expect(value('podcite_index_chunks ')).toBe(podcite.index.manifest.chunkCount);
    expect(value('podcite_http_requests_total{method="POST",route="/api/chat",status="200"} ')).toBeGreaterThanOrEqual(
      1,
    );
  });
});
