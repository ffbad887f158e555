import { describe, expect, test } from 'vitest';
import { boundHistory } from '../../src/answer/bound-history.js';
import type { ChatMessage } from '../../src/domain.js';

const message = (content: string, role: ChatMessage['role'] = 'user'): ChatMessage => ({ role, content });

describe('boundHistory', () => {
  test('keeps the latest messages within the message limit, oldest first', () => {
    const history = Array.from({ length: 14 }, (_, index) => message(`m${index}`));
    expect(boundHistory(history).map((entry) => entry.content)).toStrictEqual([
      'm4',
      'm5',
      'm6',
      'm7',
      'm8',
      'm9',
      'm10',
      'm11',
      'm12',
      'm13',
    ]);
  });

  test('drops whole older messages past the character limit', () => {
    const history = [message('a'.repeat(50)), message('b'.repeat(30), 'assistant'), message('c'.repeat(30))];
    expect(boundHistory(history, { maxChars: 70 })).toStrictEqual([
      message('b'.repeat(30), 'assistant'),
      message('c'.repeat(30)),
    ]);
  });

  test('keeps the end of a single message that is too long on its own', () => {
    expect(boundHistory([message(`${'x'.repeat(10)}tail`)], { maxChars: 6 })).toStrictEqual([message('xxtail')]);
  });
});
