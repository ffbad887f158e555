/**
 * The sources panel: every source of one answer, opened from a chip (scrolled to that citation)
 * or from the answer's "Sources" button. A side column on wide screens, a sheet over the thread on
 * narrow ones. Escape or "Close sources" closes it and returns focus to what opened it.
 */
import type { Citation } from '../../src/domain.js';
import { requiredElement } from './dom.js';
import { renderSourceCard } from './source-card.js';

export interface SourcesPanel {
  /** Shows `citations` for `question`; with `focusNumber`, scrolls to and focuses that citation. */
  open(options: { turnId: string; question: string; citations: readonly Citation[]; focusNumber?: number }): void;
  close(): void;
  /** The turn whose sources are shown, or null when closed. */
  openTurnId(): string | null;
}

export function createSourcesPanel(options: {
  episodeDate: (episodeId: string) => string | null;
  loadPassage: (citation: Citation) => Promise<string | null>;
  announce: (message: string) => void;
}): SourcesPanel {
  const panel = requiredElement('sources-panel', HTMLElement);
  const heading = requiredElement('sources-heading', HTMLHeadingElement);
  const questionText = requiredElement('sources-question', HTMLParagraphElement);
  const list = requiredElement('sources-list', HTMLOListElement);
  const closeButton = requiredElement('sources-close', HTMLButtonElement);
  let shownTurn: string | null = null;
  let returnFocus: HTMLElement | null = null;

  const sourcesPanel: SourcesPanel = {
    open({ turnId, question, citations, focusNumber }) {
      if (document.activeElement instanceof HTMLElement && !panel.contains(document.activeElement)) {
        returnFocus = document.activeElement;
      }
      if (shownTurn !== turnId || list.childElementCount !== citations.length) {
        list.replaceChildren(
          ...citations.map((citation) =>
            renderSourceCard({
              citation,
              episodeDate: options.episodeDate(citation.episodeId),
              id: sourceCardId(turnId, citation.n),
              loadPassage: options.loadPassage,
              announce: options.announce,
            }),
          ),
        );
      }
      shownTurn = turnId;
      questionText.textContent = question;
      heading.textContent = citations.length === 1 ? '1 source' : `${citations.length} sources`;
      panel.hidden = false;
      document.body.classList.add('sources-open');
      for (const card of list.querySelectorAll('.source-card.is-target')) card.classList.remove('is-target');
      const target = focusNumber === undefined ? null : document.getElementById(sourceCardId(turnId, focusNumber));
      if (target) {
        target.classList.add('is-target');
        target.focus({ preventScroll: true });
        target.scrollIntoView({ block: 'nearest' });
      } else {
        heading.focus();
      }
    },
    close() {
      if (panel.hidden) return;
      panel.hidden = true;
      shownTurn = null;
      document.body.classList.remove('sources-open');
      returnFocus?.focus();
      returnFocus = null;
    },
    openTurnId() {
      return shownTurn;
    },
  };

  closeButton.addEventListener('click', () => sourcesPanel.close());
  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') sourcesPanel.close();
  });
  return sourcesPanel;
}

export function sourceCardId(turnId: string, n: number): string {
  return `source-${turnId}-${n}`;
}
