import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ask, formatAnswer, parseAskArguments } from '../../src/cli/ask.js';
import type { ChatAnswer, Manifest } from '../../src/domain.js';
import { PodciteError } from '../../src/errors.js';
import { FakeAnswerer, fakeChatAnswer, fakeCitation } from '../support/fake-answerer.js';
import { MANIFEST_FILE } from '../../src/store/index-directory.js';
import { prepareIndex } from './prepare-index.js';

describe('parseAskArguments', () => {
  test.each([
    [['What is RAG?'], { question: 'What is RAG?', json: false, episodeIds: undefined }],
    [['What', 'is', 'RAG?', '--json'], { question: 'What is RAG?', json: true, episodeIds: undefined }],
    [['--episode', 'a', 'q', '--episode', 'b'], { question: 'q', json: false, episodeIds: ['a', 'b'] }],
  ])('%j', (argv, expected) => {
    expect(parseAskArguments(argv)).toStrictEqual(expected);
  });

  test.each([
    [[], 'No question given.\nUsage: npm run ask -- "QUESTION" [--json] [--episode EPISODE_ID ...]'],
    [['  '], 'No question given.\nUsage: npm run ask -- "QUESTION" [--json] [--episode EPISODE_ID ...]'],
    [
      ['q', '--yaml'],
      "Unknown option '--yaml'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--yaml\"\nUsage: npm run ask -- \"QUESTION\" [--json] [--episode EPISODE_ID ...]",
    ],
    [['x'.repeat(4001)], 'The question must be at most 4000 characters.'],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseAskArguments(argv)).toThrow(new PodciteError('bad_request:usage', message));
  });
});

describe('formatAnswer', () => {
  test('the answer, then numbered citations with episode, speaker, timestamp, quote and link', () => {
    const text = formatAnswer(
      fakeChatAnswer({
        answer: 'Vector search is half of it [1]; evals keep agents honest [2].',
        citations: [
          fakeCitation(),
          fakeCitation({
            n: 2,
            episodeTitle: 'Episode Two',
            speaker: null,
            timestampLabel: '1:02:05',
            approximate: true,
            url: null,
            quote: 'Evaluation sets keep agents honest.',
          }),
          fakeCitation({ n: 3, timestampLabel: null, start: null, url: null, quote: 'Show notes.' }),
        ],
      }),
    );
    expect(text).toBe(
      [
        'Vector search is half of it [1]; evals keep agents honest [2].',
        '',
        'Sources:',
        '[1] Episode One — Alice, 01:05',
        '    "Vector search is only half of retrieval."',
        '    https://example.com/one.mp3#t=65',
        '[2] Episode Two — unknown speaker, ~1:02:05 (approximate)',
        '    "Evaluation sets keep agents honest."',
        '[3] Episode One — Alice, time unknown',
        '    "Show notes."',
        '',
      ].join('\n'),
    );
  });

  test('an unanswerable question has no sources block', () => {
    expect(
      formatAnswer(fakeChatAnswer({ answer: 'The episodes do not cover this.', answerable: false, citations: [] })),
    ).toBe('The episodes do not cover this.\n');
  });
});

describe('ask', () => {
  test('--json writes the same body as POST /api/chat', async () => {
    const written: string[] = [];
    const answerer = new FakeAnswerer();
    await ask({
      arguments: { question: 'q', json: true, episodeIds: ['episode-one'] },
      answerer,
      write: (text) => written.push(text),
      warn: () => {},
    });
    expect(JSON.parse(written.join(''))).toStrictEqual(fakeChatAnswer());
    expect(answerer.requests).toStrictEqual([{ message: 'q', history: [], episodeIds: ['episode-one'] }]);
  });

  test('human output goes to stdout and the notice to stderr', async () => {
    const written: string[] = [];
    const warned: string[] = [];
    await ask({
      arguments: { question: 'q', json: false, episodeIds: undefined },
      answerer: new FakeAnswerer({ answer: fakeChatAnswer({ notice: 'The language model was unavailable.' }) }),
      write: (text) => written.push(text),
      warn: (text) => warned.push(text),
    });
    expect(written).toStrictEqual([formatAnswer(fakeChatAnswer())]);
    expect(warned).toStrictEqual(['Note: The language model was unavailable.\n']);
  });
});

describe('npm run ask (a real process on a prepared index)', () => {
  const run = promisify(execFile);
  let index: Awaited<ReturnType<typeof prepareIndex>>;
  beforeAll(async () => {
    index = await prepareIndex();
  });
  afterAll(() => index?.remove());

  const ask = (...argv: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'src/cli/ask.ts', ...argv], {
      env: { ...process.env, INDEX_DIR: index.dir, OPENAI_API_KEY: '', OPENAI_BASE_URL: '' },
    });

  test('--json prints the POST /api/chat body; the human form prints the same answer and its sources', async () => {
    const [json, human] = await Promise.all([
      ask('What does Chris Manning say about structure?', '--json'),
      ask('What does Chris Manning say about structure?'),
    ]);
    const answer = JSON.parse(json.stdout) as ChatAnswer;
    expect(Object.keys(answer).sort()).toStrictEqual(['answer', 'answerable', 'citations', 'mode']);
    expect(answer.mode).toBe('extractive');
    expect(answer.citations.length).toBeGreaterThan(0);
    expect(answer.citations.every((citation) => citation.episodeId === answer.citations[0]?.episodeId)).toBe(true);
    expect(human.stdout).toBe(formatAnswer(answer));
    // Two processes each load tsx, the index and the embedding model: slow on a busy 2-core machine.
  }, 180_000);

  test('an unknown --episode is a usage error that lists the episodes', async () => {
    const failure = (await ask('What about structure?', '--episode', 'nope').catch((error: unknown) => error)) as {
      code: number;
      stderr: string;
      stdout: string;
    };
    const manifest = JSON.parse(await readFile(path.join(index.dir, MANIFEST_FILE), 'utf8')) as Manifest;
    expect({ code: failure.code, stdout: failure.stdout, stderr: failure.stderr }).toStrictEqual({
      code: 2,
      stdout: '',
      stderr: `Unknown episodeIds: "nope". The episodes are:\n${manifest.episodes.map((episode) => `  ${episode.episodeId}  ${episode.title}`).join('\n')}\n`,
    });
  });

  test('no question is a usage error with exit code 2', async () => {
    const failure = (await ask().catch((error: unknown) => error)) as { code: number; stderr: string; stdout: string };
    expect({ code: failure.code, stdout: failure.stdout, stderr: failure.stderr }).toStrictEqual({
      code: 2,
      stdout: '',
      stderr: 'No question given.\nUsage: npm run ask -- "QUESTION" [--json] [--episode EPISODE_ID ...]\n',
    });
  });
});
