import { describe, expect, test } from 'vitest';
import { abstentionRates, calibrateAbstention } from '../../src/answer/calibrate-abstention.js';

const sample = (support: number, answerable: boolean) => ({ support, answerable });

describe('calibrateAbstention', () => {
  test('separable scores: the midpoint of the gap, no errors', () => {
    expect(
      calibrateAbstention([sample(0.2, false), sample(0.3, false), sample(0.6, true), sample(0.9, true)]),
    ).toStrictEqual({
      threshold: 0.44999999999999996,
      abstentionRate: 1,
      falseAbstentionRate: 0,
    });
  });

  test('overlapping scores: the lowest balanced error', () => {
    const samples = [
      sample(0.1, false),
      sample(0.5, false),
      sample(0.4, true),
      sample(0.7, true),
      sample(0.8, true),
      sample(0.9, true),
    ];
    expect(calibrateAbstention(samples)).toStrictEqual({
      threshold: 0.6,
      abstentionRate: 1,
      falseAbstentionRate: 0.25,
    });
  });

  test('equal errors: the lower threshold wins', () => {
    const samples = [sample(0.1, false), sample(0.5, false), sample(0.3, true), sample(0.9, true)];
    expect(calibrateAbstention(samples)).toStrictEqual({ threshold: 0.2, abstentionRate: 0.5, falseAbstentionRate: 0 });
  });

  test('with a false-abstention cap: the most abstentions within the cap', () => {
    const samples = [
      sample(0.1, false),
      sample(0.3, false),
      sample(0.5, false),
      sample(0.2, true),
      sample(0.4, true),
      sample(0.6, true),
      sample(0.7, true),
      sample(0.8, true),
    ];
    // Balanced error would take 0.55 (3/3 abstained, 2/5 false); a 20% cap stops at one false abstention.
    expect(calibrateAbstention(samples)).toStrictEqual({
      threshold: 0.55,
      abstentionRate: 1,
      falseAbstentionRate: 0.4,
    });
    expect(calibrateAbstention(samples, { maxFalseAbstentionRate: 0.2 })).toStrictEqual({
      threshold: 0.35,
      abstentionRate: 2 / 3,
      falseAbstentionRate: 0.2,
    });
  });

  test('uncovered questions abstain whatever the threshold, so the threshold only has to catch the rest', () => {
    const samples = [
      { support: 0.9, answerable: false, uncovered: true },
      sample(0.2, false),
      sample(0.4, true),
      sample(0.6, true),
    ];
    expect(abstentionRates(samples, 0)).toStrictEqual({ threshold: 0, abstentionRate: 0.5, falseAbstentionRate: 0 });
    expect(calibrateAbstention(samples, { maxFalseAbstentionRate: 0 })).toStrictEqual({
      threshold: 0.30000000000000004,
      abstentionRate: 1,
      falseAbstentionRate: 0,
    });
  });

  test('needs both classes', () => {
    expect(() => calibrateAbstention([sample(0.5, true)])).toThrow(RangeError);
  });

  test('abstentionRates counts support below the threshold as abstaining', () => {
    expect(
      abstentionRates([sample(0.2, false), sample(0.5, false), sample(0.3, true), sample(0.8, true)], 0.4),
    ).toStrictEqual({
      threshold: 0.4,
      abstentionRate: 0.5,
      falseAbstentionRate: 0.5,
    });
  });
});
