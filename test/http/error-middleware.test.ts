import { describe, expect, test } from 'vitest';
import { PodciteError } from '../../src/errors.js';
import { redact, toPublicError } from '../../src/http/error-middleware.js';

describe('redact', () => {
  test.each([
    ['ENOENT: open /home/me/.podcite/index/manifest.json', 'ENOENT: open [path]'],
    ['failed at C:\\Users\\me\\podcite\\x.ts:12', 'failed at [path]:12'],
    ['loading file:///srv/app/model.json', 'loading [path]'],
    [
      '401 from upstream: Incorrect API key provided: sk-proj-AbC123xyz',
      '401 from upstream: Incorrect API key provided: [redacted]',
    ],
    ['header Authorization: Bearer abc.def', 'header Authorization: [redacted]'],
    ['api_key=abc123 password: hunter2', 'api_key=[redacted] password: [redacted]'],
    ['configured secret my-literal-token leaked', 'configured secret [redacted] leaked'],
    ['The language model timed out after 30000 ms.', 'The language model timed out after 30000 ms.'],
  ])('%s', (message, expected) => {
    expect(redact(message, ['my-literal-token'])).toBe(expected);
  });
});

describe('toPublicError', () => {
  test.each([
    [
      new PodciteError('bad_request:chat', 'message: too long'),
      { status: 400, code: 'bad_request:chat', message: 'message: too long' },
    ],
    [
      new PodciteError('index:missing', 'No index at /srv/idx'),
      { status: 503, code: 'index:missing', message: 'No index at [path]' },
    ],
    [
      new PodciteError('timeout:request', 'Took too long.'),
      { status: 504, code: 'timeout:request', message: 'Took too long.' },
    ],
    [
      Object.assign(new Error('request entity too large'), { type: 'entity.too.large' }),
      { status: 413, code: 'payload_too_large', message: 'The request body is too large (limit 64 kB).' },
    ],
    [
      Object.assign(new Error('unsupported charset "LATIN-9"'), { type: 'charset.unsupported' }),
      { status: 400, code: 'bad_request:body', message: 'The request body could not be read; send UTF-8 JSON.' },
    ],
    [
      new TypeError('Cannot read properties of undefined (reading "x") at /app/src/a.ts'),
      { status: 500, code: 'internal', message: 'Internal server error. The server log has the details.' },
    ],
    [
      'a thrown string',
      { status: 500, code: 'internal', message: 'Internal server error. The server log has the details.' },
    ],
  ])('%s', (error, expected) => {
    expect(toPublicError(error, [])).toStrictEqual(expected);
  });
});
