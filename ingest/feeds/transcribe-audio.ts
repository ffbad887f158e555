import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { TranscriptionConfig } from '../../src/config.js';
import { PodciteError } from '../../src/errors.js';
import { fetchUrl } from '../../src/net/fetch-url.js';
import { parseSrt } from '../parsers/srt.js';
import { parseWebVtt } from '../parsers/webvtt.js';
import type { AudioTranscriber, FeedFetchSettings } from './read-feed.js';
import { fileSource, planAudioParts, readAudioPart } from './split-audio.js';

/** Largest enclosure downloaded for transcription: a three-hour show at 192 kbit/s is ~260 MB. */
const MAX_AUDIO_BYTES = 512 * 1024 * 1024;

/** A time-stamped stretch of speech, seconds from the start of the whole episode. */
export interface Segment {
  start: number;
  end: number;
  text: string;
}

const verboseJsonSchema = z.object({
  text: z.string().optional(),
  segments: z.array(z.object({ start: z.number(), end: z.number(), text: z.string() })).optional(),
});

export interface TranscriberOptions {
  config: TranscriptionConfig;
  /** The enclosure is fetched under the same rules as every feed URL. */
  fetch: FeedFetchSettings;
  /** Folder for downloaded audio (deleted after each episode). */
  workDir: string;
  /** Attempts per upload on 429, 5xx and network errors; default 4. */
  attempts?: number | undefined;
  /** First back-off in ms, doubled each retry (a Retry-After header wins); default 1 000. */
  backoffMs?: number | undefined;
  /** Longest wait honoured from Retry-After, in ms; default 60 000. */
  maxBackoffMs?: number | undefined;
  /** Milliseconds one upload may take; default 600 000 (a 25 MB part takes minutes on a CPU server). */
  timeoutMs?: number | undefined;
}

/**
 * Speech to text through any server speaking OpenAI's `POST /audio/transcriptions` (OpenAI, Groq,
 * whisper.cpp's server, faster-whisper servers). The enclosure is streamed to disk (bounded), split
 * under TRANSCRIBE_MAX_BYTES when larger (see `planAudioParts`; one part in memory at a time), each part uploaded as multipart form data
 * asking for segment times (`verbose_json` with `timestamp_granularities[]=segment`; `vtt`, then `srt`
 * when a server refuses that), and each part's times offset by where it starts. Answers WebVTT text,
 * which the caller caches and parses like any transcript.
 */
export function createAudioTranscriber(options: TranscriberOptions): AudioTranscriber {
  const { config } = options;
  return {
    id: `${config.baseURL} ${config.model}`,
    async transcribe({ audioUrl }) {
      await mkdir(options.workDir, { recursive: true });
      const folder = await mkdtemp(path.join(options.workDir, 'audio-'));
      try {
        const file = path.join(folder, 'enclosure');
        await fetchUrl({
          url: audioUrl,
          allowPrivate: options.fetch.allowPrivate,
          resolve: options.fetch.resolve,
          treatAsPublic: options.fetch.treatAsPublic,
          maxBytes: MAX_AUDIO_BYTES,
          toFile: file,
          accept: 'audio/*, video/*;q=0.5, */*;q=0.1',
          totalTimeoutMs: 30 * 60_000,
        });
        const source = await fileSource(file);
        const segments: Segment[] = [];
        try {
          const plans = await planAudioParts(source, config.maxBytes);
          for (const [index, plan] of plans.entries()) {
            const part = await readAudioPart(source, plan);
            const partSegments = await transcribePart({
              bytes: part.bytes,
              fileName: `part-${index + 1}.${part.extension}`,
              mediaType: part.mediaType,
              options,
            });
            for (const segment of partSegments) {
              segments.push({
                start: segment.start + part.offsetSeconds,
                end: segment.end + part.offsetSeconds,
                text: segment.text,
              });
            }
          }
        } finally {
          await source.close();
        }
        return segmentsToWebVtt(segments);
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    },
  };
}

/** Uploads one part: verbose_json first, then the subtitle formats a server may offer instead. */
async function transcribePart(request: {
  bytes: Buffer;
  fileName: string;
  mediaType: string;
  options: TranscriberOptions;
}): Promise<Segment[]> {
  let lastRefusal: PodciteError | undefined;
  for (const format of ['verbose_json', 'vtt', 'srt'] as const) {
    try {
      const body = await upload({ ...request, format });
      if (format === 'verbose_json') {
        const parsed = verboseJsonSchema.safeParse(JSON.parse(body));
        if (!parsed.success || !parsed.data.segments) {
          throw new PodciteError('bad_request:transcribe_format', 'the server answered verbose_json without segments');
        }
        return parsed.data.segments.map((segment) => ({ ...segment, text: segment.text.trim() }));
      }
      // Cues without speakers merge into one turn, each cue's time kept as a mark at its first word.
      const episode = (format === 'vtt' ? parseWebVtt : parseSrt)(body, { fileName: request.fileName })[0];
      const segments: Segment[] = [];
      for (const turn of episode?.turns ?? []) {
        turn.marks.forEach((mark, index) => {
          const next = turn.marks[index + 1];
          const text = turn.text.slice(mark.offset, next?.offset).trim();
          if (text) segments.push({ start: mark.seconds, end: next?.seconds ?? mark.seconds, text });
        });
      }
      return segments;
    } catch (error) {
      // A 400 (or an answer without times) means "not this format here": try the next one.
      if (error instanceof PodciteError && error.code.startsWith('bad_request:transcribe')) {
        lastRefusal = error;
        continue;
      }
      if (error instanceof SyntaxError) {
        lastRefusal = new PodciteError('bad_request:transcribe_format', `the server's ${format} answer was not JSON`);
        continue;
      }
      throw error;
    }
  }
  throw lastRefusal ?? new PodciteError('unavailable:transcribe', 'no transcription format was accepted');
}

async function upload(request: {
  bytes: Buffer;
  fileName: string;
  mediaType: string;
  format: 'verbose_json' | 'vtt' | 'srt';
  options: TranscriberOptions;
}): Promise<string> {
  const { options } = request;
  const { config } = options;
  const endpoint = `${config.baseURL.replace(/\/+$/, '')}/audio/transcriptions`;
  const attempts = options.attempts ?? 4;
  let delay = options.backoffMs ?? 1_000;
  for (let attempt = 1; ; attempt++) {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(request.bytes)], { type: request.mediaType }), request.fileName);
    form.append('model', config.model);
    form.append('response_format', request.format);
    if (request.format === 'verbose_json') form.append('timestamp_granularities[]', 'segment');
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        body: form,
        headers: config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {},
        signal: AbortSignal.timeout(options.timeoutMs ?? 600_000),
      });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      if (attempt >= attempts) {
        throw new PodciteError(
          timedOut ? 'timeout:transcribe' : 'unavailable:transcribe',
          `${endpoint}: ${timedOut ? `no answer within ${(options.timeoutMs ?? 600_000) / 1000} s` : messageOf(error)} (after ${attempt} attempts)`,
          { cause: error },
        );
      }
      await sleep(delay);
      delay *= 2;
      continue;
    }
    const text = await response.text();
    if (response.ok) return text;
    const retryable = response.status === 429 || response.status >= 500;
    if (retryable && attempt < attempts) {
      await sleep(Math.min(retryAfterMs(response.headers.get('retry-after')) ?? delay, options.maxBackoffMs ?? 60_000));
      delay *= 2;
      continue;
    }
    const detail = errorDetail(text);
    if (response.status === 401 || response.status === 403) {
      throw new PodciteError(
        'unavailable:transcribe',
        `${endpoint}: HTTP ${response.status} — check TRANSCRIBE_API_KEY (or OPENAI_API_KEY)${detail}`,
      );
    }
    throw new PodciteError(
      response.status === 400 ? 'bad_request:transcribe' : 'unavailable:transcribe',
      `${endpoint}: HTTP ${response.status}${retryable ? ` after ${attempt} attempts` : ''}${detail}`,
    );
  }
}

/** WebVTT cues for transcribed segments (no speaker names: speech-to-text does not know them). */
export function segmentsToWebVtt(segments: Segment[]): string {
  const clock = (seconds: number) => {
    const millis = Math.max(0, Math.round(seconds * 1000));
    const pad = (value: number, width = 2) => String(value).padStart(width, '0');
    return `${pad(Math.floor(millis / 3_600_000))}:${pad(Math.floor(millis / 60_000) % 60)}:${pad(Math.floor(millis / 1000) % 60)}.${pad(millis % 1000, 3)}`;
  };
  const cues = segments
    .filter((segment) => segment.text.trim())
    .map(
      (segment) =>
        `${clock(segment.start)} --> ${clock(Math.max(segment.end, segment.start))}\n${segment.text
          .replace(/-->/g, '→')
          .replace(/\s*\n\s*/g, ' ')
          .trim()}`,
    );
  return `WEBVTT\n\n${cues.join('\n\n')}\n`;
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function errorDetail(body: string): string {
  try {
    const message = (JSON.parse(body) as { error?: { message?: unknown } }).error?.message;
    return typeof message === 'string' ? ` (${message.slice(0, 300)})` : '';
  } catch {
    return body.trim() ? ` (${body.trim().slice(0, 200)})` : '';
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return (error.cause as { code?: string } | undefined)?.code ?? error.message;
  return String(error);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
