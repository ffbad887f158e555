import { describe, expect, test } from 'vitest';
import {
  ABSTENTION_TEXT,
  createExtractiveAnswerer,
  isWhenQuestion,
  questionSupport,
  unmentionedAbstentionText,
} from '../../src/answer/extractive-answerer.js';
import {
  askedTopic,
  asksForCount,
  asksForYear,
  countedThing,
  speakersAskedFor,
  statesAskedAmount,
  statesCount,
} from '../../src/answer/quote-requirements.js';
import type { AnswerEvent, ChatRequest, Chunk } from '../../src/domain.js';
import { createDenseRetriever, createFixedRetriever, createSampleIndex, sampleChunks } from './sample-chunks.js';

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
  test("quotes the best sentence verbatim with the next one, timed at the quote's start, and streams sources → text → end", async () => {
    const { events, answer } = await ask({ message: 'What game did Moonlake prompt the model to create?' });
    const citation = {
      n: 1,
      chunkId: 'moonlake#1',
      episodeId: 'moonlake',
      episodeTitle: 'Moonlake: Causal World Models',
      speaker: 'Fan-yun Sun',
      start: 1245,
      // The best sentence takes in the one after it (the chunk ends there), not the one before,
      // which says none of the question's words.
      end: 1260,
      timestampLabel: '20:45',
      approximate: false,
      url: 'https://example.com/moonlake.mp3#t=1245',
      quote:
        'So okay it prompted to create a bowling game with pins falling and scoring. The model writes every step as a trace you can inspect.',
      kind: 'transcript' as const,
    };
    expect(answer).toStrictEqual({
      answer:
        'At 20:45 Fan-yun Sun said: "So okay it prompted to create a bowling game with pins falling and scoring. The model writes every step as a trace you can inspect." [1]',
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
      'At 05:00 David Singleton said: "Every agent gets its own storage automatically, a database and a file system." [1]',
    );
  });

  test('abstains kindly when nothing supports an answer, with the nearest passages only in sources', async () => {
    const { events, answer } = await ask({ message: 'How much venture funding did the seed round raise?' });
    expect(answer).toStrictEqual({ answer: ABSTENTION_TEXT, answerable: false, mode: 'extractive', citations: [] });
    const sources = events[0]?.type === 'sources' ? events[0].citations : [];
    expect(sources.map((source) => source.n)).toStrictEqual([1, 2, 3, 4, 5]);
    expect(events.map((event) => event.type)).toStrictEqual(['sources', 'text-delta', 'end']);
  });

  test('abstains, naming them, when the question uses names the episodes never mention', async () => {
    const { events, answer } = await ask({ message: "What did Runway's founders say about their Gen-4 world model?" });
    const text =
      "The episodes don't mention Runway or Gen-4, so I can't answer this from the transcripts. The closest passages I found are listed as sources.";
    expect(answer).toStrictEqual({ answer: text, answerable: false, mode: 'extractive', citations: [] });
    const sources = events[0]?.type === 'sources' ? events[0].citations : [];
    // The world-model passages still come back as the nearest sources.
    expect(sources.map((source) => source.chunkId)).toContain('moonlake#0');
    expect(events[1]).toStrictEqual({ type: 'text-delta', text });
  });

  test("abstains when half or more of the question's words are never said, even if one matches", async () => {
    // "recipe" and "sourdough" are nowhere in the index; "bowling", "game" and "pins" are.
    const { answer } = await ask({ message: 'What is the sourdough recipe for a bowling game with pins?' });
    expect(answer.answerable).toBe(true);
    const { answer: unseen } = await ask({ message: 'What is the sourdough recipe for bowling?' });
    expect(unseen).toStrictEqual({ answer: ABSTENTION_TEXT, answerable: false, mode: 'extractive', citations: [] });
  });

  test('a misspelt name the episodes do say still gets an answer', async () => {
    const { answer } = await ask({ message: 'What game did Moonlaek prompt the model to create?' });
    expect([answer.answerable, answer.citations.map((citation) => citation.chunkId)]).toStrictEqual([
      true,
      ['moonlake#1'],
    ]);
  });

  test('a quote opening with a pronoun takes in the sentence before; no sentence is quoted twice', async () => {
    const text =
      'Before Mistral I worked on the Gemini assistant at Google. That was the first project I shipped after joining. Then we hired more people to help.';
    const pavan: Chunk = {
      ...sampleChunks[0]!,
      chunkId: 'mistral#0',
      episodeId: 'mistral',
      episodeTitle: 'Mistral',
      speaker: 'Pavan',
      speakers: ['Pavan'],
      text,
      anchors: [{ offset: 0, seconds: 100, approximate: false }],
    };
    const index = await createSampleIndex([...sampleChunks, pavan]);
    const answerer = createExtractiveAnswerer({ retriever: createFixedRetriever([pavan]), index });
    const events = await collect(
      answerer.answer({ message: 'What was the first project Pavan shipped?', history: [] }, {}),
    );
    const end = events.at(-1);
    expect(end?.type === 'end' ? end.answer.citations.map((citation) => citation.quote) : []).toStrictEqual([text]);
  });

  test('"What did X say about…" is declined when only someone else says it, answered in X\'s words', async () => {
    // swyx names Chris Manning, so the question's names and words are all there: only the speaker is wrong.
    const said = (speaker: string): Chunk => ({
      ...sampleChunks[0]!,
      chunkId: 'moonlake#9',
      ordinal: 9,
      speaker,
      speakers: [speaker],
      text:
        speaker === 'swyx'
          ? 'I keep hearing that Chris Manning likes starting from game engines because they give you physics for free.'
          : 'Starting from game engines gives you the physics of a world for free, which is why we do it.',
    });
    for (const [speaker, answerable] of [
      ['swyx', false],
      ['Chris Manning', true],
    ] as const) {
      const chunk = said(speaker);
      const index = await createSampleIndex([...sampleChunks, said('swyx'), chunk]);
      const answerer = createExtractiveAnswerer({ retriever: createFixedRetriever([chunk]), index });
      const events = await collect(
        answerer.answer({ message: 'What did Chris Manning say about starting from game engines?', history: [] }, {}),
      );
      const end = events.at(-1);
      expect(end?.type === 'end' ? [end.answer.answerable, end.answer.citations.length > 0] : []).toStrictEqual([
        answerable,
        answerable,
      ]);
    }
  });

  test('"What did X say about Y?" is declined when X\'s quote says less than half of Y', async () => {
    const chunk = (chunkId: string, speaker: string, text: string): Chunk => ({
      ...sampleChunks[0]!,
      chunkId,
      ordinal: Number(chunkId.split('#')[1]),
      speaker,
      speakers: [speaker],
      text,
    });
    const manning = chunk(
      'moonlake#9',
      'Chris Manning',
      'Quantum physics is a lovely thing to read about on a weekend.',
    );
    // Someone else says the other words, so the index knows them and only the topic rule can decline.
    const other = chunk('moonlake#10', 'swyx', 'Error correction hardware is still years away.');
    const index = await createSampleIndex([...sampleChunks, manning, other]);
    const answerer = createExtractiveAnswerer({ retriever: createFixedRetriever([manning]), index });
    const outcome = async (message: string) => {
      const end = (await collect(answerer.answer({ message, history: [] }, {}))).at(-1);
      return end?.type === 'end' ? [end.answer.answerable, end.answer.citations.length] : [];
    };
    expect(await outcome('What did Chris Manning say about quantum error correction hardware?')).toStrictEqual([
      false,
      0,
    ]);
    expect(await outcome('What did Chris Manning say about quantum physics?')).toStrictEqual([true, 1]);
  });

  test('"In what year…" and "How long…" are declined when no quote states a year or a span', async () => {
    const boot: Chunk = {
      ...sampleChunks[0]!,
      chunkId: 'moonlake#11',
      ordinal: 11,
      text: 'The virtual machine boots quickly, and booting the virtual machine is what people notice first.',
    };
    const index = await createSampleIndex([...sampleChunks, boot]);
    const answerer = createExtractiveAnswerer({ retriever: createFixedRetriever([boot]), index });
    for (const message of [
      'How long does the virtual machine take to boot?',
      'In what year did the virtual machine first boot?',
    ]) {
      const end = (await collect(answerer.answer({ message, history: [] }, {}))).at(-1);
      expect(end?.type === 'end' ? [message, end.answer.answerable] : []).toStrictEqual([message, false]);
    }
    const end = (
      await collect(
        answerer.answer({ message: 'What do people notice first about the virtual machine?', history: [] }, {}),
      )
    ).at(-1);
    expect(end?.type === 'end' ? end.answer.answerable : undefined).toBe(true);
  });

  test('"Which…?" is answered by a quote that names something, declined when none does', async () => {
    const chunk = (ordinal: number, text: string): Chunk => ({
      ...sampleChunks[0]!,
      chunkId: `moonlake#${ordinal}`,
      ordinal,
      text,
    });
    const vague = chunk(12, 'We exported the worlds to a game engine people already know, and it worked well for us.');
    const named = chunk(15, 'We exported the worlds to Unreal, a game engine people already know, and it worked well.');
    const index = await createSampleIndex([...sampleChunks, vague, named]);
    const message = 'Which game engine did they export the worlds to?';
    const outcome = async (hits: Chunk[]) => {
      const answerer = createExtractiveAnswerer({ retriever: createFixedRetriever(hits), index, maxSentences: 1 });
      const end = (await collect(answerer.answer({ message, history: [] }, {}))).at(-1);
      return end?.type === 'end' ? end.answer.citations.map((citation) => citation.quote) : undefined;
    };
    expect(await outcome([vague])).toStrictEqual([]);
    expect(await outcome([named])).toStrictEqual([
      'We exported the worlds to Unreal, a game engine people already know, and it worked well.',
    ]);
  });

  test('a quote takes in the next sentence past its length limit when that one states the amount asked', async () => {
    const long = `Building the conference schedule app was ${'really quite a fun and interesting little '.repeat(10)}project for me.`;
    const app: Chunk = {
      ...sampleChunks[0]!,
      chunkId: 'dreamer#8',
      episodeId: 'dreamer',
      episodeTitle: 'Dreamer: Agents for Everyone',
      ordinal: 8,
      speaker: 'David Singleton',
      speakers: ['David Singleton'],
      text: `${long} It took me about 25 minutes of wall clock time on it.`,
    };
    const index = await createSampleIndex([...sampleChunks, app]);
    const answerer = createExtractiveAnswerer({ retriever: createFixedRetriever([app]), index, maxSentences: 1 });
    const end = (
      await collect(
        answerer.answer({ message: 'How much time did building the conference schedule app take?', history: [] }, {}),
      )
    ).at(-1);
    expect(end?.type === 'end' ? end.answer.citations.map((citation) => citation.quote) : []).toStrictEqual([app.text]);
  });

  test("when the chunk ends before the amount asked, the speaker's next sentence in the next chunk is quoted too", async () => {
    const part = (ordinal: number, text: string, seconds: number): Chunk => ({
      ...sampleChunks[0]!,
      chunkId: `dreamer#${ordinal}`,
      episodeId: 'dreamer',
      episodeTitle: 'Dreamer: Agents for Everyone',
      ordinal,
      speaker: 'David Singleton',
      speakers: ['David Singleton'],
      text,
      anchors: [{ offset: 0, seconds, approximate: false }],
    });
    const first = part(
      20,
      'Building the conference schedule app on Dreamer was my favourite project this spring.',
      600,
    );
    const second = part(21, 'It took me about 25 minutes in all. Then I shared it with everyone.', 630);
    const index = await createSampleIndex([...sampleChunks, first, second]);
    const answerer = createExtractiveAnswerer({ retriever: createFixedRetriever([first]), index, maxSentences: 1 });
    const end = (
      await collect(
        answerer.answer({ message: 'How much time did building the conference schedule app take?', history: [] }, {}),
      )
    ).at(-1);
    expect(
      end?.type === 'end' ? end.answer.citations.map((citation) => [citation.chunkId, citation.quote]) : [],
    ).toStrictEqual([
      ['dreamer#20', 'Building the conference schedule app on Dreamer was my favourite project this spring.'],
      ['dreamer#21', 'It took me about 25 minutes in all.'],
    ]);
  });

  test('a question asking for an amount prefers the sentence that states one', async () => {
    // Two speakers, so the quote's context (the same speaker's sentences around it) stays out.
    const time: Chunk = {
      ...sampleChunks[0]!,
      chunkId: 'dreamer#7',
      episodeId: 'dreamer',
      episodeTitle: 'Dreamer: Agents for Everyone',
      speaker: 'David Singleton',
      speakers: ['Alessio', 'David Singleton'],
      text: 'Alessio: Building the conference app took time that you found between meetings, and you enjoyed the time building the app. David Singleton: Honestly the whole app took about 25 minutes of building time.',
      anchors: [{ offset: 0, seconds: 100, approximate: false }],
    };
    const index = await createSampleIndex([...sampleChunks, time]);
    const answerer = createExtractiveAnswerer({ retriever: createFixedRetriever([time]), index, maxSentences: 1 });
    const events = await collect(
      answerer.answer({ message: 'How much time did building the conference app take?', history: [] }, {}),
    );
    const end = events.at(-1);
    expect(end?.type === 'end' ? end.answer.citations.map((citation) => citation.quote) : []).toStrictEqual([
      'Honestly the whole app took about 25 minutes of building time.',
    ]);
  });

  test('an answer quote takes in at most two sentences either side, within 80 words, and no cut-off sentence or unrelated one before', async () => {
    const filler =
      'We spent a long afternoon talking about the lighthouse, the coffee, the traffic outside, the noise of the trains, the price of bread, the football scores and the many small things that fill a day.';
    const text = [
      'Nobody asked for this.',
      filler,
      filler,
      'The lighthouse protocol keeps every ship safe at night.',
      'It was our first real launch.',
      'and then the chunk ends',
    ].join(' ');
    const chunk: Chunk = {
      ...sampleChunks[0]!,
      chunkId: 'moonlake#5',
      ordinal: 5,
      text,
      anchors: [{ offset: 0, seconds: 600, approximate: false }],
    };
    const index = await createSampleIndex([...sampleChunks, chunk]);
    const answerer = createExtractiveAnswerer({ retriever: createFixedRetriever([chunk]), index, maxSentences: 1 });
    const events = await collect(
      answerer.answer({ message: 'What does the lighthouse protocol keep safe?', history: [] }, {}),
    );
    const end = events.at(-1);
    // The next sentence joins; before it, one sentence fits in 80 words; the last is cut off.
    expect(end?.type === 'end' ? end.answer.citations.map((citation) => citation.quote) : []).toStrictEqual([
      `${filler} The lighthouse protocol keeps every ship safe at night. It was our first real launch.`,
    ]);
  });

  test("a further quote comes only from retrieval's first passage, not from a lower one", async () => {
    const passage = (id: string, episodeId: string, text: string, seconds: number): Chunk => ({
      ...sampleChunks[0]!,
      chunkId: `${episodeId}#${id}`,
      episodeId,
      episodeTitle: episodeId,
      speaker: 'Ada',
      speakers: ['Ada'],
      text,
      anchors: [{ offset: 0, seconds, approximate: false }],
    });
    const first = passage('0', 'harbour', 'The lighthouse protocol keeps every ship safe at night.', 60);
    const lower = passage('0', 'coast', 'Our lighthouse protocol keeps the fishing ships safe in fog.', 120);
    const index = await createSampleIndex([...sampleChunks, first, lower]);
    const quoted = async (order: Chunk[]) => {
      const answerer = createExtractiveAnswerer({ retriever: createFixedRetriever(order), index });
      const events = await collect(
        answerer.answer({ message: 'What does the lighthouse protocol keep safe?', history: [] }, {}),
      );
      const end = events.at(-1);
      return end?.type === 'end' ? end.answer.citations.map((citation) => citation.chunkId) : [];
    };
    // Either passage alone would be quoted; the lower one is left to the sources.
    expect(await quoted([first, lower])).toStrictEqual(['harbour#0']);
    expect(await quoted([lower, first])).toStrictEqual(['coast#0']);
  });

  test('"Who is X?" quotes where X is introduced, not X\'s own lines on other topics', async () => {
    const notes: Chunk = {
      ...sampleChunks[0]!,
      chunkId: 'moonlake#9',
      ordinal: 9,
      kind: 'shownotes',
      speaker: null,
      speakers: [],
      start: null,
      end: null,
      anchors: [],
      text: 'Our guests are Chris Manning, professor at Stanford, and Fan-yun Sun, the CEO of Moonlake.',
    };
    const index = await createSampleIndex([...sampleChunks, notes]);
    // Retrieval finds only Fan-yun Sun's own lines (the speaker's name matches the question).
    const answerer = createExtractiveAnswerer({ retriever: createFixedRetriever([sampleChunks[1]!]), index });
    const events = await collect(answerer.answer({ message: 'Who is Fan-yun Sun?', history: [] }, {}));
    const end = events.at(-1);
    expect(
      end?.type === 'end' ? end.answer.citations.map((citation) => [citation.chunkId, citation.quote]) : [],
    ).toStrictEqual([
      ['moonlake#9', 'Our guests are Chris Manning, professor at Stanford, and Fan-yun Sun, the CEO of Moonlake.'],
    ]);
  });

  test('looking back for context, an answer quote passes over fillers to the sentence before them', async () => {
    const chunk: Chunk = {
      ...sampleChunks[0]!,
      chunkId: 'dreamer#4',
      episodeId: 'dreamer',
      episodeTitle: 'Dreamer: Agents for Everyone',
      ordinal: 4,
      speaker: 'David Singleton',
      speakers: ['David Singleton'],
      text: 'We talked about phones. Hugo was my cofounder. Yeah. Um, we met in the early days of Android at Google, Hugo and I. We shipped the first apps.',
      anchors: [{ offset: 0, seconds: 150, approximate: false }],
    };
    const index = await createSampleIndex([...sampleChunks, chunk]);
    const answerer = createExtractiveAnswerer({ retriever: createFixedRetriever([chunk]), index, maxSentences: 1 });
    const events = await collect(
      answerer.answer({ message: 'Where did David and his cofounder Hugo meet?', history: [] }, {}),
    );
    const end = events.at(-1);
    expect(end?.type === 'end' ? end.answer.citations.map((citation) => citation.quote) : []).toStrictEqual([
      // The sentence after the chosen one joins too, so the quote is for the "met" sentence.
      'Hugo was my cofounder. Yeah. Um, we met in the early days of Android at Google, Hugo and I. We shipped the first apps.',
    ]);
  });

  test('a quote carries on through a long unpunctuated run the splitter cut into pieces', async () => {
    // Over 320 characters without a full stop: splitSentences cuts it at a word boundary.
    const run = `The lighthouse protocol keeps every ship safe at night ${'and the keepers watch the water and the weather '.repeat(7)}until the morning comes.`;
    const chunk: Chunk = {
      ...sampleChunks[0]!,
      chunkId: 'moonlake#7',
      ordinal: 7,
      // The sentence after it would take the "what" quote past 80 words, so it stays out.
      text: `${run} Nobody asked for this, and nobody in the whole harbour town ever said a single word about it to anyone at all.`,
      anchors: [{ offset: 0, seconds: 700, approximate: false }],
    };
    const index = await createSampleIndex([...sampleChunks, chunk]);
    const answerer = createExtractiveAnswerer({ retriever: createFixedRetriever([chunk]), index, maxSentences: 1 });
    for (const message of [
      'What does the lighthouse protocol keep safe?',
      'When does the lighthouse protocol come up?',
    ]) {
      const events = await collect(answerer.answer({ message, history: [] }, {}));
      const end = events.at(-1);
      expect(end?.type === 'end' ? end.answer.citations.map((citation) => citation.quote) : []).toStrictEqual([run]);
    }
  });

  test('a "when" question cites the sentence where the topic starts and says its time', async () => {
    const { answer } = await ask({ message: 'When does Fan-yun Sun talk about the bowling game demo?' });
    expect(answer.answer).toBe('Fan-yun Sun gets to this at 20:00: "We wanted a demo that anyone understands." [1]');
    expect(answer.citations.map((citation) => [citation.start, citation.url])).toStrictEqual([
      [1200, 'https://example.com/moonlake.mp3#t=1200'],
    ]);
  });

  test('a "when" question whose time is estimated says "about", as other answers do', async () => {
    const estimated: Chunk = {
      ...sampleChunks[0]!,
      chunkId: 'dreamer#9',
      episodeId: 'dreamer',
      episodeTitle: 'Dreamer: Agents for Everyone',
      speaker: 'David Singleton',
      speakers: ['David Singleton'],
      text: 'The sidekick keeps a private notebook for every user of the agent.',
      start: 300,
      end: 330,
      approximate: true,
      anchors: [{ offset: 0, seconds: 300, approximate: true }],
    };
    const index = await createSampleIndex([...sampleChunks, estimated]);
    const answerer = createExtractiveAnswerer({ retriever: createFixedRetriever([estimated]), index });
    const events = await collect(
      answerer.answer({ message: 'When does David talk about the private notebook of the sidekick?', history: [] }, {}),
    );
    const end = events.at(-1);
    expect(end?.type === 'end' ? end.answer.answer : undefined).toBe(
      'David Singleton gets to this at about 05:00: "The sidekick keeps a private notebook for every user of the agent." [1]',
    );
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

  test('a question worded like a chapter that opens with a question is answered by the reply, not the question', async () => {
    // The transcript's own heading (not in the episode's chapter list) names the topic.
    const chapter = 'Defining World Models vs Video Generation';
    const inChapter = (ordinal: number, speaker: string, text: string): Chunk => ({
      ...sampleChunks[0]!,
      chunkId: `moonlake#${ordinal}`,
      ordinal,
      chapter,
      speaker,
      speakers: [speaker],
      text,
      start: 300 + 20 * ordinal,
      end: 320 + 20 * ordinal,
      anchors: [{ offset: 0, seconds: 300 + 20 * ordinal, approximate: false }],
    });
    const asking = inChapter(
      10,
      'Vibhu',
      'So how do you define world models? Lots of people do video generation. What is the difference from a video generation model? How do you paint that',
    );
    const replying = inChapter(
      11,
      'Chris Manning',
      'Yes. This is subtle, because people look at generative video models and think the world is understood. But those videos do not predict what an action changes.',
    );
    const index = await createSampleIndex([...sampleChunks, asking, replying]);
    const answer = async (message: string, hits: Chunk[]) => {
      const answerer = createExtractiveAnswerer({ retriever: createFixedRetriever(hits), index, maxSentences: 1 });
      const end = (await collect(answerer.answer({ message, history: [] }, {}))).at(-1);
      return end?.type === 'end' ? end.answer.citations.map((citation) => citation.speaker) : undefined;
    };
    expect(await answer('How does Moonlake think about world models versus video generation?', [asking])).toStrictEqual(
      ['Chris Manning'],
    );
    // Worded unlike the heading, the best-matching sentence (the question) is quoted as before.
    expect(await answer('What is the difference from a video generation model?', [asking])).toStrictEqual(['Vibhu']);
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

describe('unmentionedAbstentionText', () => {
  test('lists one, two or three names', () => {
    expect(
      [['Runway'], ['Runway', 'Gen-4'], ['A', 'B', 'C']].map((terms) => unmentionedAbstentionText(terms).split(',')[0]),
    ).toStrictEqual([
      "The episodes don't mention Runway",
      "The episodes don't mention Runway or Gen-4",
      "The episodes don't mention A",
    ]);
    expect(unmentionedAbstentionText(['A', 'B', 'C']).startsWith("The episodes don't mention A, B or C, so")).toBe(
      true,
    );
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

test.each([
  ['How many GPUs did they train on?', true],
  ['How much did the seed round raise?', true],
  ['What percentage of users came back?', true],
  ['What accuracy did the classifier reach?', true],
  ['What valuation did Moonlake raise its seed round at?', true],
  ['How long does the first build take?', true],
  ['Roughly how often does he read a paper?', true],
  // "exponentially" answers how fast; "how long into" asks for a time.
  ['How fast is demand growing?', false],
  ['How long into the episode do they discuss pricing?', false],
  ['When do they say how much it costs?', false],
  ['What is his advice about how long to keep training?', false],
])('asksForCount(%j) is %s', (question, expected) => {
  expect(asksForCount(question)).toBe(expected);
});

test.each([
  ['How many GPUs were used to train the model?', ['gpus']],
  ['How many ranked matches had AlphaStar won?', ['rank', 'match']],
  ['How many people work there?', undefined],
  ['How much did it cost?', undefined],
])('countedThing(%j) is %j', (question, expected) => {
  expect(countedThing(question)).toStrictEqual(expected);
});

test.each([
  ['In what year did Prophet acquire Altimeter?', true],
  ['Which year did the lab open?', true],
  ['What did they do last year?', false],
])('asksForYear(%j) is %s', (question, expected) => {
  expect(asksForYear(question)).toBe(expected);
});

test.each([
  ['In what year did he start?', 'I started at my first startup back in 2001.', true],
  ['In what year did he start?', 'It was two of us at the start.', false],
  ['How long did it take to learn Python?', 'It took me two weeks to learn enough Python.', true],
  ['How often does he read a paper?', 'My rule of thumb is a paper a day.', true],
  ['How long does the VM take to boot?', 'The virtual machine is the most powerful thing.', false],
  // A span of time answers "how long", not "how many".
  ['How many users signed up?', 'Users sign up every day.', false],
  // "How many X" needs X beside a number, unless X is as general as "people".
  ['How many GPUs were used to train it?', 'We trained it on 48 GPUs.', true],
  ['How many submissions did the hackathon get?', 'Let me say two sentences about the hackathon.', false],
  ['How many people signed up?', 'Within a couple of days we had 600 registrations.', true],
])('statesAskedAmount(%j, %j) is %s', (question, quote, expected) => {
  expect(statesAskedAmount(question, quote)).toBe(expected);
});

test.each([
  ['What did Yonatan Cohen say about Google’s claim of quantum supremacy?', 'Google’s claim of quantum supremacy'],
  ['What does Felix think about local models?', 'local models'],
  ['Who talked about building speech recognition for radio?', 'building speech recognition for radio'],
  ['What is Moonlake building?', undefined],
])('askedTopic(%j) is %j', (question, expected) => {
  expect(askedTopic(question)).toBe(expected);
});

describe('speakersAskedFor', () => {
  const named = (question: string) =>
    ['Felix Rieseberg', 'James Hale', 'Chris Manning'].filter((speaker) =>
      speaker.split(' ').some((part) => question.includes(part)),
    );
  test.each([
    ['What did Felix say about skills?', ['Felix Rieseberg']],
    ['According to Chris Manning, why is language not enough?', ['Chris Manning']],
    ["How does Felix Rieseberg's team describe Cowork?", ['Felix Rieseberg']],
    // A different person who shares a first name, and questions that do not ask for anyone's words.
    ['How does the philosopher James Woodward define causal inference?', []],
    ['Who is Felix Rieseberg?', []],
    ['When does Chris Manning join the conversation?', []],
  ])('%j → %j', (question, expected) => {
    expect(speakersAskedFor(question, named)).toStrictEqual(expected);
  });
});

test.each([
  ['People will usually say 2,000 hours of speech.', true],
  ['The prize is $30,000.', true],
  ['basically, two lines of code', true],
  ['half a billion messages exchanged', true],
  // A year is a date, and "a few" or "one of" says no number.
  ['VocalIQ was acquired by Apple in 2015.', false],
  ['back in the 1990s, people did neural networks', false],
  ['we definitely had a few users who built their own annotations', false],
  ['one of the things we learned', false],
])('statesCount(%j) is %s', (quote, expected) => {
  expect(statesCount(quote)).toBe(expected);
});
