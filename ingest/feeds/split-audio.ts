import { open } from 'node:fs/promises';
import { PodciteError } from '../../src/errors.js';

/** Random access to the bytes of a recording: a file on disk (large enclosures), or memory. */
export interface ByteSource {
  readonly size: number;
  /** Up to `length` bytes from `start` (fewer at the end). */
  read(start: number, length: number): Promise<Buffer>;
}

export function bufferSource(bytes: Buffer): ByteSource {
  return { size: bytes.length, read: async (start, length) => bytes.subarray(start, start + length) };
}

/** A file as a `ByteSource`; close it when done. */
export async function fileSource(file: string): Promise<ByteSource & { close(): Promise<void> }> {
  const handle = await open(file, 'r');
  const { size } = await handle.stat();
  return {
    size,
    async read(start, length) {
      const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - start)));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
      return buffer.subarray(0, bytesRead);
    },
    close: () => handle.close(),
  };
}

/** Where one piece of a long recording lies, and where it starts in the whole. */
export interface AudioPartPlan {
  /** Byte range of the source copied into the part. */
  start: number;
  end: number;
  /** Written before the copied bytes (a WAV part's fresh RIFF header); null for MP3. */
  header: Buffer | null;
  /** Seconds from the start of the whole recording to the start of this part. */
  offsetSeconds: number;
  extension: 'wav' | 'mp3';
  mediaType: string;
}

/** One piece, read: a valid file on its own. */
export interface AudioPart {
  bytes: Buffer;
  offsetSeconds: number;
  extension: 'wav' | 'mp3';
  mediaType: string;
}

/** What an audio file is, from its first bytes (the enclosure's declared type is often wrong). */
export function sniffAudio(bytes: Buffer): 'wav' | 'mp3' | 'unknown' {
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WAVE') {
    return 'wav';
  }
  if (bytes.subarray(0, 3).toString('latin1') === 'ID3') return 'mp3';
  if (bytes.length > 4 && readFrameHeader(bytes, 0) !== undefined) return 'mp3';
  return 'unknown';
}

/**
 * Plans parts of at most `maxBytes` each, cut only where a decoder can start again, so each part is
 * a valid file and its start time in the whole is exact: WAV on sample frames, each part with a
 * fresh RIFF header; MP3 on frame boundaries (ID3 tags dropped). Audio within the limit is one part.
 * Reads the source in windows, so a long episode on disk is never held in memory whole.
 * @throws PodciteError `unavailable:transcribe` for audio over the limit in another format.
 */
export async function planAudioParts(source: ByteSource, maxBytes: number): Promise<AudioPartPlan[]> {
  const kind = sniffAudio(await source.read(0, 16));
  const whole = (extension: 'wav' | 'mp3', mediaType: string): AudioPartPlan[] => [
    { start: 0, end: source.size, header: null, offsetSeconds: 0, extension, mediaType },
  ];
  if (kind === 'wav') return source.size <= maxBytes ? whole('wav', 'audio/wav') : planWav(source, maxBytes);
  if (kind === 'mp3') return source.size <= maxBytes ? whole('mp3', 'audio/mpeg') : planMp3(source, maxBytes);
  if (source.size <= maxBytes) return whole('mp3', 'audio/mpeg');
  throw new PodciteError(
    'unavailable:transcribe',
    `audio of ${(source.size / 1024 / 1024).toFixed(1)} MB is over TRANSCRIBE_MAX_BYTES and not WAV or MP3, the formats podcite can split`,
  );
}

/** The bytes of a planned part. */
export async function readAudioPart(source: ByteSource, plan: AudioPartPlan): Promise<AudioPart> {
  const body = await source.read(plan.start, plan.end - plan.start);
  return {
    bytes: plan.header ? Buffer.concat([plan.header, body]) : body,
    offsetSeconds: plan.offsetSeconds,
    extension: plan.extension,
    mediaType: plan.mediaType,
  };
}

/** `planAudioParts` and `readAudioPart` over bytes in memory. */
export async function splitAudio(bytes: Buffer, maxBytes: number): Promise<AudioPart[]> {
  const source = bufferSource(bytes);
  const plans = await planAudioParts(source, maxBytes);
  return Promise.all(plans.map((plan) => readAudioPart(source, plan)));
}

/** RIFF chunks of a WAV file: its `fmt ` chunk (kept verbatim) and where its samples are. */
async function readWav(
  source: ByteSource,
): Promise<{ fmt: Buffer; sampleRate: number; blockAlign: number; dataStart: number; dataEnd: number }> {
  let fmt: Buffer | undefined;
  let position = 12;
  while (position + 8 <= source.size) {
    const chunkHeader = await source.read(position, 8);
    const id = chunkHeader.subarray(0, 4).toString('latin1');
    const size = chunkHeader.readUInt32LE(4);
    if (id === 'fmt ' && size >= 16 && size < 1024) fmt = await source.read(position, 8 + size);
    if (id === 'data' && fmt) {
      const sampleRate = fmt.readUInt32LE(12);
      const blockAlign = fmt.readUInt16LE(20);
      const dataStart = position + 8;
      if (sampleRate > 0 && blockAlign > 0) {
        return { fmt, sampleRate, blockAlign, dataStart, dataEnd: Math.min(source.size, dataStart + size) };
      }
    }
    // RIFF chunks are padded to an even length.
    position += 8 + size + (size % 2);
  }
  throw new PodciteError('unavailable:transcribe', 'a WAV file without a readable fmt and data chunk');
}

async function planWav(source: ByteSource, maxBytes: number): Promise<AudioPartPlan[]> {
  const { fmt, sampleRate, blockAlign, dataStart, dataEnd } = await readWav(source);
  const headerBytes = 12 + fmt.length + 8;
  const framesPerPart = Math.floor((maxBytes - headerBytes) / blockAlign);
  if (framesPerPart < 1) throw new PodciteError('config', 'TRANSCRIBE_MAX_BYTES is too small to hold any audio');
  const plans: AudioPartPlan[] = [];
  const totalFrames = Math.floor((dataEnd - dataStart) / blockAlign);
  for (let frame = 0; frame < totalFrames; frame += framesPerPart) {
    const start = dataStart + frame * blockAlign;
    const end = dataStart + Math.min(totalFrames, frame + framesPerPart) * blockAlign;
    const riff = Buffer.alloc(12);
    riff.write('RIFF', 0, 'latin1');
    riff.writeUInt32LE(4 + fmt.length + 8 + (end - start), 4);
    riff.write('WAVE', 8, 'latin1');
    const dataHeader = Buffer.alloc(8);
    dataHeader.write('data', 0, 'latin1');
    dataHeader.writeUInt32LE(end - start, 4);
    plans.push({
      start,
      end,
      header: Buffer.concat([riff, fmt, dataHeader]),
      offsetSeconds: frame / sampleRate,
      extension: 'wav',
      mediaType: 'audio/wav',
    });
  }
  return plans;
}

// MPEG audio frame headers (ISO/IEC 11172-3 and 13818-3): kbit/s by [version group][layer][index].
const BITRATES: Record<'v1' | 'v2', Record<1 | 2 | 3, number[]>> = {
  v1: {
    1: [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    2: [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    3: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  },
  v2: {
    1: [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
    2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    3: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  },
};
const SAMPLE_RATES: Record<number, number[]> = {
  3: [44100, 48000, 32000],
  2: [22050, 24000, 16000],
  0: [11025, 12000, 8000],
};

/** Length in bytes and duration in seconds of the MPEG audio frame starting at `position`, if one does. */
function readFrameHeader(bytes: Buffer, position: number): { length: number; seconds: number } | undefined {
  if (position + 4 > bytes.length) return undefined;
  const header = bytes.readUInt32BE(position);
  if (header >>> 21 !== 0x7ff) return undefined;
  const version = (header >>> 19) & 3; // 3 = MPEG 1, 2 = MPEG 2, 0 = MPEG 2.5
  const layerBits = (header >>> 17) & 3; // 3 = layer I, 2 = II, 1 = III
  const bitrateIndex = (header >>> 12) & 15;
  const rateIndex = (header >>> 10) & 3;
  const padding = (header >>> 9) & 1;
  if (version === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3)
    return undefined;
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const kbps = BITRATES[version === 3 ? 'v1' : 'v2'][layer][bitrateIndex]!;
  const sampleRate = SAMPLE_RATES[version]![rateIndex]!;
  const samples = layer === 1 ? 384 : layer === 3 && version !== 3 ? 576 : 1152;
  const length =
    layer === 1
      ? (Math.floor((12 * kbps * 1000) / sampleRate) + padding) * 4
      : Math.floor(((samples / 8) * kbps * 1000) / sampleRate) + padding;
  return { length, seconds: samples / sampleRate };
}

/** Bytes of an ID3v2 tag at the start (10-byte header, synch-safe size, optional footer), else 0. */
function id3Length(bytes: Buffer): number {
  if (bytes.length < 10 || bytes.subarray(0, 3).toString('latin1') !== 'ID3') return 0;
  const size = ((bytes[6]! & 0x7f) << 21) | ((bytes[7]! & 0x7f) << 14) | ((bytes[8]! & 0x7f) << 7) | (bytes[9]! & 0x7f);
  return 10 + size + (bytes[5]! & 0x10 ? 10 : 0);
}

/** Bytes read at a time while walking MP3 frames. */
const SCAN_WINDOW = 4 * 1024 * 1024;

async function planMp3(source: ByteSource, maxBytes: number): Promise<AudioPartPlan[]> {
  const plans: AudioPartPlan[] = [];
  let window: Buffer = Buffer.alloc(0);
  let windowStart = 0;
  const frameAt = async (position: number) => {
    if (position < windowStart || position + 4 > windowStart + window.length) {
      window = await source.read(position, SCAN_WINDOW);
      windowStart = position;
    }
    return readFrameHeader(window, position - windowStart);
  };
  let position = id3Length(await source.read(0, 10));
  let partStart = -1;
  let partSeconds = 0;
  let elapsed = 0;
  const close = (end: number) => {
    if (partStart >= 0 && end > partStart) {
      plans.push({
        start: partStart,
        end,
        header: null,
        offsetSeconds: partSeconds,
        extension: 'mp3',
        mediaType: 'audio/mpeg',
      });
    }
    partStart = -1;
  };
  while (position < source.size) {
    const frame = await frameAt(position);
    if (!frame || frame.length < 4) {
      // Not a frame here (a trailing tag, junk): look for the next sync word.
      position++;
      continue;
    }
    if (partStart >= 0 && position + frame.length - partStart > maxBytes) close(position);
    if (partStart < 0) {
      partStart = position;
      partSeconds = elapsed;
    }
    elapsed += frame.seconds;
    position += frame.length;
  }
  close(Math.min(position, source.size));
  if (plans.length === 0) throw new PodciteError('unavailable:transcribe', 'an MP3 file without readable frames');
  return plans;
}
