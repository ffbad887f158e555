import { describe, expect, test } from 'vitest';
import {
  ABSTENTION_TEXT,
  createExtractiveAnswerer,
  isWhenQuestion,
  questionSupport,
} from '../../src/answer/extractive-answerer.js';
import type { AnswerEvent, ChatRequest } from '../../src/domain.js';
import {
  BOWLING_SECOND_SENTENCE,
  BOWLING_THIRD_SENTENCE,
  createDenseRetriever,
  createSampleIndex,
  sampleChunks,
} from './sample-chunks.js';

async function collect(events: AsyncIterable<AnswerEvent>): Promise<AnswerEvent[]> {
  const all: AnswerEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

async function ask(request: Partial<ChatRequest> & { message: string }) {
  const index = await createSampleIndex();
  const retriever = createDenseRetriever(index);
  const answerer = createExtractiveAnswerer({ retriever, index });
  const events = await collect(answerer.answer({ history: [], ...request }, {}));
  const end = events.at(-1);
  if (end?.type !== 'end') throw new Error('last event is not end');
  return { events, answer: end.answer, retriever };
}

describe('createExtractiveAnswerer', () => {
  test('quotes the best sentence verbatim, timed at that sentence, and streams sources → text → end', async () => {
    const { events, answer } = await ask({ message: 'What game did Moonlake prompt the model to create?' });
    const between = BOWLING_THIRD_SENTENCE - BOWLING_SECOND_SENTENCE;
    const citation = {
      n: 1,
      chunkId: 'moonlake#1',
      episodeId: 'moonlake',
      episodeTitle: 'Moonlake: Causal World Models',
      speaker: 'Fan-yun Sun',
      start: 1245,
      end: 1245 + (7 * (between - 1)) / between,
      timestampLabel: '20:45',
      approximate: false,
      url: 'https://example.com/moonlake.mp3#t=1245',
      quote: 'So okay it prompted to create a bowling game with pins falling and scoring.',
    };
    expect(answer).toStrictEqual({
      answer: 'Fan-yun Sun said: "So okay it prompted to create a bowling game with pins falling and scoring." [1]',
      answerable: true,
      mode: 'extractive',
      citations: [citation],
    });
    expect(events.map((event) => event.type)).toStrictEqual(['sources', 'text-delta', 'end']);
    const sources = events[0]?.type === 'sources' ? events[0].citations : [];
    expect(sources[0]).toStrictEqual(citation);
    expect(sources.map((source) => [source.n, source.chunkId])).toStrictEqual([
      [1, 'moonlake#1'],
      [2, 'moonlake#0'],
      [3, 'moonlake#2'],
      [4, 'dreamer#0'],
      [5, 'cowork#0'],
    ]);
    expect(events[1]).toStrictEqual({ type: 'text-delta', text: answer.answer });
  });

  test('in a grouped chunk the quote leaves out the speaker prefix and names the turn speaker', async () => {
    const { answer } = await ask({ message: 'What storage does each Dreamer agent get automatically?' });
    expect(
      answer.citations.map((citation) => [citation.quote, citation.speaker, citation.start, citation.approximate]),
    ).toStrictEqual([
      ['Every agent gets its own storage automatically, a database and a file system.', 'David Singleton', 300, false],
    ]);
    expect(answer.answer).toBe(
      'David Singleton said: "Every agent gets its own storage automatically, a database and a file system." [1]',
    );
  });

  test('abstains kindly when nothing supports an answer, with the nearest passages only in sources', async () => {
    const { events, answer } = await ask({ message: 'How much venture funding did the seed round raise?' });
    expect(answer).toStrictEqual({ answer: ABSTENTION_TEXT, answerable: false, mode: 'extractive', citations: [] });
    const sources = events[0]?.type === 'sources' ? events[0].citations : [];
    expect(sources.map((source) => source.n)).toStrictEqual([1, 2, 3, 4, 5]);
    expect(events.map((event) => event.type)).toStrictEqual(['sources', 'text-delta', 'end']);
  });

  test('a "when" question cites the sentence where the topic starts and says its time', async () => {
    const { answer } = await ask({ message: 'When does Fan-yun Sun talk about the bowling game demo?' });
    expect(answer.answer).toBe('Fan-yun Sun gets to this at 20:00: "We wanted a demo that anyone understands." [1]');
    expect(answer.citations.map((citation) => [citation.start, citation.url])).toStrictEqual([
      [1200, 'https://example.com/moonlake.mp3#t=1200'],
    ]);
  });

  test('a "when" question naming a chapter cites the first sentence of that chapter', async () => {
    const chapter = 'Building A Conference App';
    const appChunks = [
      {
        ...sampleChunks[3]!,
        chunkId: 'dreamer#1',
        ordinal: 1,
        chapter,
        speaker: 'David Singleton',
        speakers: ['David Singleton'],
        text: 'Let us look at something near and dear to your heart. It is my schedule.',
        start: 593,
        end: 640,
        anchors: [{ offset: 0, seconds: 593, approximate: false }],
      },
      {
        ...sampleChunks[3]!,
        chunkId: 'dreamer#2',
        ordinal: 2,
        chapter,
        speaker: 'David Singleton',
        speakers: ['David Singleton'],
        text: 'So I decided to build a conference app for your AI engineer conference, and I demo it now.',
        start: 640,
        end: 700,
        anchors: [{ offset: 0, seconds: 640, approximate: false }],
      },
    ];
    const index = await createSampleIndex([...sampleChunks, ...appChunks]);
    for (const episode of index.manifest.episodes) {
      if (episode.episodeId === 'dreamer') episode.chapters = [{ start: 593, title: chapter }];
    }
    const retriever = createDenseRetriever(index);
    const question = 'When does David start demoing the conference app he built?';
    const answerer = createExtractiveAnswerer({ retriever, index });
    const events = await collect(answerer.answer({ message: question, history: [] }, {}));
    const end = events.at(-1);
    expect(end?.type === 'end' ? end.answer.answer : undefined).toBe(
      'David Singleton gets to this at 09:53, at the start of the "Building A Conference App" chapter: "Let us look at something near and dear to your heart." [1]',
    );
    const hits = await retriever.search(question, { k: 8 });
    expect(questionSupport({ question, hits, index })).toBe(1);
    expect(
      questionSupport({ question: 'What did David say about pricing for the conference?', hits, index }),
    ).toBeLessThan(1);
  });

  test('the episode filter reaches retrieval', async () => {
    const { events } = await ask({ message: 'What storage does each agent get?', episodeIds: ['cowork'] });
    const sources = events[0]?.type === 'sources' ? events[0].citations : [];
    expect(sources.map((source) => source.chunkId)).toStrictEqual(['cowork#0']);
  });

  test('a follow-up is rewritten with the earlier question before retrieval', async () => {
    const { retriever } = await ask({
      message: 'And why is that?',
      history: [
        { role: 'user', content: 'Why do local machines still matter to Felix?' },
        { role: 'assistant', content: 'Felix said: "Local machines still matter." [1]' },
      ],
    });
    expect(retriever.queries).toStrictEqual(['And why is that? Felix local machines still matter']);
  });

  test('an aborted request stops without more events', async () => {
    const index = await createSampleIndex();
    const answerer = createExtractiveAnswerer({ retriever: createDenseRetriever(index), index });
    const controller = new AbortController();
    controller.abort();
    const events = await collect(
      answerer.answer({ message: 'What game?', history: [] }, { signal: controller.signal }),
    );
    expect(events).toStrictEqual([]);
  });
});

describe('isWhenQuestion', () => {
  test.each([
    ['When does Guillaume start on enterprise deployment?', true],
    ['At what timestamp does Chris Manning begin?', true],
    ['What time does the demo start?', true],
    ['What did Felix say about when to ship?', false],
    ['Who founded Dreamer?', false],
  ])('%s → %s', (question, expected) => {
    expect(isWhenQuestion(question)).toBe(expected);
  });
});
