/**
 * The only reader of `process.env`. Values are trimmed; an empty value counts as unset.
 * Errors name the variable and say how to fix it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { PodciteError } from './errors.js';

/** pino's levels, most verbose last but one; `silent` logs nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const positiveInt = (name: string, fallback: number) =>
  z
    .string()
    .optional()
    .transform((value, context) => {
      if (value === undefined) return fallback;
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed <= 0) {
        context.addIssue({ code: 'custom', message: `${name} must be a positive integer (got "${value}")` });
        return z.NEVER;
      }
      return parsed;
    });

const envSchema = z.object({
  PORT: z
    .string()
    .optional()
    .transform((value, context) => {
      if (value === undefined) return 3000;
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
        context.addIssue({ code: 'custom', message: `PORT must be an integer 0..65535 (got "${value}")` });
        return z.NEVER;
      }
      return parsed;
    }),
  HOST: z.string().default('127.0.0.1'),
  INDEX_DIR: z.string().default('.podcite/index'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, {
      error:
        'DATABASE_URL must be a PostgreSQL URL such as postgres://user:password@host:5432/podcite (`npm run db` prints one for an embedded database)',
    })
    .optional(),
  EMBEDDINGS: z
    .enum(['local', 'use-lite', 'openai'], {
      error:
        'EMBEDDINGS must be "local" (offline static embedder, default), "use-lite" (offline transformer) or "openai"',
    })
    .default('local'),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: z.url({ error: 'OPENAI_BASE_URL must be a URL such as http://127.0.0.1:11434/v1' }).optional(),
  CHAT_MODEL: z.string().default('gpt-4o-mini'),
  EMBEDDING_MODEL: z.string().default('text-embedding-3-small'),
  API_TOKEN: z.string().optional(),
  CORS_ORIGINS: z
    .string()
    .optional()
    .transform((value) =>
      value
        ? value
            .split(',')
            .map((origin) => origin.trim())
            .filter(Boolean)
        : [],
    ),
  LLM_TIMEOUT_MS: positiveInt('LLM_TIMEOUT_MS', 30_000),
  REQUEST_TIMEOUT_MS: positiveInt('REQUEST_TIMEOUT_MS', 60_000),
  /** Requests per minute per client on /api and /v1; 0 disables. */
  RATE_LIMIT_PER_MINUTE: z
    .string()
    .optional()
    .transform((value, context) => {
      if (value === undefined) return 120;
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed < 0) {
        context.addIssue({
          code: 'custom',
          message: `RATE_LIMIT_PER_MINUTE must be 0 (off) or a positive integer (got "${value}")`,
        });
        return z.NEVER;
      }
      return parsed;
    }),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty'], { error: 'LOG_FORMAT must be "json" or "pretty"' }).optional(),
  /**
   * Express's `trust proxy`: which hops in X-Forwarded-For to believe, so the rate limit and the logs
   * see the client's address rather than the proxy's. Unset or "false" trusts none.
   */
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((value, context): boolean | number | string => {
      if (value === undefined || value === 'false') return false;
      if (value === 'true') return true;
      if (/^\d+$/.test(value)) return Number(value);
      if (/^[\w.:/,\s-]+$/.test(value)) return value;
      context.addIssue({
        code: 'custom',
        message: `TRUST_PROXY must be false, true, a number of proxy hops, or comma-separated addresses/subnets such as "loopback, 10.0.0.0/8" (got "${value}")`,
      });
      return z.NEVER;
    }),
  ALLOW_PRIVATE_URLS: z
    .enum(['true', 'false'], { error: 'ALLOW_PRIVATE_URLS must be "true" or "false" (default)' })
    .default('false'),
  TRANSCRIBE_BASE_URL: z
    .url({
      protocol: /^https?$/,
      error: 'TRANSCRIBE_BASE_URL must be an http(s) URL such as https://api.openai.com/v1',
    })
    .optional(),
  TRANSCRIBE_API_KEY: z.string().optional(),
  TRANSCRIBE_MODEL: z.string().default('whisper-1'),
  TRANSCRIBE_MAX_BYTES: positiveInt('TRANSCRIBE_MAX_BYTES', 25 * 1024 * 1024),
  SEARCH_THREAD: z
    .enum(['auto', 'true', 'false'], { error: 'SEARCH_THREAD must be "auto" (default), "true" or "false"' })
    .default('auto'),
});

export interface LlmConfig {
  apiKey: string;
  baseURL: string | undefined;
  chatModel: string;
  timeoutMs: number;
}

export interface Config {
  port: number;
  host: string;
  /** Absolute path of the index folder (with DATABASE_URL, only the feeds' transcript cache lives beside it). */
  indexDir: string;
  /** DATABASE_URL: keep the index in PostgreSQL (pgvector + pg_textsearch) instead of `indexDir`. */
  databaseUrl: string | undefined;
  /** `local`: the static embedder distilled from USE lite; `use-lite`: the transformer itself; `openai`: the API. */
  embeddings: 'local' | 'use-lite' | 'openai';
  embeddingModel: string;
  /** Set when an LLM is configured (OPENAI_API_KEY or OPENAI_BASE_URL); answers are extractive otherwise. */
  llm: LlmConfig | undefined;
  /** OpenAI credentials for embeddings when EMBEDDINGS=openai. */
  openai: { apiKey: string; baseURL: string | undefined } | undefined;
  apiToken: string | undefined;
  corsOrigins: string[];
  requestTimeoutMs: number;
  rateLimitPerMinute: number;
  logLevel: LogLevel;
  /** `pretty` for people at a terminal (the default when stderr is one), `json` (one object a line) otherwise. */
  logFormat: 'json' | 'pretty';
  /** Express `trust proxy` value (false: the socket's address is the client's). */
  trustProxy: boolean | number | string;
  /** ALLOW_PRIVATE_URLS: fetch feed, transcript, chapters and audio URLs that resolve to non-public addresses. */
  allowPrivateUrls: boolean;
  /** Speech-to-text for audio-only episodes; undefined unless TRANSCRIBE_BASE_URL is set. */
  transcription: TranscriptionConfig | undefined;
  /**
   * SEARCH_THREAD: run searches in a worker thread beside the event loop (`true`), on it (`false`), or
   * decide from the cores, the embedder and the index size (`auto`, see `shouldUseSearchThread`).
   */
  searchThread: 'auto' | boolean;
}

export interface TranscriptionConfig {
  /** Base URL of an OpenAI-compatible server; `/audio/transcriptions` is appended. */
  baseURL: string;
  /** TRANSCRIBE_API_KEY, else OPENAI_API_KEY; undefined for servers that need none. */
  apiKey: string | undefined;
  model: string;
  /** Largest upload in bytes; longer audio is split into parts below it. */
  maxBytes: number;
}

/**
 * Reads configuration from an environment (default `process.env`, after loading a `.env` file from
 * the working directory when there is one — variables already set win over the file).
 * Throws `PodciteError('config')` on bad values.
 */
export function loadConfig(environment?: NodeJS.ProcessEnv): Config {
  if (environment === undefined) {
    if (existsSync('.env')) process.loadEnvFile('.env');
    return readConfig(process.env);
  }
  return readConfig(environment);
}

function readConfig(environment: NodeJS.ProcessEnv): Config {
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = environment[key]?.trim();
    if (value) cleaned[key] = value;
  }
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const message = parsed.error.issues.map((issue) => issue.message).join('; ');
    throw new PodciteError(
      'config',
      `Invalid configuration: ${message}. Fix the variable in your environment or .env file.`,
    );
  }
  const env = parsed.data;
  const llmConfigured = env.OPENAI_API_KEY !== undefined || env.OPENAI_BASE_URL !== undefined;
  // Local OpenAI-compatible servers (Ollama, llama.cpp, vLLM) accept any key; the SDK insists on one.
  const apiKey = env.OPENAI_API_KEY ?? 'not-needed';
  if (env.EMBEDDINGS === 'openai' && !llmConfigured) {
    throw new PodciteError(
      'config',
      'EMBEDDINGS=openai needs OPENAI_API_KEY (or OPENAI_BASE_URL for a local OpenAI-compatible server). Set one, or use EMBEDDINGS=local.',
    );
  }
  return {
    port: env.PORT,
    host: env.HOST,
    indexDir: path.resolve(env.INDEX_DIR),
    databaseUrl: env.DATABASE_URL,
    embeddings: env.EMBEDDINGS,
    embeddingModel: env.EMBEDDING_MODEL,
    llm: llmConfigured
      ? { apiKey, baseURL: env.OPENAI_BASE_URL, chatModel: env.CHAT_MODEL, timeoutMs: env.LLM_TIMEOUT_MS }
      : undefined,
    openai: llmConfigured ? { apiKey, baseURL: env.OPENAI_BASE_URL } : undefined,
    apiToken: env.API_TOKEN,
    corsOrigins: env.CORS_ORIGINS,
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    logLevel: env.LOG_LEVEL,
    // Logs go to stderr; a terminal gets readable lines unless LOG_FORMAT says otherwise.
    logFormat: env.LOG_FORMAT ?? (process.stderr.isTTY ? 'pretty' : 'json'),
    trustProxy: env.TRUST_PROXY,
    allowPrivateUrls: env.ALLOW_PRIVATE_URLS === 'true',
    transcription: env.TRANSCRIBE_BASE_URL
      ? {
          baseURL: env.TRANSCRIBE_BASE_URL,
          apiKey: env.TRANSCRIBE_API_KEY ?? env.OPENAI_API_KEY,
          model: env.TRANSCRIBE_MODEL,
          maxBytes: env.TRANSCRIBE_MAX_BYTES,
        }
      : undefined,
    searchThread: env.SEARCH_THREAD === 'auto' ? 'auto' : env.SEARCH_THREAD === 'true',
  };
}
