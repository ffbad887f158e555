import { describe, expect, test } from 'vitest';
import { createEventStreamParser, readEventStream } from '../../../web/src/parse-event-stream.js';

describe('createEventStreamParser', () => {
  test('dispatches on a blank line, joins data lines with LF and skips comments', () => {
    const parser = createEventStreamParser();
    expect(
      parser.push(': heartbeat\n\nevent: sources\ndata: {"a":\ndata: 1}\n\nevent: text-delta\ndata: {"text":"hi"}\n\n'),
    ).toStrictEqual([
      { event: 'sources', data: '{"a":\n1}' },
      { event: 'text-delta', data: '{"text":"hi"}' },
    ]);
  });

  test('events split at every possible point across chunks come out the same', () => {
    const stream = 'event: end\r\ndata: {"x": "y"}\r\n\r\nevent: text-delta\rdata:no-space\r\r';
    const expected = [
      { event: 'end', data: '{"x": "y"}' },
      { event: 'text-delta', data: 'no-space' },
    ];
    for (let cut = 0; cut <= stream.length; cut++) {
      const parser = createEventStreamParser();
      const events = [...parser.push(stream.slice(0, cut)), ...parser.push(stream.slice(cut)), ...parser.end()];
      expect({ cut, events }).toStrictEqual({ cut, events: expected });
    }
  });

  test('defaults the type to message, drops one leading space only, ignores id and retry', () => {
    const parser = createEventStreamParser();
    expect(parser.push('id: 7\nretry: 10\ndata:  two spaces\n\ndata\n\n')).toStrictEqual([
      { event: 'message', data: ' two spaces' },
      { event: 'message', data: '' },
    ]);
  });

  test('an event without data is not dispatched, and an unterminated one is dropped at the end', () => {
    const parser = createEventStreamParser();
    expect(parser.push('event: lonely\n\nevent: cut\ndata: half')).toStrictEqual([]);
    expect(parser.end()).toStrictEqual([]);
  });
});

test('readEventStream decodes UTF-8 split inside a character', async () => {
  const bytes = new TextEncoder().encode('event: text-delta\ndata: {"text":"≈ 12:34 — ok"}\n\n');
  const split = bytes.indexOf(0xe2) + 1;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes.slice(0, split));
      controller.enqueue(bytes.slice(split));
      controller.close();
    },
  });
  const events = [];
  for await (const event of readEventStream(body)) events.push(event);
  expect(events).toStrictEqual([{ event: 'text-delta', data: '{"text":"≈ 12:34 — ok"}' }]);
});
