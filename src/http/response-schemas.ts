/**
 * zod schemas of every HTTP response body, the source of `GET /openapi.json`. Each is checked
 * against the server's own type (`satisfies z.ZodType<…>`), so the description cannot drift from
 * what the handlers return without the typecheck noticing.
 */
import { z } from 'zod';
import type { ChatAnswer, Citation, SearchResult } from '../domain.js';
import type { ShowIngestStatus } from './show-ingests.js';
import { chunkKindSchema, timestampQualitySchema } from '../domain.js';

const seconds = z.number().nonnegative().nullable();

export const citationResponseSchema = z.object({
  n: z.number().int().positive().describe('The number of the `[n]` marker in the answer.'),
  chunkId: z.string(),
  episodeId: z.string(),
  episodeTitle: z.string(),
  speaker: z.string().nullable(),
  start: seconds.describe('Seconds from the start of the episode to the quoted sentence.'),
  end: seconds,
  timestampLabel: z.string().nullable().describe('`h:mm:ss` or `mm:ss`.'),
  approximate: z.boolean().describe('True when the time was estimated rather than read from the transcript.'),
  url: z.string().nullable().describe('The media URL with a `#t=` fragment, when the episode has media.'),
  quote: z.string().describe('A verbatim span of the transcript.'),
  kind: chunkKindSchema
    .optional()
    .describe('What the passage is: `transcript`, `shownotes` (no speaker or time), `chapters` or `promo`.'),
}) satisfies z.ZodType<Citation>;

export const chatAnswerResponseSchema = z.object({
  answer: z.string().describe('The answer, with `[n]` markers naming citations.'),
  answerable: z.boolean().describe('False when the episodes do not support an answer (the answer then says so).'),
  mode: z.enum(['extractive', 'llm']),
  citations: z.array(citationResponseSchema),
  notice: z.string().optional().describe('A note for the user, e.g. that the LLM was unavailable.'),
}) satisfies z.ZodType<ChatAnswer>;

/** Data of the `sources` server-sent event of a streamed `/api/chat`: the candidate citations. */
export const sourcesEventSchema = z.object({ citations: z.array(citationResponseSchema) });
/** Data of each `text-delta` event: the next piece of the answer's text. */
export const textDeltaEventSchema = z.object({ text: z.string() });

export const searchResultResponseSchema = z.object({
  chunkId: z.string(),
  episodeId: z.string(),
  episodeTitle: z.string(),
  speaker: z.string().nullable(),
  start: seconds,
  end: seconds,
  timestampLabel: z.string().nullable(),
  approximate: z.boolean(),
  text: z.string(),
  score: z.number(),
  kind: chunkKindSchema
    .optional()
    .describe('What the passage is: `transcript`, `shownotes` (no speaker or time), `chapters` or `promo`.'),
}) satisfies z.ZodType<SearchResult>;

export const searchResponseSchema = z.object({ results: z.array(searchResultResponseSchema) });

export const healthResponseSchema = z.object({
  status: z.literal('ok'),
  episodes: z.number().int().nonnegative(),
  chunks: z.number().int().nonnegative(),
  embedder: z.string(),
  answerer: z.enum(['extractive', 'llm']),
});

export const episodesResponseSchema = z.object({
  episodes: z.array(
    z.object({
      episodeId: z.string(),
      title: z.string(),
      date: z.string().nullable(),
      durationSeconds: z.number().nullable(),
      chunks: z.number().int().nonnegative(),
      timestamps: timestampQualitySchema,
      url: z.string().nullable(),
      showId: z
        .string()
        .nullable()
        .describe('The show (feed) the episode came from; null for an episode ingested from a file.'),
      chapters: z.array(z.object({ start: z.number().nullable(), title: z.string() })),
    }),
  ),
});

const showSummary = {
  title: z.string(),
  feedUrl: z.string(),
  author: z.string().nullable(),
  image: z.string().nullable().describe("The show's artwork URL from the feed."),
  lastRefreshed: z.string().describe('ISO time of the last successful check of the feed (a 304 counts).'),
  episodes: z.number().int().nonnegative().describe('Episodes of this show in the index.'),
};

export const showsResponseSchema = z.object({
  shows: z.array(z.object({ showId: z.string(), ...showSummary })),
});
export type ShowsResponse = z.infer<typeof showsResponseSchema>;

export const showIngestStatusSchema = z.object({
  showId: z.string(),
  feedUrl: z.string().describe('The feed URL, normalised.'),
  state: z.enum(['queued', 'running', 'done', 'failed']),
  phase: z
    .enum(['waiting', 'reading', 'embedding', 'writing', 'loading', 'finished'])
    .describe('What a running ingest is doing; `loading` means the new index is being loaded to serve.'),
  done: z.number().int().nonnegative().nullable().describe('Passages embedded so far (while embedding).'),
  total: z.number().int().nonnegative().nullable(),
  message: z.string().nullable().describe('Why it failed, or a one-line summary when done.'),
  notes: z.array(z.string()).describe('Problems that did not fail the ingest, each naming its URL.'),
  queuedAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
}) satisfies z.ZodType<ShowIngestStatus>;

export const showResponseSchema = z.object({
  showId: z.string(),
  show: z.object(showSummary).nullable().describe('Null while the first ingest of the show has not finished.'),
  ingest: showIngestStatusSchema
    .nullable()
    .describe('The latest background ingest since the server started (null when there was none).'),
});
export type ShowResponse = z.infer<typeof showResponseSchema>;

export const errorResponseSchema = z.object({
  error: z.object({ code: z.string().describe('e.g. `bad_request:chat`, `unauthorized`.'), message: z.string() }),
});

export const livenessResponseSchema = z.object({ status: z.literal('ok') });
export const readinessResponseSchema = z.union([
  z.object({ status: z.literal('ready') }),
  z.object({ status: z.literal('starting'), waitingFor: z.array(z.string()) }),
]);

// --- The OpenAI-compatible API ----------------------------------------------------------------

export const openAIModelSchema = z.object({
  id: z.string(),
  object: z.literal('model'),
  created: z.number().int(),
  owned_by: z.string(),
});

export const openAIModelListSchema = z.object({ object: z.literal('list'), data: z.array(openAIModelSchema) });

export const openAIUsageSchema = z
  .object({
    prompt_tokens: z.number().int().nonnegative(),
    completion_tokens: z.number().int().nonnegative(),
    total_tokens: z.number().int().nonnegative(),
  })
  .describe(
    "The LLM server's own counts when an LLM answered; in extractive mode an estimate (characters ÷ 4 of the question, the history and the answer).",
  );

/** podcite's extras beside an OpenAI completion (on the final chunk when streaming). */
const podciteExtras = {
  citations: z.array(citationResponseSchema).describe('What the `[n]` markers in the content refer to.'),
  answerable: z.boolean(),
  mode: z.enum(['extractive', 'llm']),
  notice: z.string().optional(),
};

export const openAIChatCompletionSchema = z.object({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.number().int(),
      message: z.object({ role: z.literal('assistant'), content: z.string(), refusal: z.null() }),
      logprobs: z.null(),
      finish_reason: z.literal('stop'),
    }),
  ),
  usage: openAIUsageSchema,
  ...podciteExtras,
});

export const openAIChatCompletionChunkSchema = z.object({
  id: z.string(),
  object: z.literal('chat.completion.chunk'),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.number().int(),
      delta: z.object({ role: z.literal('assistant').optional(), content: z.string().optional() }),
      logprobs: z.null(),
      finish_reason: z.literal('stop').nullable(),
    }),
  ),
  usage: openAIUsageSchema.optional(),
  citations: podciteExtras.citations.optional(),
  answerable: podciteExtras.answerable.optional(),
  mode: podciteExtras.mode.optional(),
  notice: podciteExtras.notice,
});

export const openAIErrorResponseSchema = z.object({
  error: z.object({ message: z.string(), type: z.string(), code: z.string(), param: z.null() }),
});
