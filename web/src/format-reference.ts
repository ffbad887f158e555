/** Plain-text renderings of a citation: for labels, tooltips and the clipboard. */
import type { Citation } from '../../src/domain.js';

/** `12:34`, `≈ 1:02:03` when the time was estimated, or `time unknown`. */
export function timeLabel(citation: Pick<Citation, 'timestampLabel' | 'approximate'>): string {
  if (citation.timestampLabel === null) return 'time unknown';
  return citation.approximate ? `≈ ${citation.timestampLabel}` : citation.timestampLabel;
}

/**
 * Who a citation is from: the speaker, or "Show notes" for a passage with neither speaker nor time
 * (episode descriptions are not said at a moment of the audio).
 */
export function speakerLabel(citation: Pick<Citation, 'speaker' | 'timestampLabel'>): string {
  if (citation.speaker) return citation.speaker;
  return citation.timestampLabel === null ? 'Show notes' : 'Unknown speaker';
}

/** `Episode — Speaker — h:mm:ss — "quote"`; the speaker part is left out when unknown. */
export function formatReference(citation: Citation): string {
  const parts = [citation.episodeTitle];
  if (citation.speaker) parts.push(citation.speaker);
  parts.push(timeLabel(citation));
  parts.push(`"${citation.quote}"`);
  return parts.join(' — ');
}

/** The answer followed by a numbered list of its references, for "copy answer". */
export function formatAnswerForClipboard(answer: string, citations: readonly Citation[]): string {
  if (citations.length === 0) return answer;
  const references = citations.map((citation) => `[${citation.n}] ${formatReference(citation)}`);
  return `${answer}\n\nSources:\n${references.join('\n')}`;
}
