import { describe, expect, test } from 'vitest';
import { PodciteError } from '../../src/errors.js';
import {
  createRetriever,
  DEFAULT_RETRIEVER_TUNING,
  declarative,
  wordsSpokenBy,
} from '../../src/retrieval/create-retriever.js';
import { HashingEmbeddings } from '../support/hashing-embeddings.js';
import { createInMemoryIndex } from '../support/in-memory-index.js';
import { makeChunk } from './chunk-factory.js';

const chunks = [
  makeChunk({
    episodeId: 'alpha',
    ordinal: 0,
    speaker: 'Felix Rieseberg',
    text: 'Skills came from Barry and his prototype.',
  }),
  makeChunk({ episodeId: 'alpha', ordinal: 1, speaker: 'swyx', text: 'So skills are folders of instructions, right?' }),
  makeChunk({
    episodeId: 'alpha',
    ordinal: 2,
    speaker: 'Felix Rieseberg',
    text: 'We run a lightweight VM on the laptop.',
  }),
  makeChunk({ episodeId: 'alpha', ordinal: 3, speaker: 'swyx', text: 'The bowling demo showed pins falling.' }),
  makeChunk({ episodeId: 'beta', ordinal: 0, speaker: 'David Singleton', text: 'Every agent gets a database.' }),
  makeChunk({ episodeId: 'beta', ordinal: 1, speaker: 'David Singleton', text: 'The first build takes ten minutes.' }),
  makeChunk({ episodeId: 'beta', ordinal: 2, speaker: 'swyx', text: 'Dreamer purple matches our colour.' }),
  makeChunk({
    episodeId: 'gamma',
    ordinal: 0,
    speaker: 'Guillaume Lample',
    text: 'Skills in speech synthesis need data.',
  }),
];

async function setUp(mode?: 'hybrid' | 'lexical' | 'dense') {
  const embeddings = new HashingEmbeddings();
  const index = await createInMemoryIndex({ chunks, embeddings });
  return createRetriever({ index, embeddings, mode, tuning: { neighbourPenalty: 1 } });
}

describe('createRetriever', () => {
  test('the best match for a distinctive term comes first in every mode', async () => {
    for (const mode of ['hybrid', 'lexical', 'dense'] as const) {
      const retriever = await setUp(mode);
      const [first] = await retriever.search('bowling pins', { k: 3 });
      expect(first?.chunk.chunkId).toBe('alpha#3');
    }
  });

  test('an episode filter applies inside retrieval and still returns k results', async () => {
    const retriever = await setUp();
    const hits = await retriever.search('skills', { k: 3, episodeIds: ['beta'] });
    expect(hits.map((hit) => hit.chunk.episodeId)).toStrictEqual(['beta', 'beta', 'beta']);
    const lexical = await setUp('lexical');
    const lexicalHits = await lexical.search('database build', { k: 2, episodeIds: ['beta', 'gamma'] });
    expect(lexicalHits.map((hit) => hit.chunk.chunkId).sort()).toStrictEqual(['beta#0', 'beta#1']);
  });

  test('a question naming a speaker favours their turns', async () => {
    const retriever = await setUp();
    const plain = await retriever.search('skills', { k: 3 });
    expect(plain[0]?.chunk.speaker).not.toBe('Guillaume Lample');
    const named = await retriever.search('what did Guillaume say about skills?', { k: 1 });
    expect(named[0]?.chunk.chunkId).toBe('gamma#0');
    const felix = await retriever.search('what did Felix say about skills?', { k: 1 });
    expect(felix[0]?.chunk.chunkId).toBe('alpha#0');
  });

  test('results are best first with finite scores, and k bounds the list', async () => {
    const retriever = await setUp();
    const hits = await retriever.search('skills folders', { k: 5 });
    expect(hits).toHaveLength(5);
    const scores = hits.map((hit) => hit.score);
    expect(scores).toStrictEqual([...scores].sort((a, b) => b - a));
    expect(scores.every(Number.isFinite)).toBe(true);
  });

  test('neighbouring chunks are diversified when asked (off by default: it cost recall on held-out questions)', async () => {
    expect(DEFAULT_RETRIEVER_TUNING.neighbourPenalty).toBe(1);
    const embeddings = new HashingEmbeddings();
    const turn = Array.from({ length: 4 }, (_, ordinal) =>
      makeChunk({ episodeId: 'long', ordinal, text: `agents memory store number ${ordinal}` }),
    );
    const other = makeChunk({ episodeId: 'other', ordinal: 0, text: 'agents memory store elsewhere today' });
    const index = await createInMemoryIndex({ chunks: [...turn, other], embeddings });
    const diversified = createRetriever({
      index,
      embeddings,
      tuning: { neighbourPenalty: 0.5, contextWeight: 0, episodeWeight: 0, weights: { lexical: 1, dense: 0 } },
    });
    const plain = createRetriever({
      index,
      embeddings,
      tuning: { neighbourPenalty: 1, contextWeight: 0, episodeWeight: 0, weights: { lexical: 1, dense: 0 } },
    });
    const plainIds = (await plain.search('agents memory store', { k: 3 })).map((hit) => hit.chunk.chunkId);
    const diverseIds = (await diversified.search('agents memory store', { k: 3 })).map((hit) => hit.chunk.chunkId);
    expect(diverseIds).toContain('other#0');
    expect(plainIds).not.toContain('other#0');
  });

  test('k outside 1..50 is a bad request', async () => {
    const retriever = await setUp();
    await expect(retriever.search('skills', { k: 0 })).rejects.toBeInstanceOf(PodciteError);
    await expect(retriever.search('skills', { k: 51 })).rejects.toMatchObject({ code: 'bad_request:search' });
  });

  test('a question of stopwords only still returns dense results', async () => {
    const retriever = await setUp();
    expect(await retriever.search('what is it?', { k: 2 })).toHaveLength(2);
  });

  test('the episode a question is about lifts its chunks', async () => {
    const embeddings = new HashingEmbeddings();
    const episodeChunks = [
      makeChunk({
        episodeId: 'voice',
        episodeTitle: 'Common Voice',
        ordinal: 0,
        text: 'Common Voice collects speech in many languages.',
      }),
      makeChunk({
        episodeId: 'voice',
        episodeTitle: 'Common Voice',
        ordinal: 1,
        text: 'The threshold is five thousand sentences.',
      }),
      makeChunk({
        episodeId: 'maps',
        episodeTitle: 'HD maps',
        ordinal: 0,
        text: 'Sentences about the threshold of map quality.',
      }),
    ];
    const index = await createInMemoryIndex({ chunks: episodeChunks, embeddings });
    const question = 'What sentence threshold does Common Voice use?';
    // The fused stage alone: the second stage (rerank) weighs other evidence.
    const tuning = { contextWeight: 0, neighbourPenalty: 1, weights: { lexical: 1, dense: 0 }, rerank: false };
    const without = createRetriever({ index, embeddings, tuning: { ...tuning, episodeWeight: 0 } });
    const withEpisode = createRetriever({ index, embeddings, tuning: { ...tuning, episodeWeight: 0.5 } });
    // The two "sentence threshold" chunks tie on their own words; only the episode tells them apart.
    const order = async (retriever: typeof without) => {
      const ids = (await retriever.search(question, { k: 3 })).map((hit) => hit.chunk.chunkId);
      return ids.indexOf('voice#1') < ids.indexOf('maps#0') ? 'voice first' : 'maps first';
    };
    expect(await order(without)).toBe('maps first');
    expect(await order(withEpisode)).toBe('voice first');
  });

  test('a chunk next to a strong match is lifted by context', async () => {
    const embeddings = new HashingEmbeddings();
    const context = [
      makeChunk({ episodeId: 'e', ordinal: 0, text: 'Our demo of world building traces in the engine.' }),
      makeChunk({ episodeId: 'e', ordinal: 1, text: 'It prompted a bowling game with traces.' }),
      makeChunk({ episodeId: 'f', ordinal: 0, text: 'Traces of paint on the wall.' }),
      makeChunk({ episodeId: 'g', ordinal: 5, text: 'Traces everywhere, traces here.' }),
    ];
    const index = await createInMemoryIndex({ chunks: context, embeddings });
    const tuning = { neighbourPenalty: 1, episodeWeight: 0, weights: { lexical: 1, dense: 0 }, rerank: false };
    const ids = async (contextWeight: number) =>
      (
        await createRetriever({ index, embeddings, tuning: { ...tuning, contextWeight } }).search(
          'world building demo traces',
          { k: 2 },
        )
      ).map((hit) => hit.chunk.chunkId);
    expect(await ids(0)).not.toContain('e#1');
    expect(await ids(0.5)).toStrictEqual(['e#0', 'e#1']);
  });

  test('a question about the episode description favours show notes', async () => {
    const embeddings = new HashingEmbeddings();
    const notes = [
      makeChunk({
        episodeId: 'e',
        ordinal: 0,
        kind: 'shownotes',
        speaker: null,
        text: 'Cowork wrote itself in a week and a half.',
      }),
      makeChunk({ episodeId: 'e', ordinal: 1, text: 'Cowork wrote itself, we joked, in a week and a half or so.' }),
    ];
    const index = await createInMemoryIndex({ chunks: notes, embeddings });
    const retriever = createRetriever({ index, embeddings, tuning: { contextWeight: 0, showNotesBoost: 0.5 } });
    const [described] = await retriever.search('According to the episode description, how was Cowork written?', {
      k: 1,
    });
    expect(described?.chunk.kind).toBe('shownotes');
    const [plain] = await retriever.search('How was Cowork written, we joked?', { k: 1 });
    expect(plain?.chunk.kind).toBe('transcript');
  });

  test('a named speaker who says a sentence inside a grouped chunk gets the whole speaker boost', async () => {
    const embeddings = new HashingEmbeddings();
    const grouped = (ordinal: number, text: string) =>
      makeChunk({ episodeId: 'r', ordinal, speaker: 'Daniel', speakers: ['Ro Gupta', 'Daniel'], text });
    const index = await createInMemoryIndex({
      chunks: [
        grouped(0, 'Daniel: HD maps, maps everywhere, and maps for every robot.\nRo Gupta: Yeah, right.'),
        grouped(
          4,
          'Ro Gupta: Our post on maps was called the mapping singularity, and people still send it around.\nDaniel: Nice.',
        ),
      ],
      embeddings,
    });
    const top = async (speakingWords: number | undefined) => {
      const retriever = createRetriever({
        index,
        embeddings,
        tuning: { speakerBoost: 1, chimeInShare: 0, speakingWords, contextWeight: 0, episodeWeight: 0 },
      });
      return (await retriever.search('What did Ro Gupta say about maps?', { k: 2 })).map((hit) => hit.chunk.chunkId);
    };
    // Without the rule neither gets a boost and the chunk that says "maps" three times wins.
    expect(await top(undefined)).toStrictEqual(['r#0', 'r#4']);
    expect(await top(10)).toStrictEqual(['r#4', 'r#0']);
  });
});

describe('wordsSpokenBy', () => {
  test.each([
    ['Ro Gupta: one two three\nDaniel: four five\nRo Gupta: six', 4],
    ['Daniel: Ro Gupta: is not a speaker here', 0],
    ['plain text without speakers', 0],
    ['Ro Gupta:no space after the colon', 0],
  ])('%j → %i', (text, words) => {
    expect(wordsSpokenBy({ text }, new Set(['Ro Gupta']))).toBe(words);
  });
});

describe('declarative', () => {
  test.each([
    ['When does David start demoing the app?', 'David start demoing the app'],
    ['What did Dreamer first use for memory?', 'Dreamer first use for memory'],
    ['At what timestamp does swyx raise it?', 'timestamp does swyx raise it'],
    ['Why?', 'Why?'],
  ])('%s → %s', (question, expected) => {
    expect(declarative(question)).toBe(expected);
  });
});
