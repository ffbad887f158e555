/**
 * A synthetic podcast catalogue of any size, made from real transcripts: episode i takes the turns of
 * source episode i mod S, replaces every fifth turn by one of another source episode, and swaps ~15 % of
 * the words for words drawn (seeded by i) from the whole corpus. Every episode, and nearly every chunk,
 * is then distinct text with the corpus's own vocabulary, turn lengths and speaker patterns, so ingest
 * embeds every chunk (no text repeats to reuse) and BM25 and HNSW see realistic statistics.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { collectFiles } from '../ingest/collect-files.js';
import { parseFile } from '../ingest/parse-file.js';
import type { ParsedEpisode } from '../src/domain.js';
import { formatTimestamp } from '../src/util/time-label.js';
import { random } from './bench-util.js';

/** Share of words replaced in each synthetic turn. */
const WORD_SWAP = 0.15;
/** Every n-th turn comes from another source episode. */
const DONOR_EVERY = 5;

/** Reads every transcript under `corpusPaths` (files and folders, as `npm run ingest` takes them). */
export async function readSourceEpisodes(corpusPaths: readonly string[]): Promise<ParsedEpisode[]> {
  const episodes: ParsedEpisode[] = [];
  for (const file of await collectFiles([...corpusPaths])) {
    try {
      episodes.push(...(await parseFile(file)));
    } catch {
      // A file the ingest would skip is skipped here too.
    }
  }
  const usable = episodes.filter((episode) => episode.turns.length > 0);
  if (usable.length === 0) throw new Error(`No transcripts with turns under ${corpusPaths.join(', ')}.`);
  return usable;
}

/**
 * Writes `episodes` Markdown transcripts (`catalogue-00001.md` …) into `outDir`, each with a time mark per
 * turn where the source had one. Deterministic: the same sources and count give the same files.
 * @returns the number of words written.
 */
export async function synthesizeCatalogue(options: {
  sources: readonly ParsedEpisode[];
  episodes: number;
  outDir: string;
}): Promise<{ words: number }> {
  const { sources, outDir } = options;
  await mkdir(outDir, { recursive: true });
  const pool: string[] = [];
  for (const episode of sources) {
    for (const turn of episode.turns)
      for (const word of turn.text.split(' ')) if (pool.length < 500_000) pool.push(word);
  }
  let words = 0;
  const digits = String(options.episodes).length;
  for (let index = 0; index < options.episodes; index++) {
    const next = random(index + 1);
    const base = sources[index % sources.length]!;
    const donor = sources[(index * 7 + 3) % sources.length]!;
    const lines: string[] = [`# Catalogue ${String(index + 1).padStart(digits, '0')}: ${base.title}`, ''];
    base.turns.forEach((turn, position) => {
      const source =
        position % DONOR_EVERY === DONOR_EVERY - 1 ? (donor.turns[position % donor.turns.length] ?? turn) : turn;
      const text = source.text
        .split(' ')
        .map((word) => (next() < WORD_SWAP ? pool[Math.floor(next() * pool.length)]! : word))
        .join(' ');
      words += text.split(' ').length;
      // Marks stay with the base episode's turn order, so time never runs backwards.
      const mark = turn.marks[0]?.offset === 0 ? `\\[${formatTimestamp(turn.marks[0].seconds)}\\] ` : '';
      lines.push(`**${source.speaker ?? 'Speaker'}:** ${mark}${text}`, '');
    });
    const name = `catalogue-${String(index + 1).padStart(digits, '0')}.md`;
    await writeFile(path.join(outDir, name), lines.join('\n'));
  }
  return { words };
}
