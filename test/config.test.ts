import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseEnv, promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../src/config.js';
import { PodciteError } from '../src/errors.js';

const run = promisify(execFile);
const repositoryRoot = fileURLToPath(new URL('../', import.meta.url));
// The child runs in a temporary folder, where the bare name `tsx` would not resolve.
const tsxLoader = pathToFileURL(path.join(repositoryRoot, 'node_modules/tsx/dist/loader.mjs')).href;

describe('loadConfig', () => {
  test('defaults: offline, extractive, loopback on 3000', () => {
    const config = loadConfig({});
    expect({
      port: config.port,
      host: config.host,
      indexDir: config.indexDir,
      embeddings: config.embeddings,
      llm: config.llm,
      apiToken: config.apiToken,
      corsOrigins: config.corsOrigins,
      rateLimitPerMinute: config.rateLimitPerMinute,
    }).toStrictEqual({
      port: 3000,
      host: '127.0.0.1',
      indexDir: path.resolve('.podcite/index'),
      embeddings: 'local',
      llm: undefined,
      apiToken: undefined,
      corsOrigins: [],
      rateLimitPerMinute: 120,
    });
  });

  test('values are trimmed and an empty value counts as unset', () => {
    const config = loadConfig({ PORT: ' 8080 ', API_TOKEN: '   ', OPENAI_API_KEY: '' });
    expect([config.port, config.apiToken, config.llm]).toStrictEqual([8080, undefined, undefined]);
  });

  test('a base URL alone turns on LLM answers (local servers need no key)', () => {
    const config = loadConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', CHAT_MODEL: 'llama3.2' });
    expect(config.llm).toStrictEqual({
      apiKey: 'not-needed',
      baseURL: 'http://127.0.0.1:11434/v1',
      chatModel: 'llama3.2',
      timeoutMs: 30_000,
    });
  });

  test.each([
    [undefined, false],
    ['false', false],
    ['true', true],
    ['2', 2],
    ['loopback, 10.0.0.0/8', 'loopback, 10.0.0.0/8'],
  ])('TRUST_PROXY=%s is trust proxy %j', (value, expected) => {
    expect(loadConfig(value === undefined ? {} : { TRUST_PROXY: value }).trustProxy).toStrictEqual(expected);
  });

  test('LOG_LEVEL and LOG_FORMAT', () => {
    expect(loadConfig({}).logLevel).toBe('info');
    const config = loadConfig({ LOG_LEVEL: 'warn', LOG_FORMAT: 'pretty' });
    expect([config.logLevel, config.logFormat]).toStrictEqual(['warn', 'pretty']);
  });

  test('.env.example is a valid configuration', () => {
    const example = parseEnv(readFileSync(path.join(repositoryRoot, '.env.example'), 'utf8'));
    const config = loadConfig(example);
    expect([config.port, config.trustProxy, config.logLevel, config.llm]).toStrictEqual([
      3000,
      false,
      'info',
      undefined,
    ]);
  });

  test('feeds: private URLs refused and transcription off by default', () => {
    const config = loadConfig({});
    expect([config.allowPrivateUrls, config.transcription]).toStrictEqual([false, undefined]);
  });

  test('TRANSCRIBE_BASE_URL turns transcription on; the key falls back to OPENAI_API_KEY', () => {
    expect(
      loadConfig({
        TRANSCRIBE_BASE_URL: 'http://127.0.0.1:9000/v1',
        OPENAI_API_KEY: 'sk-1',
        ALLOW_PRIVATE_URLS: 'true',
      }),
    ).toMatchObject({
      allowPrivateUrls: true,
      transcription: { baseURL: 'http://127.0.0.1:9000/v1', apiKey: 'sk-1', model: 'whisper-1', maxBytes: 26_214_400 },
    });
    expect(
      loadConfig({
        TRANSCRIBE_BASE_URL: 'https://api.groq.com/openai/v1',
        TRANSCRIBE_API_KEY: 'gsk',
        OPENAI_API_KEY: 'sk-1',
        TRANSCRIBE_MODEL: 'whisper-large-v3',
        TRANSCRIBE_MAX_BYTES: '1000000',
      }).transcription,
    ).toStrictEqual({
      baseURL: 'https://api.groq.com/openai/v1',
      apiKey: 'gsk',
      model: 'whisper-large-v3',
      maxBytes: 1_000_000,
    });
  });

  test.each([
    [{ ALLOW_PRIVATE_URLS: 'yes' }, 'ALLOW_PRIVATE_URLS must be "true" or "false"'],
    [{ TRANSCRIBE_BASE_URL: 'localhost:9000' }, 'TRANSCRIBE_BASE_URL must be an http(s) URL'],
    [{ TRANSCRIBE_MAX_BYTES: '-5' }, 'TRANSCRIBE_MAX_BYTES must be a positive integer'],
    [{ SEARCH_THREAD: 'yes' }, 'SEARCH_THREAD must be "auto" (default), "true" or "false"'],
  ])('%o is refused naming the variable', (environment, message) => {
    expect(() => loadConfig(environment)).toThrow(message);
  });

  test.each([
    [{}, 'auto'],
    [{ SEARCH_THREAD: 'auto' }, 'auto'],
    [{ SEARCH_THREAD: ' true ' }, true],
    [{ SEARCH_THREAD: 'false' }, false],
    [{ SEARCH_THREAD: '' }, 'auto'],
  ])('SEARCH_THREAD %o → %s', (environment, expected) => {
    expect(loadConfig(environment).searchThread).toBe(expected);
  });

  test('CORS_ORIGINS is a comma-separated list', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example, https://b.example,' }).corsOrigins).toStrictEqual([
      'https://a.example',
      'https://b.example',
    ]);
  });

  test('DATABASE_URL selects PostgreSQL; unset or empty keeps the local folder', () => {
    expect(loadConfig({ DATABASE_URL: ' postgres://u:p@db:5432/podcite ' }).databaseUrl).toBe(
      'postgres://u:p@db:5432/podcite',
    );
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/podcite' }).databaseUrl).toBe('postgresql://db/podcite');
    expect(loadConfig({ DATABASE_URL: '' }).databaseUrl).toBeUndefined();
  });

  test.each([
    [{ PORT: 'eighty' }, 'PORT must be an integer 0..65535 (got "eighty")'],
    [
      { EMBEDDINGS: 'bert' },
      'EMBEDDINGS must be "local" (offline static embedder, default), "use-lite" (offline transformer) or "openai"',
    ],
    [{ OPENAI_BASE_URL: 'localhost' }, 'OPENAI_BASE_URL must be a URL'],
    [{ EMBEDDINGS: 'openai' }, 'EMBEDDINGS=openai needs OPENAI_API_KEY'],
    [{ RATE_LIMIT_PER_MINUTE: '-1' }, 'RATE_LIMIT_PER_MINUTE must be 0 (off) or a positive integer'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent'],
    [{ LOG_FORMAT: 'xml' }, 'LOG_FORMAT must be "json" or "pretty"'],
    [{ TRUST_PROXY: 'all the proxies!' }, 'TRUST_PROXY must be false, true, a number of proxy hops'],
    [{ DATABASE_URL: 'mysql://db/podcite' }, 'DATABASE_URL must be a PostgreSQL URL'],
  ])('%o is refused with a message naming the variable', (environment, message) => {
    let caught: unknown;
    try {
      loadConfig(environment);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PodciteError);
    expect((caught as PodciteError).code).toBe('config');
    expect((caught as PodciteError).message).toContain(message);
  });

  test('reads a .env file in the working directory; variables already set win', async () => {
    const directory = await mkdtemp(path.join(os.tmpdir(), 'podcite-config-'));
    try {
      await writeFile(path.join(directory, '.env'), 'PORT=4123\nAPI_TOKEN=from-file\nCHAT_MODEL=from-file\n');
      const script = `import { loadConfig } from ${JSON.stringify(path.join(repositoryRoot, 'src/config.ts'))};
const config = loadConfig();
console.log(JSON.stringify([config.port, config.apiToken, config.llm?.chatModel ?? null]));`;
      const { stdout } = await run(process.execPath, ['--import', tsxLoader, '--input-type=module', '-e', script], {
        cwd: directory,
        env: { PATH: process.env.PATH, API_TOKEN: 'from-environment', OPENAI_BASE_URL: 'http://127.0.0.1:1/v1' },
      });
      expect(JSON.parse(stdout)).toStrictEqual([4123, 'from-environment', 'from-file']);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
