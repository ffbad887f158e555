import { describe, expect, test } from 'vitest';
import { createLogger } from '../../src/log/create-logger.js';
import { formatPrettyLine } from '../../src/log/format-pretty-line.js';

function collect(options: { level: 'info' | 'warn'; format: 'json' | 'pretty' }) {
  const lines: string[] = [];
  const logger = createLogger({ ...options, destination: { write: (line) => lines.push(line) } });
  return { logger, lines };
}

describe('createLogger', () => {
  test('json: one object a line, the level by name, ISO time, bindings kept', () => {
    const { logger, lines } = collect({ level: 'info', format: 'json' });
    logger.child({ requestId: 'r1' }).info({ route: '/api/chat', status: 200 }, 'request');
    expect(lines.length).toBe(1);
    const record = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(record).toStrictEqual({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      requestId: 'r1',
      route: '/api/chat',
      status: 200,
      msg: 'request',
    });
  });

  test('LOG_LEVEL drops what is below it', () => {
    const { logger, lines } = collect({ level: 'warn', format: 'json' });
    logger.info('hidden');
    logger.warn('shown');
    expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toStrictEqual(['shown']);
  });

  test('pretty: time, level, message, then key=value pairs; an error stack below', () => {
    const { logger, lines } = collect({ level: 'info', format: 'pretty' });
    logger.child({ requestId: 'r1' }).info({ route: '/api/chat', status: 200 }, 'request');
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}request requestId=r1 route=\/api\/chat status=200\n$/);
    logger.error({ err: new Error('boom') }, 'failed');
    expect(lines[1]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} ERROR failed\nError: boom\n\s+at /);
  });
});

test('formatPrettyLine passes a line that is not a JSON object through', () => {
  expect(formatPrettyLine('plain text\n')).toBe('plain text\n');
  expect(formatPrettyLine('[1,2]\n')).toBe('[1,2]\n');
});
