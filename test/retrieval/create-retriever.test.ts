import { describe, expect, test } from 'vitest';
import { PodciteError } from '../../src/errors.js';
import { createRetriever } from '../../src/retrieval/create-retriever.js';
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

  test('neighbouring chunks are diversified by default', async () => {
    const embeddings = new HashingEmbeddings();
    const turn = Array.from({ length: 4 }, (_, ordinal) =>
      makeChunk({ episodeId: 'long', ordinal, text: `agents memory store number ${ordinal}` }),
    );
    const other = makeChunk({ episodeId: 'other', ordinal: 0, text: 'agents memory in a vector store' });
    const index = await createInMemoryIndex({ chunks: [...turn, other], embeddings });
    const diversified = createRetriever({ index, embeddings });
    const plain = createRetriever({ index, embeddings, tuning: { neighbourPenalty: 1 } });
    const [plainTop] = await plain.search('agents memory store', { k: 3 });
    const diverseIds = (await diversified.search('agents memory store', { k: 3 })).map((hit) => hit.chunk.chunkId);
    expect(diverseIds).toContain('other#0');
    expect(plainTop?.chunk.episodeId).toBe('long');
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
});
