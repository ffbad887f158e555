/**
 * Broken transcripts, made by mutating the real fixtures (a fixed seed, so every run reads the same
 * files): each is either read into episodes that prepare into sound chunks, or refused with a
 * PodciteError naming the file. Never another exception, and never a hang: the mutations include
 * long unpunctuated runs and floods of marks and labels, which once made chunking quadratic.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseFile } from '../../ingest/parse-file.js';
import { prepareEpisode } from '../../ingest/prepare-episode.js';
import { chunkSchema } from '../../src/domain.js';
import { PodciteError } from '../../src/errors.js';

const SEEDS = [
  'test/fixtures/formats/debate.srt',
  'test/fixtures/formats/interview.vtt',
  'test/fixtures/formats/interview.json',
  'test/fixtures/formats/notes.md',
  'test/fixtures/formats/page.html',
  'test/fixtures/formats/feed.xml',
  'test/fixtures/latent-space/bracketed-moonlake.txt',
  'test/fixtures/latent-space/mixed-mistral.txt',
  'test/fixtures/latent-space/plain-speaker-felix.txt',
];

/** Pieces of every format's syntax, and characters parsers trip on. */
const PIECES = [
  '[00:00:00]',
  '(12:34)',
  '\\[01:02\\]',
  '**Ann:**',
  'Ann:',
  '-->',
  '00:00:01,000 --> 00:00:02,000',
  '<v Bob>',
  '</v>',
  '<p>',
  '<cite>',
  '&amp;',
  '&#0;',
  '\n\n',
  '\r\n',
  '\t',
  '\u0000',
  '\uFEFF',
  '•',
  '01-02-2024 |',
  'WEBVTT',
  '{',
  '"segments":',
  '"startTime":',
  ']',
  'Dr.',
  'e.g.',
  '😀',
  'Host',
];

const CASES = 120;

/** A small deterministic generator (the same files every run). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

function mutate(text: string, next: () => number): string {
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  let out = text;
  const edits = 1 + Math.floor(next() * 12);
  for (let edit = 0; edit < edits; edit++) {
    const at = Math.floor(next() * (out.length + 1));
    const kind = next();
    let insert = '';
    let cut = 0;
    if (kind < 0.35) insert = pick(PIECES);
    else if (kind < 0.55) cut = Math.floor(next() * 300);
    else if (kind < 0.7) insert = pick(PIECES).repeat(1 + Math.floor(next() * 2_000));
    else if (kind < 0.85) insert = String.fromCharCode(Math.floor(next() * 0x3000));
    else insert = 'word '.repeat(Math.floor(next() * 15_000));
    out = out.slice(0, at) + insert + out.slice(at + cut);
  }
  return out;
}

let folder: string;
const files: string[] = [];

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'podcite-mutated-'));
  const next = random(20261126);
  const sources = await Promise.all(SEEDS.map((seed) => readFile(seed, 'utf8')));
  for (let index = 0; index < CASES; index++) {
    const position = Math.floor(next() * SEEDS.length);
    const file = path.join(folder, `case-${index}${path.extname(SEEDS[position]!)}`);
    await writeFile(file, mutate(sources[position]!, next));
    files.push(file);
  }
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('mutated transcripts', () => {
  test(`all ${CASES} are read into sound chunks or refused with a PodciteError naming the file`, async () => {
    const outcomes = { read: 0, refused: 0 };
    for (const file of files) {
      let episodes: Awaited<ReturnType<typeof parseFile>>;
      try {
        episodes = await parseFile(file);
      } catch (error) {
        expect(error, file).toBeInstanceOf(PodciteError);
        expect((error as PodciteError).message, file).toContain(path.basename(file));
        outcomes.refused += 1;
        continue;
      }
      outcomes.read += 1;
      for (const episode of episodes) {
        const { chunks } = prepareEpisode(episode, { source: file });
        for (const chunk of chunks) {
          expect(chunkSchema.safeParse(chunk).success, file).toBe(true);
          expect(chunk.text.trim().length, file).toBeGreaterThan(0);
          if (chunk.start !== null && chunk.end !== null) expect(chunk.end, file).toBeGreaterThanOrEqual(chunk.start);
          const offsets = chunk.anchors.map((anchor) => anchor.offset);
          expect(offsets, file).toStrictEqual([...offsets].sort((a, b) => a - b));
          expect(
            offsets.every((offset) => offset >= 0 && offset <= chunk.text.length),
            file,
          ).toBe(true);
        }
      }
    }
    // Both outcomes occur, so the mutations neither all break nor all miss the parsers.
    expect(outcomes.read).toBeGreaterThan(CASES / 4);
    expect(outcomes.refused).toBeGreaterThan(0);
  }, 120_000);
});
