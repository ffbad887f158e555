/**
 * How far estimated times are from the truth. On transcripts with known marks, some marks are
 * hidden, `resolveTimestamps` re-estimates the episode, and the time it gives the word each hidden
 * mark stood before is compared with the mark's own time.
 *
 * Scenarios: interpolation (every other mark, or a seeded random 50% / 80% / 90% hidden, the rest
 * kept) and transcripts with no marks at all (every mark hidden; times from the duration and the
 * chapter list, the same with the transcript's headings taken away so only spoken titles place
 * chapters, the duration alone, or the word count alone at 150 words a minute). Results and what
 * they mean: bench/RESULTS-timestamps.md.
 *
 * Corpora: the bundled Latent Space page (Moonlake and Dreamer mark every line `[hh:mm:ss]`,
 * Mistral has inline `(mm:ss)` marks and, later, one `[hh:mm:ss]` a minute; durations are the
 * page's whole minutes) and the Practical AI Markdown files (a `\[mm:ss\]` mark on about one turn
 * in five; no duration in the files, so the duration is taken as the last mark plus 0.4 s for
 * each word after it).
 *
 * Usage: npx tsx bench/timestamp-estimation.ts [PRACTICAL_AI_DIR]
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFile } from '../ingest/parse-file.js';
import { DEFAULT_SECONDS_PER_WORD, type ResolvedTurn, resolveTimestamps } from '../ingest/resolve-timestamps.js';
import type { ParsedEpisode } from '../src/domain.js';
import { percentile, printTable } from './bench-util.js';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Seed for random hiding; each episode mixes in a hash of its id, so results do not depend on file order. */
export const HIDING_SEED = 6;

/** Which marks to hide. `alternate` hides the 2nd, 4th, … mark; `random` hides round(fraction × count) marks. */
export type HidingRule = { kind: 'alternate' } | { kind: 'random'; fraction: number } | { kind: 'all' };

/** What the estimator is told besides the kept marks. */
export interface EstimationContext {
  /** Give it the episode's duration (otherwise it falls back to 150 words a minute). */
  useDuration: boolean;
  /** Give it the episode's chapter list. */
  useChapters: boolean;
  /** Take away the transcript's own headings (`ParsedTurn.chapter`), leaving only spoken titles to place chapters. */
  withoutHeadings?: boolean;
}

export interface EstimationScenario {
  scenario: string;
  marksHidden: string;
  rule: HidingRule;
  context: EstimationContext;
  /** Only for episodes with at least one timed chapter. */
  needsChapters?: boolean;
}

export const SCENARIOS: readonly EstimationScenario[] = [
  {
    scenario: 'interpolation',
    marksHidden: 'every other',
    rule: { kind: 'alternate' },
    context: { useDuration: true, useChapters: true },
  },
  {
    scenario: 'interpolation',
    marksHidden: 'random 50%',
    rule: { kind: 'random', fraction: 0.5 },
    context: { useDuration: true, useChapters: true },
  },
  {
    scenario: 'interpolation',
    marksHidden: 'random 80%',
    rule: { kind: 'random', fraction: 0.8 },
    context: { useDuration: true, useChapters: true },
  },
  {
    scenario: 'interpolation',
    marksHidden: 'random 90%',
    rule: { kind: 'random', fraction: 0.9 },
    context: { useDuration: true, useChapters: true },
  },
  {
    scenario: 'no marks: duration + chapters',
    marksHidden: 'all',
    rule: { kind: 'all' },
    context: { useDuration: true, useChapters: true },
    needsChapters: true,
  },
  {
    scenario: 'no marks: duration + chapters, no headings',
    marksHidden: 'all',
    rule: { kind: 'all' },
    context: { useDuration: true, useChapters: true, withoutHeadings: true },
    needsChapters: true,
  },
  {
    scenario: 'no marks: duration only',
    marksHidden: 'all',
    rule: { kind: 'all' },
    context: { useDuration: true, useChapters: false },
  },
  {
    scenario: 'no marks: word count only',
    marksHidden: 'all',
    rule: { kind: 'all' },
    context: { useDuration: false, useChapters: false },
  },
];

/** One row of the results table. Errors are absolute, in seconds. */
export interface EstimationRow {
  corpus: string;
  scenario: string;
  marksHidden: string;
  episodes: number;
  /** Number of hidden marks compared. */
  count: number;
  medianErrorSeconds: number;
  p90ErrorSeconds: number;
}

/** A deterministic generator of numbers in [0, 1) (xorshift32); the seed 0 is moved off the fixed point. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
}

function hashText(text: string): number {
  // FNV-1a: a cheap, stable string hash for per-episode seeds.
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** Which of `count` marks (in episode order) a rule hides; `random` draws from `random` (seeded). */
export function chooseHidden(options: { count: number; rule: HidingRule; random: () => number }): boolean[] {
  const { count, rule, random } = options;
  if (rule.kind === 'all') return Array.from({ length: count }, () => true);
  if (rule.kind === 'alternate') return Array.from({ length: count }, (_, index) => index % 2 === 1);
  const order = Array.from({ length: count }, (_, index) => index);
  // Fisher–Yates: the first round(fraction × count) of a uniform shuffle are hidden.
  for (let index = count - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [order[index], order[other]] = [order[other]!, order[index]!];
  }
  const hidden = Array.from({ length: count }, () => false);
  for (const index of order.slice(0, Math.round(rule.fraction * count))) hidden[index] = true;
  return hidden;
}

/**
 * The episode with transcript slips removed: a mark earlier than one before it is dropped (as
 * `resolveTimestamps` ignores it too), so every remaining mark is a trustworthy truth.
 */
export function withTrustedMarks(episode: ParsedEpisode): ParsedEpisode {
  let latest = Number.NEGATIVE_INFINITY;
  const turns = episode.turns.map((turn) => ({
    ...turn,
    marks: turn.marks.filter((mark) => {
      if (mark.seconds < latest) return false;
      latest = mark.seconds;
      return true;
    }),
  }));
  return { ...episode, turns };
}

/** Number of marks in the episode. */
export function markCount(episode: ParsedEpisode): number {
  return episode.turns.reduce((sum, turn) => sum + turn.marks.length, 0);
}

/**
 * Hides the marks flagged in `hidden` (one flag per mark, in episode order), resolves the
 * episode, and returns, for each hidden mark, |estimated − true| seconds at the word the mark
 * stands before (the turn's end when it stands after the last word).
 */
export function estimationErrors(options: {
  episode: ParsedEpisode;
  hidden: readonly boolean[];
  context: EstimationContext;
  /** The estimator under test; `resolveTimestamps` unless another is being compared. */
  resolve?: (episode: ParsedEpisode) => ResolvedTurn[];
}): number[] {
  const { episode, hidden, context } = options;
  const resolve = options.resolve ?? resolveTimestamps;
  let flag = 0;
  const truths: { turn: number; offset: number; seconds: number }[] = [];
  const turns = episode.turns.map((turn, turnIndex) => ({
    ...turn,
    ...(context.withoutHeadings ? { chapter: undefined } : {}),
    marks: turn.marks.filter((mark) => {
      const hide = hidden[flag] ?? false;
      flag += 1;
      if (hide) truths.push({ turn: turnIndex, offset: mark.offset, seconds: mark.seconds });
      return !hide;
    }),
  }));
  const resolved = resolve({
    ...episode,
    turns,
    durationSeconds: context.useDuration ? episode.durationSeconds : null,
    chapters: context.useChapters ? episode.chapters : [],
  });
  return truths.map((truth) => {
    const turn = resolved[truth.turn]!;
    const word = turn.words.find((candidate) => candidate.offset >= truth.offset);
    return Math.abs((word?.seconds ?? turn.end) - truth.seconds);
  });
}

/**
 * For a file with no duration: the last mark plus `DEFAULT_SECONDS_PER_WORD` for each word after
 * it, rounded to the second. Null when the episode has no marks.
 */
export function durationFromLastMark(episode: ParsedEpisode): number | null {
  for (let turnIndex = episode.turns.length - 1; turnIndex >= 0; turnIndex -= 1) {
    const turn = episode.turns[turnIndex]!;
    const last = turn.marks.at(-1);
    if (!last) continue;
    const wordsAfter =
      (turn.text.slice(last.offset).match(/\S+/g)?.length ?? 0) +
      episode.turns.slice(turnIndex + 1).reduce((sum, later) => sum + (later.text.match(/\S+/g)?.length ?? 0), 0);
    return Math.round(last.seconds + wordsAfter * DEFAULT_SECONDS_PER_WORD);
  }
  return null;
}

/** Measures every scenario over a group of episodes (each with marks) and pools the errors. */
export function measureCorpus(options: {
  corpus: string;
  episodes: readonly ParsedEpisode[];
  scenarios?: readonly EstimationScenario[];
  resolve?: (episode: ParsedEpisode) => ResolvedTurn[];
}): EstimationRow[] {
  const episodes = options.episodes.map(withTrustedMarks).filter((episode) => markCount(episode) > 0);
  return (options.scenarios ?? SCENARIOS).flatMap((scenario) => {
    const eligible = scenario.needsChapters
      ? episodes.filter((episode) => episode.chapters.some((chapter) => chapter.start !== null))
      : episodes;
    if (eligible.length === 0) return [];
    const errors = eligible.flatMap((episode) => {
      const random = seededRandom(HIDING_SEED ^ hashText(`${episode.episodeId} ${scenario.marksHidden}`));
      const hidden = chooseHidden({ count: markCount(episode), rule: scenario.rule, random });
      return estimationErrors({
        episode,
        hidden,
        context: scenario.context,
        ...(options.resolve ? { resolve: options.resolve } : {}),
      });
    });
    return [
      {
        corpus: options.corpus,
        scenario: scenario.scenario,
        marksHidden: scenario.marksHidden,
        episodes: eligible.length,
        count: errors.length,
        medianErrorSeconds: percentile(errors, 50),
        p90ErrorSeconds: percentile(errors, 90),
      },
    ];
  });
}

/** Latent Space episodes named in the issue, by id prefix. */
const LATENT_SPACE_EPISODES = ['moonlake', 'dreamer', 'mistral'];

/**
 * Runs the measurement on both corpora (paths default to the repository's bundled page and the four
 * Practical AI transcripts in `test/fixtures/practical-ai`; pass the whole corpus's folder to measure it). Latent Space rows are per episode; Practical AI rows pool all
 * files with marks, and again only the files without an ad break. Takes a few seconds.
 */
export async function measureTimestampEstimation(
  options: {
    latentSpacePath?: string;
    practicalAiDirectory?: string;
    /** The estimator under test; `resolveTimestamps` unless another is being compared. */
    resolve?: (episode: ParsedEpisode) => ResolvedTurn[];
  } = {},
): Promise<EstimationRow[]> {
  const resolve = options.resolve ? { resolve: options.resolve } : {};
  const latentSpacePath = options.latentSpacePath ?? path.join(repositoryRoot, 'data/latent-space-episodes.txt');
  const practicalAiDirectory = options.practicalAiDirectory ?? path.join(repositoryRoot, 'test/fixtures/practical-ai');

  const rows: EstimationRow[] = [];
  const latentSpace = await parseFile(latentSpacePath);
  for (const name of LATENT_SPACE_EPISODES) {
    const episode = latentSpace.find((candidate) => candidate.episodeId.startsWith(name));
    if (episode) rows.push(...measureCorpus({ corpus: `latent-space/${name}`, episodes: [episode], ...resolve }));
  }

  const files = (await readdir(practicalAiDirectory))
    .filter((file) => file.endsWith('.md'))
    .sort((left, right) => left.localeCompare(right, 'en', { numeric: true }));
  const practicalAi: ParsedEpisode[] = [];
  const withoutBreaks: ParsedEpisode[] = [];
  for (const file of files) {
    const filePath = path.join(practicalAiDirectory, file);
    // `**Break:** \[13:03\]` is an ad break: minutes of audio with no words, invisible to a word count.
    const hasBreak = /^\*\*Break:?\*\*/m.test(await readFile(filePath, 'utf8'));
    for (const episode of await parseFile(filePath)) {
      const durationSeconds = episode.durationSeconds ?? durationFromLastMark(episode);
      practicalAi.push({ ...episode, durationSeconds });
      if (!hasBreak) withoutBreaks.push({ ...episode, durationSeconds });
    }
  }
  rows.push(...measureCorpus({ corpus: 'practical-ai', episodes: practicalAi, ...resolve }));
  rows.push(...measureCorpus({ corpus: 'practical-ai, no ad break', episodes: withoutBreaks, ...resolve }));
  return rows;
}

function formatSeconds(value: number): string {
  return Number.isNaN(value) ? '-' : value.toFixed(1);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // Optional argument: the Practical AI corpus folder (default: the four fixture transcripts).
  const practicalAiDirectory = process.argv[2];
  const rows = await measureTimestampEstimation(practicalAiDirectory ? { practicalAiDirectory } : {});
  printTable(
    rows.map((row) => ({
      corpus: row.corpus,
      scenario: row.scenario,
      'marks hidden': row.marksHidden,
      episodes: row.episodes,
      n: row.count,
      'median error s': formatSeconds(row.medianErrorSeconds),
      'p90 error s': formatSeconds(row.p90ErrorSeconds),
    })),
  );
  console.log(
    '\nErrors are |estimated − true| seconds at each hidden mark. practical-ai files carry no duration: it is',
    '\ntaken as the last mark + 0.4 s per word after it. Latent Space durations are the page’s whole minutes.',
  );
}
