import type { EvalReport } from './run-eval.js';

const percent = (value: number | null) => (value === null ? '   –' : value.toFixed(2).padStart(4));
const milliseconds = (value: number | null) => (value === null ? '–' : value.toFixed(0));

/**
 * The human-readable table `npm run eval` prints: retrieval per mode (the shipped hybrid last),
 * then answer metrics per answerer, then which questions each mode missed in its top 5.
 */
export function formatReport(report: EvalReport, heading: string): string {
  const lines: string[] = [heading, ''];
  lines.push(
    `${report.questions} questions: ${report.answerable} answerable, ${report.unanswerable} unanswerable.`,
    '',
    'Retrieval (top 10)   R@1   R@5  R@10 MRR@10 when≤30s* p50 ms p95 ms',
  );
  for (const row of report.retrieval) {
    const name = row.mode === 'hybrid' ? 'hybrid (shipped)' : row.mode;
    lines.push(
      `${name.padEnd(18)} ${percent(row.recallAt1)}  ${percent(row.recallAt5)}  ${percent(row.recallAt10)}  ${percent(row.mrrAt10)}     ${percent(row.whenWithin30sTopSentence)}   ${milliseconds(row.latencyP50Ms).padStart(5)}  ${milliseconds(row.latencyP95Ms).padStart(5)}`,
    );
  }
  lines.push('* when≤30s here: start of the best sentence (rankSentences) of the retrieved chunks.', '');
  if (report.answers.length > 0) {
    lines.push('Answers (hybrid)   keywords citations questions* when≤30s abstain false-abstain lists** p50 ms p95 ms');
    for (const row of report.answers) {
      lines.push(
        `${row.name.padEnd(18)}     ${percent(row.keywordRecall)}      ${percent(row.citationHitRate)}       ${percent(row.questionCitationHit)}     ${percent(row.whenWithin30s)}    ${percent(row.abstention)}         ${percent(row.falseAbstention)}   ${String(row.listQuotes).padStart(5)}  ${milliseconds(row.latencyP50Ms).padStart(5)}  ${milliseconds(row.latencyP95Ms).padStart(5)}`,
      );
    }
    lines.push(
      '* questions: share of answerable questions whose answer cites a gold chunk; citations: share of all citations that are gold.',
      '** lists: answers to non-"when" questions that quote a chapter list, timestamp table or promo.',
      '',
    );
  }
  for (const row of report.retrieval) {
    const missed = row.perQuestion
      .filter((result) => result.rank === null || result.rank > 5)
      .map((result) => result.id);
    lines.push(`${row.mode} missed in top 5: ${missed.length > 0 ? missed.join(', ') : 'none'}`);
  }
  if (report.unknownTitles.length > 0) {
    lines.push(
      '',
      `Evidence titles not found in the index (those questions cannot score): ${report.unknownTitles.join(' | ')}`,
    );
  }
  return lines.join('\n');
}
