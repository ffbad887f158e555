import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { FeedSettings } from '../../../ingest/feeds/ingest-feeds.js';
import { bufferSource, fileSource, planAudioParts, splitAudio } from '../../../ingest/feeds/split-audio.js';
import { createAudioTranscriber } from '../../../ingest/feeds/transcribe-audio.js';
import { ingestPaths } from '../../../ingest/ingest-paths.js';
import { loadIndex } from '../../../src/store/load-index.js';
import { openLocalIndexStore } from '../../../src/store/local-index-store.js';
import {
  type FakeTranscriptionServer,
  type ScriptLine,
  soxDuration,
  startFakeTranscriptionServer,
} from '../../support/fake-transcription-server.js';
import { feedXml } from '../../support/feed-xml.js';
import { HashingEmbeddings } from '../../support/hashing-embeddings.js';
import { makeSpeech } from '../../support/make-speech.js';
import { type PodcastHost, startPodcastHost } from '../../support/podcast-host.js';

const SENTENCES = [
  'Welcome to the workshop hour, where we build things by hand.',
  'Today we glue a birch plywood drawer with hide glue.',
  'Hide glue stays workable for about ten minutes at room temperature.',
  'Clamp the drawer overnight, then plane the edges flush.',
  'Thanks for listening, and keep your chisels sharp.',
];

let speech: { wav: Buffer; mp3: Buffer; script: ScriptLine[] };
let host: PodcastHost;
let stt: FakeTranscriptionServer;
let root: string;

beforeAll(async () => {
  speech = makeSpeech(SENTENCES);
  host = await startPodcastHost();
  stt = await startFakeTranscriptionServer();
  stt.add({ audio: speech.wav, script: speech.script });
  stt.add({ audio: speech.mp3, script: speech.script });
  host.set('/media/workshop.wav', { body: speech.wav, type: 'audio/wav' });
  host.set('/media/workshop.mp3', { body: speech.mp3, type: 'audio/mpeg' });
});
afterAll(async () => {
  await host.close();
  await stt.close();
});
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'podcite-stt-'));
  stt.uploads.length = 0;
  stt.verboseJson = true;
  return () => rm(root, { recursive: true, force: true });
});

function transcriber(maxBytes: number, extra: { attempts?: number; timeoutMs?: number } = {}) {
  return createAudioTranscriber({
    config: { baseURL: stt.baseURL, apiKey: 'stt-key', model: 'whisper-1', maxBytes },
    fetch: { allowPrivate: true },
    workDir: path.join(root, 'work'),
    backoffMs: 10,
    ...extra,
  });
}

/** Cue start times and texts of a WebVTT transcript. */
function cues(vtt: string): { start: number; text: string }[] {
  return [...vtt.matchAll(/(\d\d):(\d\d):(\d\d\.\d{3}) --> [^\n]+\n([^\n]+)/g)].map((match) => ({
    start: Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]),
    text: match[4]!,
  }));
}

describe('splitAudio', () => {
  test.each([
    ['wav', 150_000, 1e-6],
    ['mp3', 9_000, 0.01],
  ] as const)(
    '%s over the limit is split into valid files whose offsets are where they start',
    async (kind, maxBytes, tolerance) => {
      const audio = kind === 'wav' ? speech.wav : speech.mp3;
      const parts = await splitAudio(audio, maxBytes);
      expect(parts.length).toBeGreaterThanOrEqual(3);
      let elapsed = 0;
      for (const part of parts) {
        expect(part.bytes.length).toBeLessThanOrEqual(maxBytes);
        expect(Math.abs(part.offsetSeconds - elapsed)).toBeLessThan(tolerance);
        // sox decodes every part on its own: each is a whole, valid file.
        elapsed += soxDuration(part.bytes, kind);
      }
      expect(Math.abs(elapsed - soxDuration(audio, kind))).toBeLessThan(0.05);
    },
  );

  test.each(['wav', 'mp3'] as const)(
    '%s: planning reads in windows; a file on disk plans as memory does',
    async (kind) => {
      const audio = kind === 'wav' ? speech.wav : speech.mp3;
      const maxBytes = kind === 'wav' ? 150_000 : 9_000;
      const expected = await planAudioParts(bufferSource(audio), maxBytes);
      // Reads of at most 300 bytes: the MP3 frame walk must move its window many times.
      const memory = bufferSource(audio);
      const shortReads = {
        size: memory.size,
        read: (start: number, length: number) => memory.read(start, Math.min(length, 300)),
      };
      expect(await planAudioParts(shortReads, maxBytes)).toStrictEqual(expected);
      const file = path.join(root, `episode.${kind}`);
      await writeFile(file, audio);
      const onDisk = await fileSource(file);
      try {
        expect(await planAudioParts(onDisk, maxBytes)).toStrictEqual(expected);
      } finally {
        await onDisk.close();
      }
    },
  );

  test('audio within the limit is one part; other formats over it are refused', async () => {
    expect((await splitAudio(speech.mp3, speech.mp3.length)).map((part) => part.offsetSeconds)).toStrictEqual([0]);
    await expect(splitAudio(Buffer.alloc(5000, 1), 1000)).rejects.toThrow(/not WAV or MP3/);
  });
});

describe('createAudioTranscriber against an OpenAI-protocol server', () => {
  test.each([
    ['wav', 150_000],
    ['mp3', 9_000],
  ] as const)(
    'a %s enclosure over TRANSCRIBE_MAX_BYTES is uploaded in parts; times are offset to the whole',
    async (kind, maxBytes) => {
      const vtt = await transcriber(maxBytes).transcribe({
        audioUrl: `${host.origin}/media/workshop.${kind}`,
        mediaType: null,
        title: 'Workshop',
      });
      const got = cues(vtt);
      expect(got.map((cue) => cue.text)).toStrictEqual(SENTENCES);
      got.forEach((cue, index) => {
        expect(Math.abs(cue.start - speech.script[index]!.start)).toBeLessThan(0.02);
      });
      expect(stt.uploads.length).toBeGreaterThanOrEqual(3);
      for (const upload of stt.uploads) {
        expect(upload.fileBytes).toBeLessThanOrEqual(maxBytes);
        expect(upload.fields).toStrictEqual({
          model: 'whisper-1',
          response_format: 'verbose_json',
          'timestamp_granularities[]': 'segment',
        });
        expect(upload.authorization).toBe('Bearer stt-key');
        expect(upload.fileName).toMatch(new RegExp(`^part-\\d+\\.${kind}$`));
      }
    },
  );

  test('429 (Retry-After) and 500 are retried with back-off; a slow answer times out and is retried', async () => {
    stt.behave('rate-limit', 'server-error', 'slow');
    const vtt = await transcriber(10_000_000, { timeoutMs: 2500 }).transcribe({
      audioUrl: `${host.origin}/media/workshop.mp3`,
      mediaType: 'audio/mpeg',
      title: 'Workshop',
    });
    expect(cues(vtt).map((cue) => cue.text)).toStrictEqual(SENTENCES);
    // The slow one was abandoned by the client (its answer came after the timeout).
    expect(stt.uploads.map((upload) => upload.status)).toStrictEqual([429, 500, 0, 200]);
  });

  test('a server without verbose_json is asked for vtt', async () => {
    stt.verboseJson = false;
    const vtt = await transcriber(10_000_000).transcribe({
      audioUrl: `${host.origin}/media/workshop.wav`,
      mediaType: 'audio/wav',
      title: 'Workshop',
    });
    expect(cues(vtt).map((cue) => cue.text)).toStrictEqual(SENTENCES);
    expect(stt.uploads.map((upload) => [upload.fields.response_format, upload.status])).toStrictEqual([
      ['verbose_json', 400],
      ['vtt', 200],
    ]);
  });

  test('retries run out: the error names the endpoint and the attempts', async () => {
    stt.behave('server-error', 'server-error');
    await expect(
      transcriber(10_000_000, { attempts: 2 }).transcribe({
        audioUrl: `${host.origin}/media/workshop.mp3`,
        mediaType: null,
        title: 'Workshop',
      }),
    ).rejects.toThrow(`${stt.baseURL}/audio/transcriptions: HTTP 500 after 2 attempts (boom)`);
  });
});

describe('audio-only episodes in a feed', () => {
  test('are transcribed with exact times, and the transcript is kept: a rebuild never uploads again', async () => {
    host.set('/workshop/feed.xml', {
      body: feedXml({
        title: 'Workshop Hour',
        items: [
          {
            guid: 'w-1',
            title: 'Hide glue drawers',
            description: 'Gluing a drawer.',
            enclosure: { url: '/media/workshop.wav', type: 'audio/wav', length: speech.wav.length },
          },
        ],
      }),
      type: 'application/rss+xml',
    });
    const indexDir = path.join(root, 'index');
    const embeddings = new HashingEmbeddings();
    const settings: FeedSettings = {
      fetch: { allowPrivate: true },
      cacheDir: path.join(root, 'cache'),
      transcriber: transcriber(150_000),
    };
    const report = await ingestPaths({
      paths: [`${host.origin}/workshop/feed.xml`],
      indexDir,
      embeddings,
      feeds: settings,
    });
    expect(report.files[0]).toMatchObject({ status: 'ok', episodes: 1 });
    expect(report.files[0]!.notes).toBeUndefined();
    const uploads = stt.uploads.length;
    expect(uploads).toBeGreaterThanOrEqual(3);

    const index = await loadIndex({ store: openLocalIndexStore({ dir: indexDir }), embeddings });
    expect(index.manifest.episodes[0]).toMatchObject({ episodeId: 'hide-glue-drawers', timestamps: 'exact' });
    const glue = index.chunks.find((chunk) => chunk.text.includes('ten minutes'));
    expect(glue?.approximate).toBe(false);
    const anchor = glue!.anchors.find((entry) => glue!.text.slice(entry.offset).startsWith('Hide glue stays'));
    expect(Math.abs(anchor!.seconds - speech.script[2]!.start)).toBeLessThan(0.02);

    await ingestPaths({
      paths: [`${host.origin}/workshop/feed.xml`],
      indexDir,
      embeddings,
      feeds: settings,
      rebuild: true,
    });
    expect(stt.uploads.length).toBe(uploads);
  });
});
