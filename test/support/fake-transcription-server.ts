import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** What the recording says, and when (seconds from its start). */
export interface ScriptLine {
  start: number;
  end: number;
  text: string;
}

/** A recording the server "recognises": the audio as published, and its script. */
export interface Recording {
  audio: Buffer;
  script: ScriptLine[];
}

/** How the server answers the next upload (then it behaves normally). */
export type Behaviour = 'rate-limit' | 'server-error' | 'slow';

export interface TranscriptionUpload {
  fields: Record<string, string>;
  fileName: string;
  fileBytes: number;
  authorization: string | undefined;
  status: number;
  /** Seconds into the recording where the uploaded audio starts, found by the server on its own. */
  offsetSeconds: number | null;
}

export interface FakeTranscriptionServer {
  /** Base URL to use as TRANSCRIBE_BASE_URL, e.g. `http://127.0.0.1:PORT/v1`. */
  baseURL: string;
  add(recording: Recording): void;
  /** Behaviours for the next uploads, in order. */
  behave(...behaviours: Behaviour[]): void;
  /** false: answer `response_format=verbose_json` with a 400, as servers offering only subtitles do. */
  verboseJson: boolean;
  uploads: TranscriptionUpload[];
  close(): Promise<void>;
}

/** Duration in seconds of an audio file, by sox's own decoder (independent of podcite's splitter). */
export function soxDuration(bytes: Buffer, extension: string): number {
  const folder = mkdtempSync(path.join(tmpdir(), 'podcite-soxi-'));
  try {
    const file = path.join(folder, `audio.${extension}`);
    writeFileSync(file, bytes);
    return Number(execFileSync('soxi', ['-D', file], { encoding: 'utf8' }).trim());
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * A server speaking OpenAI's speech-to-text protocol (`POST /v1/audio/transcriptions`, multipart):
 * answers `verbose_json` (segments), `vtt` and `srt`. It finds where an uploaded piece sits in a
 * registered recording (its bytes are a verbatim slice of the original) and measures that offset and
 * the piece's length with sox, then answers the script lines inside the piece with times relative to
 * it, as a real server transcribing only that piece would. 429, 500, slow answers and a server
 * without verbose_json are set per upload with `behave`.
 */
export async function startFakeTranscriptionServer(): Promise<FakeTranscriptionServer> {
  const recordings: Recording[] = [];
  const behaviours: Behaviour[] = [];
  const uploads: TranscriptionUpload[] = [];
  const fake: FakeTranscriptionServer = {
    baseURL: '',
    add: (recording) => recordings.push(recording),
    behave: (...next) => behaviours.push(...next),
    verboseJson: true,
    uploads,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = createServer(async (request, response) => {
    if (request.method !== 'POST' || request.url !== '/v1/audio/transcriptions') {
      response.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const form = await new Response(Buffer.concat(chunks), {
      headers: { 'content-type': request.headers['content-type'] ?? '' },
    }).formData();
    const file = form.get('file');
    const fields: Record<string, string> = {};
    for (const [key, value] of form.entries()) if (typeof value === 'string') fields[key] = value;
    const bytes = file instanceof Blob ? Buffer.from(await file.arrayBuffer()) : Buffer.alloc(0);
    const upload: TranscriptionUpload = {
      fields,
      fileName: file instanceof File ? file.name : '',
      fileBytes: bytes.length,
      authorization: request.headers.authorization,
      status: 0,
      offsetSeconds: null,
    };
    uploads.push(upload);
    const reply = (status: number, body: string, headers: Record<string, string> = {}) => {
      // A client that gave up (timeout) gets nothing; its status stays 0.
      if (request.socket.destroyed) return;
      upload.status = status;
      response.writeHead(status, headers).end(body);
    };
    const behaviour = behaviours.shift();
    if (behaviour === 'rate-limit') {
      reply(429, JSON.stringify({ error: { message: 'Rate limit reached' } }), { 'retry-after': '0' });
      return;
    }
    if (behaviour === 'server-error') {
      reply(500, JSON.stringify({ error: { message: 'boom' } }));
      return;
    }
    if (behaviour === 'slow') await new Promise((resolve) => setTimeout(resolve, 5000));
    const format = fields.response_format ?? 'json';
    if (!fake.verboseJson && format === 'verbose_json') {
      reply(400, JSON.stringify({ error: { message: 'response_format verbose_json is not supported' } }));
      return;
    }
    const extension = upload.fileName.split('.').pop() ?? 'mp3';
    const located = locate(recordings, bytes, extension);
    if (!located) {
      reply(400, JSON.stringify({ error: { message: 'could not decode the audio' } }));
      return;
    }
    upload.offsetSeconds = located.offset;
    const partLength = soxDuration(bytes, extension);
    const lines = located.recording.script
      .filter((line) => line.start >= located.offset - 1e-6 && line.start < located.offset + partLength)
      .map((line) => ({
        start: round(line.start - located.offset),
        end: round(Math.min(line.end, located.offset + partLength) - located.offset),
        text: line.text,
      }));
    if (format === 'verbose_json') {
      reply(
        200,
        JSON.stringify({
          task: 'transcribe',
          language: 'english',
          duration: partLength,
          text: lines.map((line) => line.text).join(' '),
          segments: lines.map((line, id) => ({ id, seek: 0, ...line, tokens: [], temperature: 0 })),
        }),
        { 'content-type': 'application/json' },
      );
    } else if (format === 'vtt') {
      reply(
        200,
        `WEBVTT\n\n${lines.map((line) => `${clock(line.start, '.')} --> ${clock(line.end, '.')}\n${line.text}`).join('\n\n')}\n`,
      );
    } else if (format === 'srt') {
      reply(
        200,
        lines
          .map((line, index) => `${index + 1}\n${clock(line.start, ',')} --> ${clock(line.end, ',')}\n${line.text}\n`)
          .join('\n'),
      );
    } else reply(200, JSON.stringify({ text: lines.map((line) => line.text).join(' ') }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  fake.baseURL = `http://127.0.0.1:${port}/v1`;
  return fake;
}

/** Which recording the piece comes from and its start (seconds), measured by sox on the bytes before it. */
function locate(
  recordings: Recording[],
  piece: Buffer,
  extension: string,
): { recording: Recording; offset: number } | undefined {
  for (const recording of recordings) {
    if (extension === 'wav') {
      // A WAV piece is a fresh header plus a slice of the original's samples.
      const dataAt = piece.indexOf('data', 12, 'latin1');
      // The whole slice: speech pauses repeat, a short window of them would match too early.
      const samples = piece.subarray(dataAt + 8);
      const position = recording.audio.indexOf(samples);
      if (dataAt < 0 || position < 0) continue;
      const originalData = recording.audio.indexOf('data', 12, 'latin1') + 8;
      const byteRate = recording.audio.readUInt32LE(28);
      return { recording, offset: (position - originalData) / byteRate };
    }
    const position = recording.audio.indexOf(piece);
    if (position < 0) continue;
    return { recording, offset: position === 0 ? 0 : soxDuration(recording.audio.subarray(0, position), 'mp3') };
  }
  return undefined;
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

function clock(seconds: number, separator: string): string {
  const millis = Math.round(seconds * 1000);
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(Math.floor(millis / 3_600_000))}:${pad(Math.floor(millis / 60_000) % 60)}:${pad(Math.floor(millis / 1000) % 60)}${separator}${pad(millis % 1000, 3)}`;
}
