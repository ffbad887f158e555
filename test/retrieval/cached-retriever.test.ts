import { describe, expect, test } from 'vitest';
import type { Retriever, SearchOptions } from '../../src/domain.js';
import { cachedRetriever } from '../../src/retrieval/cached-retriever.js';
import { createRetriever } from '../../src/retrieval/create-retriever.js';
import { HashingEmbeddings } from '../support/hashing-embeddings.js';
import { createInMemoryIndex } from '../support/in-memory-index.js';
import { makeChunk } from './chunk-factory.js';

const chunks = [
  makeChunk({ episodeId: 'alpha', ordinal: 0, text: 'Skills are folders of instructions.' }),
  makeChunk({ episodeId: 'alpha', ordinal: 1, text: 'We run a lightweight VM on the laptop.' }),
  makeChunk({ episodeId: 'beta', ordinal: 0, text: 'Every agent gets a database of its own.' }),
  makeChunk({ episodeId: 'beta', ordinal: 1, text: 'The first build takes ten minutes.' }),
];

/** A real hybrid retriever over an in-memory index, recording every search that reaches it. */
async function countingRetriever(options: { failFirst?: boolean } = {}) {
  const embeddings = new HashingEmbeddings();
  const real = createRetriever({ index: await createInMemoryIndex({ chunks, embeddings }), embeddings });
  const calls: Array<{ query: string; options: SearchOptions }> = [];
  let failures = options.failFirst ? 1 : 0;
  const retriever: Retriever = {
    async search(query, searchOptions) {
      calls.push({ query, options: searchOptions });
      if (failures > 0) {
        failures--;
        throw new Error('index unavailable');
      }
      return real.search(query, searchOptions);
    },
  };
  return { real, retriever, calls };
}

describe('cachedRetriever', () => {
  test('a repeated search is answered from memory with the same hits', async () => {
    const { real, retriever, calls } = await countingRetriever();
    const cached = cachedRetriever(retriever);
    const first = await cached.search('how long does the first build take', { k: 3 });
    const second = await cached.search('how long does the first build take', { k: 3 });
    expect(calls).toHaveLength(1);
    expect(second).toStrictEqual(first);
    expect(second).not.toBe(first);
    expect(first).toStrictEqual(await real.search('how long does the first build take', { k: 3 }));
    expect(first[0]?.chunk.chunkId).toBe('beta#1');
  });

  test('text, k and the episode filter each make a different search; filter order does not', async () => {
    const { retriever, calls } = await countingRetriever();
    const cached = cachedRetriever(retriever);
    await cached.search('database', { k: 2 });
    await cached.search('database', { k: 3 });
    await cached.search('Database', { k: 2 });
    await cached.search('database', { k: 2, episodeIds: ['alpha', 'beta'] });
    await cached.search('database', { k: 2, episodeIds: ['beta', 'alpha', 'beta'] });
    await cached.search('database', { k: 2, episodeIds: [] });
    expect(calls.map((call) => [call.query, call.options.k, call.options.episodeIds])).toStrictEqual([
      ['database', 2, undefined],
      ['database', 3, undefined],
      ['Database', 2, undefined],
      ['database', 2, ['alpha', 'beta']],
      ['database', 2, []],
    ]);
  });

  test('identical searches that arrive together run once', async () => {
    const { retriever, calls } = await countingRetriever();
    const cached = cachedRetriever(retriever);
    const results = await Promise.all(Array.from({ length: 5 }, () => cached.search('VM on the laptop', { k: 2 })));
    expect(calls).toHaveLength(1);
    for (const result of results) expect(result).toStrictEqual(results[0]);
  });

  test('a failed search is not remembered', async () => {
    const { retriever, calls } = await countingRetriever({ failFirst: true });
    const cached = cachedRetriever(retriever);
    await expect(cached.search('skills', { k: 2 })).rejects.toThrow('index unavailable');
    const hits = await cached.search('skills', { k: 2 });
    expect(hits[0]?.chunk.chunkId).toBe('alpha#0');
    expect(calls).toHaveLength(2);
  });

  test('callers may reorder their copy but cannot change the shared hits', async () => {
    const { retriever } = await countingRetriever();
    const cached = cachedRetriever(retriever);
    const mine = await cached.search('first build', { k: 2 });
    const expected = (await cached.search('first build', { k: 2 })).map((hit) => hit.chunk.chunkId);
    mine.reverse();
    expect(() => {
      (mine[0] as { score: number }).score = 99;
    }).toThrow(TypeError);
    expect((await cached.search('first build', { k: 2 })).map((hit) => hit.chunk.chunkId)).toStrictEqual(expected);
  });

  test('the least recently used search is forgotten past the capacity', async () => {
    const { retriever, calls } = await countingRetriever();
    const cached = cachedRetriever(retriever, { capacity: 1 });
    await cached.search('skills', { k: 1 });
    await cached.search('database', { k: 1 });
    await cached.search('skills', { k: 1 });
    expect(calls.map((call) => call.query)).toStrictEqual(['skills', 'database', 'skills']);
  });
});
