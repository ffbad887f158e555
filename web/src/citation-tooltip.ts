/**
 * The hover/focus card of a citation chip: quote, speaker, episode and time. One shared element
 * (`#citation-tooltip`, role=tooltip) is filled and placed next to whichever chip is active.
 */
import type { Citation } from '../../src/domain.js';
import { element, requiredElement } from './dom.js';
import { sourceLabel } from './format-reference.js';

export interface CitationTooltip {
  /** Wires a chip: hover or focus shows the card for `citation`, leaving or Escape hides it. */
  attach(chip: HTMLElement, citation: Citation): void;
  hide(): void;
  /** Hides the card when its chip has left the page (a streamed re-render replaced it). */
  hideIfDetached(): void;
}

export function createCitationTooltip(): CitationTooltip {
  const tooltip = requiredElement('citation-tooltip', HTMLDivElement);
  let owner: HTMLElement | null = null;

  const show = (chip: HTMLElement, citation: Citation) => {
    owner = chip;
    tooltip.replaceChildren(
      element('p', { className: 'tooltip-quote', text: `“${citation.quote}”` }),
      element('p', { className: 'tooltip-meta', text: sourceLabel(citation) }),
      element('p', { className: 'tooltip-episode', text: citation.episodeTitle }),
    );
    tooltip.hidden = false;
    place(chip);
  };

  const place = (chip: HTMLElement) => {
    const chipBox = chip.getBoundingClientRect();
    const margin = 8;
    const width = Math.min(360, window.innerWidth - margin * 2);
    tooltip.style.maxWidth = `${width}px`;
    const tipBox = tooltip.getBoundingClientRect();
    const left = Math.min(Math.max(margin, chipBox.left), window.innerWidth - tipBox.width - margin);
    // Below the chip unless that runs off the viewport; then above it.
    const below = chipBox.bottom + 6;
    const top = below + tipBox.height > window.innerHeight - margin ? chipBox.top - tipBox.height - 6 : below;
    tooltip.style.left = `${Math.round(left + window.scrollX)}px`;
    tooltip.style.top = `${Math.round(Math.max(margin, top) + window.scrollY)}px`;
  };

  const hide = () => {
    owner = null;
    tooltip.hidden = true;
  };

  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !tooltip.hidden) hide();
  });

  return {
    attach(chip, citation) {
      chip.setAttribute('aria-describedby', 'citation-tooltip');
      chip.addEventListener('mouseenter', () => show(chip, citation));
      chip.addEventListener('focus', () => show(chip, citation));
      const leave = () => {
        if (owner === chip) hide();
      };
      chip.addEventListener('mouseleave', () => {
        if (document.activeElement !== chip) leave();
      });
      chip.addEventListener('blur', leave);
    },
    hide,
    hideIfDetached() {
      if (owner && !owner.isConnected) hide();
    },
  };
}
