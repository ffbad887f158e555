/**
 * The first answers a newcomer sees (issue 16), on the bundled sample page: parsed and chunked by
 * the real ingest code, searched by the shipped hybrid retriever (BM25 + a deterministic hashing
 * embedder standing in for the model), answered by the offline answerer.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { parseScrapedPage } from '../../ingest/parsers/scraped-page.js';
import { prepareEpisode } from '../../ingest/prepare-episode.js';
import { createExtractiveAnswerer } from '../../src/answer/extractive-answerer.js';
import type { Answerer, ChatAnswer, Chunk } from '../../src/domain.js';
import { createRetriever } from '../../src/retrieval/create-retriever.js';
import type { IndexTables } from '../../src/tables/index-tables.js';
import { starterQuestions } from '../../web/src/starter-questions.js';
import { HashingEmbeddings } from '../support/hashing-embeddings.js';
import { createInMemoryIndex } from '../support/in-memory-index.js';

let index: IndexTables;
let answerer: Answerer;

beforeAll(async () => {
  const page = readFileSync(new URL('../../data/latent-space-episodes.txt', import.meta.url), 'utf8');
  const prepared = parseScrapedPage(page, { fileName: 'latent-space-episodes.txt' }).map((episode) =>
    prepareEpisode(episode, { source: 'data/latent-space-episodes.txt' }),
  );
  const embeddings = new HashingEmbeddings();
  index = await createInMemoryIndex({
    chunks: prepared.flatMap((episode) => episode.chunks),
    embeddings,
    manifest: { episodes: prepared.map((episode) => episode.episode) },
  });
  answerer = createExtractiveAnswerer({ retriever: createRetriever({ index, embeddings }), index });
});

async function ask(message: string): Promise<ChatAnswer> {
  for await (const event of answerer.answer({ message, history: [] }, {})) {
    if (event.type === 'end') return event.answer;
  }
  throw new Error('no end event');
}

function chunkOf(chunkId: string): Chunk {
  const chunk = index.chunkById.get(chunkId);
  if (!chunk) throw new Error(`no chunk ${chunkId}`);
  return chunk;
}

describe('answers on the bundled sample', () => {
  test('every starter question the page offers for the sample is answered, none declined', async () => {
    const questions = starterQuestions(index.manifest.episodes, 8);
    expect(questions.length).toBe(8);
    const declined: string[] = [];
    for (const question of questions) if (!(await ask(question)).answerable) declined.push(question);
    expect(declined).toStrictEqual([]);
  });

  test("the issue's own examples: the founders, and the guest's answer rather than the host's question", async () => {
    const founded = await ask('Who founded Moonlake?');
    expect(founded.citations[0]?.quote).toContain('my co-founder, Sharon');
    const versus = await ask('How does Moonlake think about world models versus video generation?');
    expect(versus.citations[0]?.speaker).toBe('Chris Manning');
    expect(versus.citations[0]?.quote).toContain('generative AI video models');
    // A starter built from the chapter list's "Why Build World Models": swyx asks it, Fan-yun Sun answers.
    const why = await ask('Why build world models?');
    expect(why.citations[0]?.speaker).toBe('Fan-yun Sun');
    expect(why.citations[0]?.quote).toContain('Nvidia research');
  });

  test('the chapter lists are chunks of their own kind, never quoted for a content question', async () => {
    const lists = index.chunks.filter((chunk) => chunk.kind === 'chapters');
    expect(lists.map((chunk) => chunk.text.split('\n')[0])).toContain('00:00 Benchmarking Gets Hard');
    const answer = await ask('How does Moonlake think about world models versus video generation?');
    expect(answer.answerable).toBe(true);
    expect(answer.citations.length).toBeGreaterThan(0);
    for (const citation of answer.citations) {
      expect(chunkOf(citation.chunkId).kind).toBe('transcript');
      expect(citation.quote).not.toMatch(/\d{1,2}:\d{2}\s+\p{Lu}/u);
      expect(citation.speaker).not.toBeNull();
      expect(answer.answer).toContain(`${citation.speaker} said: "${citation.quote}" [${citation.n}]`);
    }
    expect(answer.answer).not.toContain('Benchmarking Gets Hard');
  });

  test('up to three quotes, each from a different moment, each introduced by its time and speaker', async () => {
    const answer = await ask('Who founded Moonlake and what is their background?');
    expect(answer.answerable).toBe(true);
    expect(answer.citations.length).toBeGreaterThanOrEqual(1);
    expect(answer.citations.length).toBeLessThanOrEqual(3);
    expect(new Set(answer.citations.map((citation) => citation.chunkId)).size).toBe(answer.citations.length);
    for (const citation of answer.citations) {
      // Show notes have no speaker or time, and are introduced as what they are.
      expect(answer.answer).toContain(
        citation.kind === 'shownotes'
          ? `The show notes say: "${citation.quote}"`
          : `At ${citation.approximate ? 'about ' : ''}${citation.timestampLabel} ${citation.speaker} said: "${citation.quote}"`,
      );
      // A quote is whole sentences: it ends on closing punctuation, never mid-phrase.
      expect(citation.quote).toMatch(/[.!?…]["'”’)]*$/u);
    }
  });

  test('a "when" question is answered with the time, from the chapter that names the topic', async () => {
    const answer = await ask('When do they talk about enterprise deployment and privacy?');
    expect(answer.answerable).toBe(true);
    const [first] = answer.citations;
    expect(chunkOf(first!.chunkId).kind).toBe('transcript');
    // The chapter list puts "Enterprise Deployment and Privacy" at 17:56; the first turn of it starts within seconds.
    expect(Math.abs(first!.start! - 1076)).toBeLessThanOrEqual(5);
    // Its time is estimated (this transcript has no times), and the answer says so.
    expect(first!.approximate).toBe(true);
    expect(answer.answer).toContain(`at about ${first!.timestampLabel}`);
    expect(answer.answer).toContain('"Enterprise Deployment and Privacy" chapter');
  });

  test('show notes are quoted as show notes: no speaker, no time', async () => {
    const answer = await ask('What win rate does Voxtral TTS have against ElevenLabs Flash?');
    expect(answer.answerable).toBe(true);
    const notes = answer.citations.find((citation) => chunkOf(citation.chunkId).kind === 'shownotes');
    expect(notes).toMatchObject({ speaker: null, start: null, timestampLabel: null, kind: 'shownotes' });
    expect(answer.answer).toContain(`The show notes say: "${notes!.quote}" [${notes!.n}]`);
  });

  test('"Who is X?" quotes what is said about X, not the greeting that only names X', async () => {
    const answer = await ask('Who is David Singleton?');
    expect(answer.answer).toContain('left Stripe');
    expect(answer.answer).not.toContain('here in the studio');
  });

  test('a starter question "Who is X, and what are they working on?" gets the answer "Who is X?" gets', async () => {
    const plain = await ask('Who is Heather Kulik?');
    const starter = await ask('Who is Heather Kulik, and what are they working on?');
    expect(plain.answer).toContain('Heather Kulik');
    expect(starter.answer).toBe(plain.answer);
  });

  test('"how many" is declined when no passage it may quote states a number, answered when one does', async () => {
    const unstated = await ask('How many people has Moonlake hired so far?');
    expect([unstated.answerable, unstated.citations]).toStrictEqual([false, []]);
    const counted = await ask('How many minutes of wall clock time did David spend on his conference app?');
    expect(counted.answerable).toBe(true);
    expect(counted.citations.some((citation) => /\d|minutes/u.test(citation.quote))).toBe(true);
  });

  test.each([
    'What valuation did Moonlake raise its seed round at?',
    'What did swyx say about the Apple Vision Pro?',
    'What is the recipe for sourdough bread?',
  ])('abstains on a question the episodes do not answer: %s', async (question) => {
    const answer = await ask(question);
    expect([answer.answerable, answer.citations]).toStrictEqual([false, []]);
  });
});
