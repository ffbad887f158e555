/**
 * zod schemas for every HTTP request body. The podcite API is strict (unknown fields are a 400,
 * so a typo such as `episodeID` is reported rather than silently ignored); the OpenAI-compatible
 * body is loose because real OpenAI clients send many optional fields podcite does not use.
 */
import { z } from 'zod';
import { PodciteError } from '../errors.js';

/** Input bounds; the JSON body limit (64 kB) bounds the total on top of these. */
export const REQUEST_LIMITS = {
  bodyBytes: 64 * 1024,
  messageCharacters: 4000,
  historyItems: 20,
  episodeIds: 100,
  episodeIdCharacters: 200,
  maxK: 50,
  defaultK: 8,
  /** OpenAI `messages` entries accepted; only the last `historyItems` earlier turns are used. */
  openAIMessages: 200,
} as const;

const text = (name: string) =>
  z
    .string({ error: `${name} must be a string` })
    .trim()
    .min(1, { error: `${name} must not be empty` })
    .max(REQUEST_LIMITS.messageCharacters, {
      error: `${name} must be at most ${REQUEST_LIMITS.messageCharacters} characters`,
    });

const episodeIdsSchema = z
  .array(z.string().min(1).max(REQUEST_LIMITS.episodeIdCharacters), { error: 'episodeIds must be an array of strings' })
  .max(REQUEST_LIMITS.episodeIds, { error: `episodeIds may list at most ${REQUEST_LIMITS.episodeIds} episodes` });

export const searchRequestSchema = z.strictObject({
  query: text('query'),
  k: z
    .number({ error: 'k must be a number' })
    .int({ error: 'k must be an integer' })
    .min(1, { error: `k must be between 1 and ${REQUEST_LIMITS.maxK}` })
    .max(REQUEST_LIMITS.maxK, { error: `k must be between 1 and ${REQUEST_LIMITS.maxK}` })
    .default(REQUEST_LIMITS.defaultK),
  episodeIds: episodeIdsSchema.optional(),
});
export type SearchRequestBody = z.infer<typeof searchRequestSchema>;

export const chatMessageSchema = z.strictObject({
  role: z.enum(['user', 'assistant'], { error: 'role must be "user" or "assistant"' }),
  content: z.string({ error: 'content must be a string' }).max(REQUEST_LIMITS.messageCharacters, {
    error: `content must be at most ${REQUEST_LIMITS.messageCharacters} characters`,
  }),
});

export const chatRequestSchema = z.strictObject({
  message: text('message'),
  history: z
    .array(chatMessageSchema, { error: 'history must be an array of {role, content}' })
    .max(REQUEST_LIMITS.historyItems, { error: `history may hold at most ${REQUEST_LIMITS.historyItems} messages` })
    .default([]),
  episodeIds: episodeIdsSchema.optional(),
  stream: z.boolean({ error: 'stream must be true or false' }).optional(),
});
export type ChatRequestBody = z.infer<typeof chatRequestSchema>;

const openAIContentPartSchema = z.looseObject({ type: z.string(), text: z.string().optional() });

const openAIMessageSchema = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function'], {
    error: 'role must be one of system, developer, user, assistant, tool, function',
  }),
  content: z.union([z.string(), z.array(openAIContentPartSchema), z.null()]).optional(),
});
export type OpenAIMessage = z.infer<typeof openAIMessageSchema>;

export const openAIChatRequestSchema = z.looseObject({
  model: z.string().max(200).optional(),
  messages: z
    .array(openAIMessageSchema, { error: 'messages must be an array' })
    .min(1, { error: 'messages must hold at least one message' })
    .max(REQUEST_LIMITS.openAIMessages, {
      error: `messages may hold at most ${REQUEST_LIMITS.openAIMessages} entries`,
    }),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  /** podcite extension: restrict retrieval to these episodes. */
  episodeIds: episodeIdsSchema.optional(),
});
export type OpenAIChatRequestBody = z.infer<typeof openAIChatRequestSchema>;

/** `POST /api/shows`: the feed to add (checked further, against private addresses, when it is queued). */
export const addShowRequestSchema = z.strictObject({
  feedUrl: z
    .string({ error: 'feedUrl must be a string' })
    .trim()
    .min(1, { error: 'feedUrl must not be empty' })
    .max(2000, { error: 'feedUrl must be at most 2000 characters' })
    .describe('The RSS/Atom feed URL (http or https).'),
});
export type AddShowRequestBody = z.infer<typeof addShowRequestSchema>;

/**
 * Validates a parsed JSON body. Throws `PodciteError('bad_request:<name>')` whose message lists
 * every problem as `field: reason`; a missing body (wrong Content-Type) gets its own hint.
 */
export function parseBody<Schema extends z.ZodType>(options: {
  schema: Schema;
  body: unknown;
  name: string;
}): z.output<Schema> {
  if (options.body === undefined) {
    throw new PodciteError(
      `bad_request:${options.name}`,
      'Expected a JSON body: send Content-Type: application/json with a JSON object.',
    );
  }
  const parsed = options.schema.safeParse(options.body);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join('.') : 'body';
    return `${where}: ${issue.message}`;
  });
  throw new PodciteError(`bad_request:${options.name}`, `Invalid request: ${problems.join('; ')}`);
}
