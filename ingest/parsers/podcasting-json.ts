import { z } from 'zod';
import type { Chapter, ParsedEpisode } from '../../src/domain.js';
import { PodciteError } from '../../src/errors.js';
import { buildEpisode } from './build-episode.js';
import type { ParseOptions } from './parse-options.js';
import { TurnBuilder } from './turn-builder.js';

/** Seconds as a number; some generators write them as numeric strings. */
const secondsSchema = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value),
  z.number().nonnegative(),
);

/** A transcript segment (https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/examples/transcripts/transcripts.md). */
export const podcastingSegmentSchema = z.object({
  speaker: z.string().nullish(),
  startTime: secondsSchema,
  endTime: secondsSchema.nullish(),
  body: z.string(),
});

export const podcastingTranscriptSchema = z.object({
  version: z.union([z.string(), z.number()]).optional(),
  segments: z.array(podcastingSegmentSchema),
});
export type PodcastingTranscript = z.infer<typeof podcastingTranscriptSchema>;

/** A chapter (https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/examples/chapters/jsonChapters.md). */
export const podcastingChapterSchema = z.object({
  startTime: secondsSchema,
  title: z.string().nullish(),
  endTime: secondsSchema.nullish(),
  /** `false` hides the chapter from the table of contents (e.g. an image change mid-chapter). */
  toc: z.boolean().nullish(),
});

export const podcastingChaptersSchema = z.object({
  version: z.union([z.string(), z.number()]).optional(),
  chapters: z.array(podcastingChapterSchema),
});

/** In word-level transcripts, a mark at least this often even without a sentence end. */
const WORDS_PER_MARK = 15;
const SENTENCE_END = /[.?!…]["”’')\]]*$/u;

/**
 * Parses a Podcasting 2.0 JSON transcript into one episode. Consecutive segments of the same
 * speaker merge into one turn (a segment without a speaker continues the previous one). Segments
 * that hold a phrase each get a mark; word-level segments get one at each turn start, after each
 * sentence end and at least every 15 words, so anchors stay dense without one per word.
 * @throws PodciteError `parse:podcasting-json` on invalid JSON or a document that does not match
 * the schema.
 */
export function parsePodcastingJson(text: string, options: ParseOptions): ParsedEpisode[] {
  const transcript = readJson({ text, schema: podcastingTranscriptSchema, code: 'parse:podcasting-json', options });
  const segments = transcript.segments;
  const wordLevel = median(segments.map((segment) => countWords(segment.body))) <= 2;
  const builder = new TurnBuilder();
  let wordsSinceMark = 0;
  let previousBody = '';
  let lastTime: number | null = null;
  for (const segment of segments) {
    const speaker = segment.speaker?.trim() || null;
    const body = segment.body.trim();
    if (!body) continue;
    const newTurn = builder.currentSpeaker === undefined || (speaker !== null && speaker !== builder.currentSpeaker);
    if (newTurn) builder.startTurn(speaker);
    if (!wordLevel || newTurn || SENTENCE_END.test(previousBody) || wordsSinceMark >= WORDS_PER_MARK) {
      builder.mark(segment.startTime);
      wordsSinceMark = 0;
    }
    builder.append(body);
    wordsSinceMark += countWords(body);
    previousBody = body;
    lastTime = Math.max(lastTime ?? 0, segment.endTime ?? segment.startTime);
  }
  return [buildEpisode({ fileName: options.fileName, turns: builder.finish(), durationSeconds: lastTime })];
}

/**
 * Parses a Podcasting 2.0 chapters file, sorted by start time. Chapters without a title or
 * marked `toc: false` are left out.
 * @throws PodciteError `parse:podcasting-chapters` on invalid JSON or schema.
 */
export function parsePodcastingChapters(text: string, options: ParseOptions): Chapter[] {
  const document = readJson({ text, schema: podcastingChaptersSchema, code: 'parse:podcasting-chapters', options });
  return document.chapters
    .filter((chapter) => chapter.toc !== false && chapter.title?.trim())
    .map((chapter) => ({ start: chapter.startTime, title: (chapter.title ?? '').trim() }))
    .sort((left, right) => (left.start ?? 0) - (right.start ?? 0));
}

function readJson<Schema extends z.ZodType>(options: {
  text: string;
  schema: Schema;
  code: 'parse:podcasting-json' | 'parse:podcasting-chapters';
  options: ParseOptions;
}): z.infer<Schema> {
  const { fileName } = options.options;
  let json: unknown;
  try {
    json = JSON.parse(options.text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new PodciteError(options.code, `${fileName}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  const parsed = options.schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new PodciteError(options.code, `${fileName}: unexpected JSON${where}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
