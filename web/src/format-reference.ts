/** Plain-text renderings of a citation: for labels, tooltips and the clipboard. */
import type { Citation } from '../../src/domain.js';

/** `12:34`, `≈ 1:02:03` when the time was estimated, or `time unknown`. */
export function timeLabel(citation: Pick<Citation, 'timestampLabel' | 'approximate'>): string {
  if (citation.timestampLabel === null) return 'time unknown';
  return citation.approximate ? `≈ ${citation.timestampLabel}` : citation.timestampLabel;
}

/**
 * Whether a citation is from the episode's show notes, which are not said at a moment of the audio:
 * the page then shows "Show notes" and no speaker or time. Older servers send no `kind`; a passage
 * with neither speaker nor time is show notes there too.
 */
export function isShowNotes(citation: Pick<Citation, 'speaker' | 'timestampLabel' | 'kind'>): boolean {
  if (citation.kind !== undefined) return citation.kind === 'shownotes';
  return citation.speaker === null && citation.timestampLabel === null;
}

/**
 * Who a citation is from: the speaker; "Show notes"; "Chapter list" or "Sponsor or links" for the
 * nearest passages of those kinds (never quoted as evidence); else "Unknown speaker".
 */
export function speakerLabel(citation: Pick<Citation, 'speaker' | 'timestampLabel' | 'kind'>): string {
  if (isShowNotes(citation)) return 'Show notes';
  if (citation.kind === 'chapters') return 'Chapter list';
  if (citation.kind === 'promo') return 'Sponsor or links';
  return citation.speaker ?? 'Unknown speaker';
}

/** Speaker and time for labels ("Ada Byron · 12:34"), or just "Show notes" (no moment in the audio). */
export function sourceLabel(citation: Pick<Citation, 'speaker' | 'timestampLabel' | 'approximate' | 'kind'>): string {
  if (isShowNotes(citation)) return 'Show notes';
  return `${speakerLabel(citation)} · ${timeLabel(citation)}`;
}

/** `Episode — Speaker — h:mm:ss — "quote"` (`Episode — Show notes — "quote"`); an unknown speaker is left out. */
export function formatReference(citation: Citation): string {
  const parts = [citation.episodeTitle];
  if (isShowNotes(citation)) parts.push('Show notes');
  else {
    if (citation.speaker) parts.push(citation.speaker);
    parts.push(timeLabel(citation));
  }
  parts.push(`"${citation.quote}"`);
  return parts.join(' — ');
}

/** The answer followed by a numbered list of its references, for "copy answer". */
export function formatAnswerForClipboard(answer: string, citations: readonly Citation[]): string {
  if (citations.length === 0) return answer;
  const references = citations.map((citation) => `[${citation.n}] ${formatReference(citation)}`);
  return `${answer}\n\nSources:\n${references.join('\n')}`;
}
