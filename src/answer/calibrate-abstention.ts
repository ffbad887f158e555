/**
 * Chooses the abstention threshold from labelled questions instead of by hand: every gap between
 * two observed support scores is a candidate, and the one with the lowest balanced error wins.
 */

/** One question's support score (`answerSupport`) and whether the corpus really answers it. */
export interface LabelledSupport {
  support: number;
  answerable: boolean;
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
  const abstains = (sample: LabelledSupport) => sample.support < threshold;
  return {
    threshold,
    abstentionRate: unanswerable.filter(abstains).length / unanswerable.length,
    falseAbstentionRate: answerable.filter(abstains).length / answerable.length,
  };
}

/**
 * The threshold minimising missed abstentions + false abstentions (each as a rate, so the small
 * unanswerable class counts as much as the large answerable one). Ties go to the lower threshold —
 * refusing an answerable question costs the user more than a weak answer with visible citations.
 * Candidates are midpoints between neighbouring observed scores, so the choice does not hug one
 * question's score. Throws when either class is empty.
 */
export function calibrateAbstention(samples: LabelledSupport[]): AbstentionCalibration {
  if (!samples.some((sample) => sample.answerable) || !samples.some((sample) => !sample.answerable)) {
    throw new RangeError('Calibration needs both answerable and unanswerable questions.');
  }
  const scores = [...new Set(samples.map((sample) => sample.support))].sort((a, b) => a - b);
  const candidates = [0, ...scores.slice(1).map((score, position) => (score + scores[position]!) / 2)];
  let best = abstentionRates(samples, 0);
  for (const threshold of candidates) {
    const rates = abstentionRates(samples, threshold);
    const error = 1 - rates.abstentionRate + rates.falseAbstentionRate;
    const bestError = 1 - best.abstentionRate + best.falseAbstentionRate;
    if (error < bestError - 1e-12) best = rates;
  }
  return best;
}
