import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import type { Chapter, ParsedEpisode } from '../../src/domain.js';
import { PodciteError } from '../../src/errors.js';
import { parseClock } from '../../src/util/time-label.js';
import { episodeIdFromTitle } from './episode-id.js';
import type { ParseOptions } from './parse-options.js';

/** Episode facts a transcript file often lacks, from front matter or a sidecar `<stem>.json`. */
export interface EpisodeMetadata {
  title?: string | undefined;
  /** ISO `YYYY-MM-DD`. */
  date?: string | undefined;
  url?: string | undefined;
  durationSeconds?: number | undefined;
  showNotes?: string | undefined;
  people?: string[] | undefined;
  chapters?: Chapter[] | undefined;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * ISO `YYYY-MM-DD` from the date forms feeds and front matter use: ISO dates and timestamps, and
 * RFC 822 (`Tue, 02 Apr 2026 23:30:00 -0500`), whose calendar date is kept as written rather
 * than shifted to UTC. Null when the text is not a date.
 */
export function normaliseDate(value: unknown): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString().slice(0, 10);
  if (typeof value !== 'string') return null;
  const text = value.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T\s])/.exec(text);
  if (iso) return validDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const rfc822 = /(\d{1,2})\s+([a-z]{3})[a-z]*\.?\s+(\d{4})/i.exec(text);
  if (rfc822) {
    const month = MONTHS.indexOf((rfc822[2] ?? '').toLowerCase()) + 1;
    if (month > 0) return validDate(Number(rfc822[3]), month, Number(rfc822[1]));
  }
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? null : new Date(parsed).toISOString().slice(0, 10);
}

function validDate(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date.toISOString().slice(0, 10);
}

/** Seconds from a number, a numeric string, or `mm:ss` / `hh:mm:ss` (as `<itunes:duration>` allows). */
export function parseDuration(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text);
  return parseClock(text);
}

const textField = z.preprocess((value) => (typeof value === 'number' ? String(value) : value), z.string()).optional();
const peopleField = z
  .union([z.string(), z.array(z.union([z.string(), z.object({ name: z.string() })]))])
  .transform((value) =>
    (Array.isArray(value) ? value : value.split(','))
      .map((person) => (typeof person === 'string' ? person : person.name).trim())
      .filter(Boolean),
  )
  .optional();

/** Keys accepted in front matter and sidecar JSON; the aliases are what common exporters write. */
const metadataRecordSchema = z.looseObject({
  title: textField,
  name: textField,
  date: z.unknown().optional(),
  published: z.unknown().optional(),
  pubDate: z.unknown().optional(),
  url: textField,
  audio: textField,
  audioUrl: textField,
  mediaUrl: textField,
  enclosure: textField,
  duration: z.unknown().optional(),
  durationSeconds: z.unknown().optional(),
  description: textField,
  summary: textField,
  showNotes: textField,
  people: peopleField,
  guests: peopleField,
  hosts: peopleField,
  chapters: z
    .array(z.object({ start: z.unknown().optional(), startTime: z.unknown().optional(), title: z.string() }))
    .optional(),
});

function metadataFromRecord(record: z.infer<typeof metadataRecordSchema>): EpisodeMetadata {
  const metadata: EpisodeMetadata = {};
  const title = (record.title ?? record.name)?.trim();
  if (title) metadata.title = title;
  const date = normaliseDate(record.date ?? record.published ?? record.pubDate);
  if (date) metadata.date = date;
  const url = (record.url ?? record.audio ?? record.audioUrl ?? record.mediaUrl ?? record.enclosure)?.trim();
  if (url) metadata.url = url;
  const duration = parseDuration(record.durationSeconds ?? record.duration);
  if (duration !== null) metadata.durationSeconds = duration;
  const showNotes = (record.showNotes ?? record.description ?? record.summary)?.trim();
  if (showNotes) metadata.showNotes = showNotes;
  const people = [...(record.people ?? []), ...(record.hosts ?? []), ...(record.guests ?? [])];
  if (people.length > 0) metadata.people = [...new Set(people)];
  if (record.chapters) {
    metadata.chapters = record.chapters.map((chapter) => ({
      start: parseDuration(chapter.start ?? chapter.startTime),
      title: chapter.title.trim(),
    }));
  }
  return metadata;
}

function validate(record: unknown, options: { code: 'parse:front-matter' | 'parse:sidecar'; fileName: string }) {
  const parsed = metadataRecordSchema.safeParse(record);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PodciteError(
      options.code,
      `${options.fileName}: unexpected metadata at ${issue?.path.join('.') || 'top level'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return metadataFromRecord(parsed.data);
}

/**
 * Splits a leading `---` front matter block off a document and reads its metadata as YAML (the
 * `yaml` package, YAML 1.2 core schema: dates and `hh:mm:ss` stay strings, which `normaliseDate`
 * and `parseDuration` read). Text without front matter comes back unchanged with empty metadata.
 * @throws PodciteError `parse:front-matter` when the block is not valid YAML, is not a mapping, or a
 * known key has an unusable value.
 */
export function parseFrontMatter(text: string, options: ParseOptions): { metadata: EpisodeMetadata; body: string } {
  const match = /^\uFEFF?---[ \t]*\r?\n(?:([\s\S]*?)\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.exec(text);
  if (!match) return { metadata: {}, body: text };
  let record: unknown;
  try {
    record = parseYaml(match[1] ?? '');
  } catch (error) {
    const detail = error instanceof YAMLParseError ? error.message.split('\n')[0] : String(error);
    throw new PodciteError(
      'parse:front-matter',
      `${options.fileName}: the front matter is not valid YAML (${detail}); quote values that contain ": " or start with a special character.`,
      { cause: error },
    );
  }
  if (record === null || record === undefined) record = {};
  if (typeof record !== 'object' || Array.isArray(record)) {
    throw new PodciteError(
      'parse:front-matter',
      `${options.fileName}: the front matter must be a YAML mapping (key: value lines).`,
    );
  }
  return {
    metadata: validate(record, { code: 'parse:front-matter', fileName: options.fileName }),
    body: text.slice(match[0].length),
  };
}

/**
 * Reads a sidecar metadata file (`<stem>.json` beside a transcript): the same keys as front matter.
 * @throws PodciteError `parse:sidecar` on invalid JSON or unusable values.
 */
export function parseSidecarMetadata(text: string, options: ParseOptions): EpisodeMetadata {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new PodciteError('parse:sidecar', `${options.fileName}: not valid JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
  return validate(json, { code: 'parse:sidecar', fileName: options.fileName });
}

/**
 * Fills an episode's missing facts from metadata; what the transcript itself says wins, except a
 * title that was only the file name and the duration (a transcript only bounds it by its last
 * cue). A new title renames the episode id to its slug.
 */
export function applyMetadata(
  episode: ParsedEpisode,
  options: { metadata: EpisodeMetadata; titleFromFileName: boolean },
): ParsedEpisode {
  const { metadata } = options;
  const result: ParsedEpisode = { ...episode };
  if (metadata.title && options.titleFromFileName) {
    result.title = metadata.title;
    result.episodeId = episodeIdFromTitle(metadata.title);
  }
  result.date ??= metadata.date ?? null;
  result.url ??= metadata.url ?? null;
  result.durationSeconds = metadata.durationSeconds ?? result.durationSeconds;
  result.showNotes ??= metadata.showNotes ?? null;
  if (result.chapters.length === 0 && metadata.chapters) result.chapters = metadata.chapters;
  if (metadata.people && !result.people?.length) result.people = metadata.people;
  return result;
}
