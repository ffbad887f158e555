import fc from 'fast-check';
import { expect } from 'vitest';
import type { ParsedEpisode } from '../../../src/domain.js';
import { PodciteError } from '../../../src/errors.js';

/** Letters and digits runs: what "no word lost" compares (punctuation and markup may change). */
export function wordsOf(text: string): string[] {
  return text.match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Every word of every turn, in order. */
export function episodeWords(episodes: ParsedEpisode[]): string[] {
  return episodes.flatMap((episode) => episode.turns.flatMap((turn) => wordsOf(turn.text)));
}

/**
 * Asserts the ParsedTurn invariants: marks inside the text and sorted by offset, times never
 * going backwards across the episode, no empty turns, collapsed whitespace.
 */
export function expectWellFormed(episodes: ParsedEpisode[]): void {
  // Collected then asserted once: the corpus test checks twenty thousand turns.
  const problems: string[] = [];
  for (const episode of episodes) {
    let last = Number.NEGATIVE_INFINITY;
    episode.turns.forEach((turn, index) => {
      const where = `${episode.episodeId} turn ${index}`;
      if (turn.text.length === 0) problems.push(`${where}: empty text`);
      if (turn.text !== turn.text.replace(/\s+/g, ' ').trim()) problems.push(`${where}: whitespace not collapsed`);
      let lastOffset = -1;
      for (const mark of turn.marks) {
        if (mark.offset <= lastOffset) problems.push(`${where}: marks not sorted by offset`);
        if (mark.offset >= turn.text.length) problems.push(`${where}: mark offset ${mark.offset} past the text`);
        if (mark.seconds < last) problems.push(`${where}: time goes back from ${last} to ${mark.seconds}`);
        lastOffset = mark.offset;
        last = mark.seconds;
      }
    });
  }
  expect(problems).toStrictEqual([]);
}

/** Runs a parser on arbitrary text: it may only succeed or throw a `parse:` PodciteError. */
export function parsesOrRejects(parse: () => ParsedEpisode[]): void {
  let episodes: ParsedEpisode[];
  try {
    episodes = parse();
  } catch (error) {
    expect(error).toBeInstanceOf(PodciteError);
    expect((error as PodciteError).code).toMatch(/^parse:/);
    return;
  }
  expectWellFormed(episodes);
}

/** A plain word (letters, digits, accents) that no transcript syntax treats as markup. */
export const wordArbitrary = fc.stringMatching(/^[a-zA-Z0-9éüß]{1,8}$/);
/** One to eight words joined by spaces. */
export const phraseArbitrary = fc.array(wordArbitrary, { minLength: 1, maxLength: 8 }).map((words) => words.join(' '));
/** A lower-case speaker name ("ab cd") that cannot be mistaken for a time or a keyword. */
export const speakerArbitrary = fc.constantFrom('Ada Lovelace', 'Grace', 'Alan Turing', 'Hedy Lamarr');
/** Seconds below ten hours, with millisecond precision. */
export const secondsArbitrary = fc.integer({ min: 0, max: 36_000_000 }).map((ms) => ms / 1000);

/** `hh:mm:ss.ttt` with a chosen fraction separator. */
export function clock(seconds: number, separator: '.' | ',' = '.'): string {
  const ms = Math.round(seconds * 1000);
  const pad = (value: number, size = 2) => String(value).padStart(size, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}${separator}${pad(ms % 1000, 3)}`;
}
