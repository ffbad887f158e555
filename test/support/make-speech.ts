import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ScriptLine } from './fake-transcription-server.js';

/**
 * Real speech for tests: each sentence spoken by Debian's espeak-ng, joined with sox into one WAV
 * (and an MP3 of it), with the script's times measured by sox on the pieces.
 */
export function makeSpeech(sentences: string[]): { wav: Buffer; mp3: Buffer; script: ScriptLine[] } {
  const folder = mkdtempSync(path.join(tmpdir(), 'podcite-speech-'));
  try {
    const pieces = sentences.map((sentence, index) => {
      const file = path.join(folder, `line-${index}.wav`);
      execFileSync('espeak-ng', ['-s', '170', '-w', file, sentence]);
      return file;
    });
    const wavFile = path.join(folder, 'episode.wav');
    execFileSync('sox', [...pieces, wavFile]);
    const mp3File = path.join(folder, 'episode.mp3');
    execFileSync('sox', [wavFile, '-C', '32', mp3File]);
    const script: ScriptLine[] = [];
    let start = 0;
    for (const [index, file] of pieces.entries()) {
      const length = Number(execFileSync('soxi', ['-D', file], { encoding: 'utf8' }).trim());
      script.push({ start, end: start + length, text: sentences[index]! });
      start += length;
    }
    return { wav: readFileSync(wavFile), mp3: readFileSync(mp3File), script };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
