import { describe, expect, test } from 'vitest';
import {
  chooseHidden,
  durationFromLastMark,
  estimationErrors,
  measureCorpus,
  SCENARIOS,
  seededRandom,
  withTrustedMarks,
} from '../../bench/timestamp-estimation.js';
import type { ParsedEpisode, ParsedTurn } from '../../src/domain.js';

/** 20 turns of 10 words at exactly 0.5 s a word, each turn marked at its first word: turn i starts at 5·i s. */
function uniformEpisode(): ParsedEpisode {
  const turns: ParsedTurn[] = Array.from({ length: 20 }, (_, index) => ({
    speaker: index % 2 === 0 ? 'A' : 'B',
    text: 'word '.repeat(10).trim(),
    marks: [{ offset: 0, seconds: index * 5 }],
  }));
  return {
    episodeId: 'uniform',
    title: 'Uniform',
    date: null,
    durationSeconds: 100,
    url: null,
    showNotes: null,
    chapters: [],
    turns,
  };
}

const withEverything = { useDuration: true, useChapters: true };
/** Errors to the microsecond: interpolation leaves floating-point dust like 7e-15. */
const rounded = (errors: number[]) => errors.map((error) => Math.round(error * 1e6) / 1e6);

describe('estimationErrors', () => {
  test('uniform speech: hiding every other mark is re-estimated exactly', () => {
    const hidden = chooseHidden({ count: 20, rule: { kind: 'alternate' }, random: seededRandom(1) });
    expect(estimationErrors({ episode: uniformEpisode(), hidden, context: withEverything })).toStrictEqual(
      Array.from({ length: 10 }, () => 0),
    );
  });

  test('uniform speech with no marks: the duration alone gives every time exactly', () => {
    const hidden = Array.from({ length: 20 }, () => true);
    expect(rounded(estimationErrors({ episode: uniformEpisode(), hidden, context: withEverything }))).toStrictEqual(
      Array.from({ length: 20 }, () => 0),
    );
  });

  test('no marks and no duration: 0.4 s a word falls 1 s behind per 10 words of 0.5 s speech', () => {
    const hidden = Array.from({ length: 20 }, () => true);
    const errors = estimationErrors({
      episode: uniformEpisode(),
      hidden,
      context: { useDuration: false, useChapters: false },
    });
    expect(rounded(errors)).toStrictEqual(Array.from({ length: 20 }, (_, index) => index));
  });

  test('a mark inside a turn is compared at the word it stands before', () => {
    const episode: ParsedEpisode = {
      ...uniformEpisode(),
      turns: [
        {
          speaker: 'A',
          text: 'one two three four',
          marks: [
            { offset: 0, seconds: 0 },
            { offset: 8, seconds: 7 },
          ],
        },
        { speaker: 'B', text: 'five', marks: [{ offset: 0, seconds: 8 }] },
      ],
    };
    // Hidden at word 2 of 4 between 0 s and 8 s: estimated 4 s, truly 7 s.
    expect(estimationErrors({ episode, hidden: [false, true, false], context: withEverything })).toStrictEqual([3]);
  });
});

describe('chooseHidden', () => {
  test('alternate hides the 2nd, 4th, … mark; all hides every mark', () => {
    const random = seededRandom(1);
    expect(chooseHidden({ count: 5, rule: { kind: 'alternate' }, random })).toStrictEqual([
      false,
      true,
      false,
      true,
      false,
    ]);
    expect(chooseHidden({ count: 3, rule: { kind: 'all' }, random })).toStrictEqual([true, true, true]);
  });

  test('random hides round(fraction × count) marks, the same ones for the same seed', () => {
    const first = chooseHidden({ count: 10, rule: { kind: 'random', fraction: 0.8 }, random: seededRandom(6) });
    const again = chooseHidden({ count: 10, rule: { kind: 'random', fraction: 0.8 }, random: seededRandom(6) });
    expect(first.filter(Boolean).length).toBe(8);
    expect(again).toStrictEqual(first);
  });
});

describe('withTrustedMarks and durationFromLastMark', () => {
  test('a mark earlier than one before it is dropped from the truth', () => {
    const episode: ParsedEpisode = {
      ...uniformEpisode(),
      turns: [
        { speaker: 'A', text: 'a b', marks: [{ offset: 0, seconds: 100 }] },
        { speaker: 'B', text: 'c d', marks: [{ offset: 0, seconds: 50 }] },
        { speaker: 'A', text: 'e', marks: [{ offset: 0, seconds: 104 }] },
      ],
    };
    expect(withTrustedMarks(episode).turns.map((turn) => turn.marks)).toStrictEqual([
      [{ offset: 0, seconds: 100 }],
      [],
      [{ offset: 0, seconds: 104 }],
    ]);
  });

  test('the last mark plus 0.4 s for each word after it', () => {
    const episode: ParsedEpisode = {
      ...uniformEpisode(),
      durationSeconds: null,
      turns: [
        { speaker: 'A', text: 'a b c d', marks: [{ offset: 2, seconds: 50 }] },
        { speaker: 'B', text: 'e f', marks: [] },
      ],
    };
    expect(durationFromLastMark(episode)).toBe(52);
    expect(durationFromLastMark({ ...episode, turns: [{ speaker: 'A', text: 'a', marks: [] }] })).toBe(null);
  });
});

describe('measureCorpus', () => {
  test('pools the hidden marks of every episode; skips chapter scenarios without chapters', () => {
    const rows = measureCorpus({
      corpus: 'synthetic',
      episodes: [uniformEpisode(), { ...uniformEpisode(), episodeId: 'uniform-2' }],
      scenarios: SCENARIOS.filter((scenario) => scenario.scenario !== 'no marks: word count only'),
    });
    expect(rows).toStrictEqual(
      [
        ['interpolation', 'every other', 20],
        ['interpolation', 'random 50%', 20],
        ['interpolation', 'random 80%', 32],
        ['interpolation', 'random 90%', 36],
        ['no marks: duration only', 'all', 40],
      ].map(([scenario, marksHidden, count]) => ({
        corpus: 'synthetic',
        scenario,
        marksHidden,
        episodes: 2,
        count,
        medianErrorSeconds: 0,
        p90ErrorSeconds: 0,
      })),
    );
  });
});
