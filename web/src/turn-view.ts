/**
 * Renders one question and its answer. Called again whenever the turn changes (each streamed
 * delta included); the controller swaps the element in place.
 */
import type { Citation } from '../../src/domain.js';
import { splitAnswer } from './answer-segments.js';
import type { CitationTooltip } from './citation-tooltip.js';
import { element } from './dom.js';
import { sourceLabel } from './format-reference.js';
import { renderSourceCard } from './source-card.js';
import type { ThreadTurn } from './thread-store.js';

/** How many of the nearest passages a "not covered" answer lists inline. */
const NEAREST_SHOWN = 3;

export interface TurnViewContext {
  tooltip: CitationTooltip;
  /** Opens the sources panel for this turn, at citation `n` when given. */
  openSources: (turn: ThreadTurn, n?: number) => void;
  copyAnswer: (turn: ThreadTurn) => Promise<void>;
  retry: (turn: ThreadTurn) => void;
  describeScope: (episodeIds: readonly string[]) => string;
  episodeDate: (episodeId: string) => string | null;
  announce: (message: string) => void;
}

/** The citations `[n]` markers refer to: the final ones once the answer ended, the candidates before. */
export function citationsOf(turn: ThreadTurn): Citation[] {
  return turn.citations.length > 0 ? turn.citations : turn.candidates;
}

export function renderTurn(turn: ThreadTurn, context: TurnViewContext): HTMLLIElement {
  const question = element('div', {
    className: 'question',
    children: [
      element('h3', { className: 'question-text', text: turn.question }),
      turn.episodeIds.length > 0
        ? element('p', { className: 'question-scope muted', text: `In ${context.describeScope(turn.episodeIds)}` })
        : null,
    ],
  });
  return element('li', {
    className: `turn turn-${turn.status}`,
    attributes: { id: `turn-${turn.id}`, 'data-turn-id': turn.id },
    children: [question, renderAnswer(turn, context)],
  });
}

function renderAnswer(turn: ThreadTurn, context: TurnViewContext): HTMLElement {
  const answer = element('section', {
    className: 'answer',
    attributes: { 'aria-label': `Answer to: ${turn.question}`, 'aria-busy': String(turn.status === 'streaming') },
  });
  const citations = citationsOf(turn);
  const byNumber = new Map(citations.map((citation) => [citation.n, citation]));

  if (turn.notice) answer.append(element('p', { className: 'notice', text: turn.notice }));
  // The server's own "not covered" text is shown when it sends one; this is the fallback.
  if (turn.answerable === false && turn.answer.trim() === '') {
    answer.append(
      element('p', {
        className: 'not-covered',
        text: "Sorry — the episodes don't seem to cover that. Here are the nearest passages, in case they help.",
      }),
    );
  }

  if (turn.status === 'streaming' && turn.answer === '') {
    answer.append(
      element('p', {
        className: 'answer-pending muted',
        children: [
          element('span', { className: 'spinner', attributes: { 'aria-hidden': 'true' } }),
          document.createTextNode('Searching the episodes…'),
        ],
      }),
    );
  }

  const body = element('div', { className: turn.answerable === false ? 'answer-body not-covered' : 'answer-body' });
  for (const paragraph of splitAnswer(turn.answer, new Set(byNumber.keys()))) {
    const paragraphElement = element('p');
    for (const segment of paragraph) {
      if (segment.kind === 'text') {
        paragraphElement.append(document.createTextNode(segment.text));
        continue;
      }
      const citation = byNumber.get(segment.n)!;
      const chip = element('button', {
        className: 'citation-chip',
        text: `[${segment.n}]`,
        attributes: {
          type: 'button',
          // The chip names its episode and moment, so a screen reader (and the title tooltip) says where it points.
          'aria-label': `Source ${segment.n}: ${citation.episodeTitle}, ${sourceLabel(citation)}`,
          'data-citation': String(segment.n),
        },
      });
      context.tooltip.attach(chip, citation);
      chip.addEventListener('click', () => context.openSources(turn, segment.n));
      paragraphElement.append(chip);
    }
    body.append(paragraphElement);
  }
  if (body.childElementCount > 0) answer.append(body);

  if (turn.answerable === false && turn.candidates.length > 0) {
    answer.append(
      element('h4', { className: 'nearest-heading', text: 'Nearest passages' }),
      element('ol', {
        className: 'sources-list nearest-list',
        children: turn.candidates.slice(0, NEAREST_SHOWN).map((citation) =>
          renderSourceCard({
            citation,
            episodeDate: context.episodeDate(citation.episodeId),
            id: `nearest-${turn.id}-${citation.n}`,
            announce: context.announce,
          }),
        ),
      }),
    );
  }

  if (turn.status === 'error' && turn.error) {
    answer.append(
      element('p', { className: 'error-message', attributes: { role: 'alert' }, text: turn.error.message }),
    );
  }
  if (turn.status === 'stopped') {
    answer.append(element('p', { className: 'muted stopped-note', text: 'Stopped before the answer finished.' }));
  }

  const actions = element('div', { className: 'answer-actions' });
  if ((turn.status === 'done' || turn.status === 'stopped') && turn.answer !== '') {
    const copy = element('button', {
      className: 'button button-small',
      text: 'Copy answer',
      attributes: { type: 'button' },
    });
    copy.addEventListener('click', () => void context.copyAnswer(turn));
    actions.append(copy);
  }
  if (turn.status !== 'streaming' && citations.length > 0) {
    const sources = element('button', {
      className: 'button button-small',
      text: citations.length === 1 ? '1 source' : `${citations.length} sources`,
      attributes: { type: 'button' },
    });
    sources.addEventListener('click', () => context.openSources(turn));
    actions.append(sources);
  }
  if (turn.status === 'error' || turn.status === 'stopped') {
    const retry = element('button', {
      className: 'button button-small',
      text: 'Try again',
      attributes: { type: 'button' },
    });
    retry.addEventListener('click', () => context.retry(turn));
    actions.append(retry);
  }
  if (actions.childElementCount > 0) answer.append(actions);
  return answer;
}
