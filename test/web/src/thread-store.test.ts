import { expect, test } from 'vitest';
import { clearThread, loadThread, saveThread, type ThreadTurn } from '../../../web/src/thread-store.js';
import { fakeCitation } from '../../support/fake-answerer.js';

/** The Storage interface over a Map (vitest runs in Node, which has no localStorage). */
function memoryStorage(initial: Record<string, string> = {}): Storage {
  const values = new Map(Object.entries(initial));
  return {
    get length() {
      return values.size;
    },
    clear: () => values.clear(),
    getItem: (key) => values.get(key) ?? null,
    key: (index) => [...values.keys()][index] ?? null,
    removeItem: (key) => void values.delete(key),
    setItem: (key, value) => void values.set(key, String(value)),
  };
}

const turn: ThreadTurn = {
  id: 'a-1',
  question: 'Why hybrid?',
  episodeIds: ['episode-one'],
  answer: 'Because [1].',
  answerable: true,
  notice: null,
  citations: [fakeCitation()],
  candidates: [fakeCitation(), fakeCitation({ n: 2 })],
  status: 'done',
  error: null,
};

test('a saved thread loads back as it was; a stream cut off by the reload comes back stopped', () => {
  const storage = memoryStorage();
  saveThread(storage, [turn, { ...turn, id: 'a-2', status: 'streaming' }]);
  expect(loadThread(storage)).toStrictEqual([turn, { ...turn, id: 'a-2', status: 'stopped' }]);
  clearThread(storage);
  expect(loadThread(storage)).toStrictEqual([]);
});

test.each([
  ['not JSON', '{'],
  ['another shape', JSON.stringify({ turns: [{ question: 'only this' }] })],
  ['a citation missing fields', JSON.stringify({ turns: [{ ...turn, citations: [{ n: 1 }] }] })],
])('a stored thread that is %s is dropped', (_name, raw) => {
  expect(loadThread(memoryStorage({ 'podcite.thread.v1': raw }))).toStrictEqual([]);
});

test('a storage that throws (private mode, quota) leaves the page working', () => {
  const broken = memoryStorage();
  broken.setItem = () => {
    throw new Error('QuotaExceededError');
  };
  broken.getItem = () => {
    throw new Error('SecurityError');
  };
  expect(() => saveThread(broken, [turn])).not.toThrow();
  expect(loadThread(broken)).toStrictEqual([]);
});
