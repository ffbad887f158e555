/**
 * Chooses the abstention threshold from labelled questions instead of by hand: every gap between
 * two observed support scores is a candidate, and the one that best meets the criterion wins.
 */

/** One question's support score (`questionSupport`) and whether the corpus really answers it. */
export interface LabelledSupport {
  support: number;
  answerable: boolean;
  /**
   * The question names something the index never mentions (`unmentionedTerms`), so the answerer
   * abstains whatever the support; the threshold only has to catch the rest.
   */
  uncovered?: boolean | undefined;
}

export interface AbstentionCalibration {
  /** Abstain when support is below this. */
  threshold: number;
  /** Share of unanswerable questions the threshold abstains on (higher is better). */
  abstentionRate: number;
  /** Share of answerable questions the threshold wrongly abstains on (lower is better). */
  falseAbstentionRate: number;
}

/** Rates for a given threshold (NaN when a class has no questions). */
export function abstentionRates(samples: LabelledSupport[], threshold: number): AbstentionCalibration {
  const unanswerable = samples.filter((sample) => !sample.answerable);
  const answerable = samples.filter((sample) => sample.answerable);
  const abstains = (sample: LabelledSupport) => sample.uncovered === true || sample.support < threshold;
  return {
    threshold,
    abstentionRate: unanswerable.filter(abstains).length / unanswerable.length,
    falseAbstentionRate: answerable.filter(abstains).length / answerable.length,
  };
}

/**
 * Picks the threshold. Without `maxFalseAbstentionRate`: the one minimising missed abstentions +
 * false abstentions (each as a rate, so the small unanswerable class counts as much as the large
 * answerable one). With it: the one abstaining on the most unanswerable questions while wrongly
 * abstaining on at most that share of answerable ones, then the fewest false abstentions (0 always
 * qualifies). Ties go to the lower threshold — refusing an answerable question costs the user more
 * than a weak answer with visible citations. Candidates are midpoints between neighbouring observed
 * scores, so the choice does not hug one question's score. Throws when either class is empty.
 */
export function calibrateAbstention(
  samples: LabelledSupport[],
  criterion: { maxFalseAbstentionRate?: number | undefined } = {},
): AbstentionCalibration {
  if (!samples.some((sample) => sample.answerable) || !samples.some((sample) => !sample.answerable)) {
    throw new RangeError('Calibration needs both answerable and unanswerable questions.');
  }
  const scores = [...new Set(samples.map((sample) => sample.support))].sort((a, b) => a - b);
  const candidates = [0, ...scores.slice(1).map((score, position) => (score + scores[position]!) / 2)];
  const cap = criterion.maxFalseAbstentionRate;
  const isBetter = (rates: AbstentionCalibration, best: AbstentionCalibration): boolean => {
    if (cap === undefined) {
      const error = 1 - rates.abstentionRate + rates.falseAbstentionRate;
      return error < 1 - best.abstentionRate + best.falseAbstentionRate - 1e-12;
    }
    if (rates.falseAbstentionRate > cap + 1e-12) return false;
    if (rates.abstentionRate !== best.abstentionRate) return rates.abstentionRate > best.abstentionRate;
    return rates.falseAbstentionRate < best.falseAbstentionRate - 1e-12;
  };
  let best = abstentionRates(samples, 0);
  for (const threshold of candidates) {
    const rates = abstentionRates(samples, threshold);
    if (isBetter(rates, best)) best = rates;
  }
  return best;
}
