import { PodciteError } from '../../src/errors.js';

/** One piece of a long recording, playable on its own, and where it starts in the whole. */
export interface AudioPart {
  bytes: Buffer;
  /** Seconds from the start of the whole recording to the start of this part. */
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
 * Splits audio into parts of at most `maxBytes` each, cutting only where a decoder can start again,
 * so each part is a valid file and its start time in the whole is exact: WAV on sample frames, each
 * part with a fresh RIFF header; MP3 on frame boundaries (ID3 tags dropped). Audio within the limit
 * comes back as one part.
 * @throws PodciteError `unavailable:transcribe` for audio over the limit in another format.
 */
export function splitAudio(bytes: Buffer, maxBytes: number): AudioPart[] {
  const kind = sniffAudio(bytes);
  if (kind === 'wav') return bytes.length <= maxBytes ? [wavPart(bytes, 0)] : splitWav(bytes, maxBytes);
  if (kind === 'mp3') return bytes.length <= maxBytes ? [mp3Part(bytes, 0)] : splitMp3(bytes, maxBytes);
  if (bytes.length <= maxBytes) return [{ bytes, offsetSeconds: 0, extension: 'mp3', mediaType: 'audio/mpeg' }];
  throw new PodciteError(
    'unavailable:transcribe',
    `audio of ${(bytes.length / 1024 / 1024).toFixed(1)} MB is over TRANSCRIBE_MAX_BYTES and not WAV or MP3, the formats podcite can split`,
  );
}

function wavPart(bytes: Buffer, offsetSeconds: number): AudioPart {
  return { bytes, offsetSeconds, extension: 'wav', mediaType: 'audio/wav' };
}

function mp3Part(bytes: Buffer, offsetSeconds: number): AudioPart {
  return { bytes, offsetSeconds, extension: 'mp3', mediaType: 'audio/mpeg' };
}

/** RIFF chunks of a WAV file: its `fmt ` chunk (kept verbatim) and where its samples are. */
function readWav(bytes: Buffer): { fmt: Buffer; sampleRate: number; blockAlign: number; data: Buffer } {
  let fmt: Buffer | undefined;
  let position = 12;
  while (position + 8 <= bytes.length) {
    const id = bytes.subarray(position, position + 4).toString('latin1');
    const size = bytes.readUInt32LE(position + 4);
    const body = bytes.subarray(position + 8, Math.min(bytes.length, position + 8 + size));
    if (id === 'fmt ') fmt = bytes.subarray(position, position + 8 + size);
    if (id === 'data' && fmt) {
      const sampleRate = fmt.readUInt32LE(12);
      const blockAlign = fmt.readUInt16LE(20);
      if (sampleRate > 0 && blockAlign > 0) return { fmt, sampleRate, blockAlign, data: body };
    }
    // RIFF chunks are padded to an even length.
    position += 8 + size + (size % 2);
  }
  throw new PodciteError('unavailable:transcribe', 'a WAV file without a readable fmt and data chunk');
}

function splitWav(bytes: Buffer, maxBytes: number): AudioPart[] {
  const { fmt, sampleRate, blockAlign, data } = readWav(bytes);
  const headerBytes = 12 + fmt.length + 8;
  const framesPerPart = Math.floor((maxBytes - headerBytes) / blockAlign);
  if (framesPerPart < 1) throw new PodciteError('config', 'TRANSCRIBE_MAX_BYTES is too small to hold any audio');
  const parts: AudioPart[] = [];
  const totalFrames = Math.floor(data.length / blockAlign);
  for (let frame = 0; frame < totalFrames; frame += framesPerPart) {
    const samples = data.subarray(frame * blockAlign, Math.min(totalFrames, frame + framesPerPart) * blockAlign);
    const header = Buffer.alloc(12);
    header.write('RIFF', 0, 'latin1');
    header.writeUInt32LE(4 + fmt.length + 8 + samples.length, 4);
    header.write('WAVE', 8, 'latin1');
    const dataHeader = Buffer.alloc(8);
    dataHeader.write('data', 0, 'latin1');
    dataHeader.writeUInt32LE(samples.length, 4);
    parts.push(wavPart(Buffer.concat([header, fmt, dataHeader, samples]), frame / sampleRate));
  }
  return parts;
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

function splitMp3(bytes: Buffer, maxBytes: number): AudioPart[] {
  const parts: AudioPart[] = [];
  let position = id3Length(bytes);
  let partStart = -1;
  let partSeconds = 0;
  let elapsed = 0;
  const close = (end: number) => {
    if (partStart >= 0 && end > partStart) parts.push(mp3Part(bytes.subarray(partStart, end), partSeconds));
    partStart = -1;
  };
  while (position < bytes.length) {
    const frame = readFrameHeader(bytes, position);
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
  close(Math.min(position, bytes.length));
  if (parts.length === 0) throw new PodciteError('unavailable:transcribe', 'an MP3 file without readable frames');
  return parts;
}
