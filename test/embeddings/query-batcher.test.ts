import { describe, expect, test } from 'vitest';
import { QueryBatcher } from '../../src/embeddings/query-batcher.js';

/** An embedder whose calls finish only when the test says so; records every call's texts. */
function controlledEmbedder() {
  const calls: string[][] = [];
  const finishers: Array<(fail?: Error) => void> = [];
  const embedBatch = (texts: string[]) => {
    calls.push(texts);
    return new Promise<number[][]>((resolve, reject) => {
      finishers.push((fail) => (fail ? reject(fail) : resolve(texts.map((text) => [text.length]))));
    });
  };
  return { calls, finish: (index: number, fail?: Error) => finishers[index]!(fail), embedBatch };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('QueryBatcher', () => {
  test('starts a lone question at once, and batches the ones that arrive while it runs', async () => {
    const embedder = controlledEmbedder();
    const batcher = new QueryBatcher({ embedBatch: embedder.embedBatch, maxBatch: 3 });
    const first = batcher.embed('a');
    expect(embedder.calls).toStrictEqual([['a']]);
    const later = ['bb', 'ccc', 'dddd', 'eeeee'].map((text) => batcher.embed(text));
    expect(embedder.calls.length).toBe(1);
    embedder.finish(0);
    expect(await first).toStrictEqual([1]);
    await tick();
    expect(embedder.calls[1]).toStrictEqual(['bb', 'ccc', 'dddd']);
    embedder.finish(1);
    await tick();
    expect(embedder.calls[2]).toStrictEqual(['eeeee']);
    embedder.finish(2);
    expect(await Promise.all(later)).toStrictEqual([[2], [3], [4], [5]]);
  });

  test('runs up to `concurrency` calls at once', async () => {
    const embedder = controlledEmbedder();
    const batcher = new QueryBatcher({ embedBatch: embedder.embedBatch, concurrency: 2 });
    const answers = ['a', 'bb', 'ccc'].map((text) => batcher.embed(text));
    expect(embedder.calls).toStrictEqual([['a'], ['bb']]);
    embedder.finish(1);
    await tick();
    expect(embedder.calls[2]).toStrictEqual(['ccc']);
    embedder.finish(0);
    embedder.finish(2);
    expect(await Promise.all(answers)).toStrictEqual([[1], [2], [3]]);
  });

  test('embeds a question asked twice in one batch once, and answers both', async () => {
    const embedder = controlledEmbedder();
    const batcher = new QueryBatcher({ embedBatch: embedder.embedBatch });
    const blocker = batcher.embed('x');
    const twins = [batcher.embed('same'), batcher.embed('same')];
    embedder.finish(0);
    await blocker;
    await tick();
    expect(embedder.calls[1]).toStrictEqual(['same']);
    embedder.finish(1);
    expect(await Promise.all(twins)).toStrictEqual([[4], [4]]);
  });

  test('a failed call rejects its own questions only; the next batch still runs', async () => {
    const embedder = controlledEmbedder();
    const batcher = new QueryBatcher({ embedBatch: embedder.embedBatch });
    const failing = batcher.embed('a');
    const next = batcher.embed('bb');
    embedder.finish(0, new Error('model crashed'));
    await expect(failing).rejects.toThrow('model crashed');
    await tick();
    embedder.finish(1);
    expect(await next).toStrictEqual([2]);
  });

  test('a call that returns too few vectors rejects instead of answering with undefined', async () => {
    const batcher = new QueryBatcher({ embedBatch: async () => [] });
    await expect(batcher.embed('a')).rejects.toThrow('returned 0 vectors for 1 texts');
  });
});
