/**
 * One source as the sources panel and the "not covered" list show it: episode and date, speaker,
 * time (≈ when estimated), the quote — within its passage once the passage has been fetched — and
 * either "play from here" (when the episode has a media URL) or "copy reference".
 */
import type { Citation } from '../../src/domain.js';
import { copyText } from './copy-text.js';
import { element } from './dom.js';
import { formatReference, isShowNotes, speakerLabel, timeLabel } from './format-reference.js';

export interface SourceCardOptions {
  citation: Citation;
  /** Episode date (`YYYY-MM-DD`) from the catalogue, when known. */
  episodeDate: string | null;
  /** Element id, so a chip can scroll the panel to this card. */
  id: string;
  /** Fetches the passage the quote was taken from; resolves null when it cannot be found. */
  loadPassage?: (citation: Citation) => Promise<string | null>;
  announce: (message: string) => void;
}

export function renderSourceCard(options: SourceCardOptions): HTMLLIElement {
  const { citation } = options;
  const quote = element('blockquote', {
    className: 'source-quote',
    children: [element('p', { text: citation.quote })],
  });

  // Show notes have no speaker and no moment in the audio: the card says "Show notes" and nothing more.
  const meta = element('p', {
    className: 'source-meta',
    children: [
      element('span', { className: 'source-speaker', text: speakerLabel(citation) }),
      isShowNotes(citation)
        ? null
        : element('span', {
            className: 'source-time',
            text: timeLabel(citation),
            attributes: citation.approximate ? { title: 'Estimated time: the transcript has no exact mark here' } : {},
          }),
    ],
  });

  const actions = element('div', { className: 'source-actions' });
  if (citation.url) {
    actions.append(
      element('a', {
        className: 'button button-small',
        text: 'Play from here',
        attributes: {
          href: citation.url,
          target: '_blank',
          rel: 'noopener noreferrer',
          // Starts with the visible text (WCAG 2.5.3), then says what plays from where.
          'aria-label': `Play from here: ${citation.episodeTitle} at ${timeLabel(citation)}`,
        },
      }),
    );
  } else {
    const copy = element('button', {
      className: 'button button-small',
      text: 'Copy reference',
      attributes: { type: 'button' },
    });
    copy.addEventListener('click', async () => {
      const copied = await copyText(formatReference(citation));
      copy.textContent = copied ? 'Copied' : 'Copy failed';
      options.announce(copied ? 'Reference copied.' : 'Could not copy the reference.');
      window.setTimeout(() => {
        copy.textContent = 'Copy reference';
      }, 2000);
    });
    actions.append(copy);
  }

  // The episode plays right here from the cited second: the URL's `#t=` media fragment (W3C Media
  // Fragments) makes the player start there. preload=none: nothing is fetched until Play.
  const player = citation.url
    ? element('audio', {
        className: 'source-audio',
        attributes: {
          controls: '',
          preload: 'none',
          src: citation.url,
          'aria-label': `Audio: ${citation.episodeTitle} from ${timeLabel(citation)}`,
        },
      })
    : null;

  const card = element('li', {
    className: 'source-card',
    attributes: { id: options.id, tabindex: '-1' },
    children: [
      element('h3', {
        className: 'source-title',
        children: [
          element('span', { className: 'source-number', text: `[${citation.n}]` }),
          element('span', { text: ` ${citation.episodeTitle}` }),
        ],
      }),
      options.episodeDate ? element('p', { className: 'source-date muted', text: options.episodeDate }) : null,
      meta,
      quote,
      player,
      actions,
    ],
  });

  if (options.loadPassage) {
    void options.loadPassage(citation).then((passage) => {
      if (passage === null) return;
      const context = renderQuoteInPassage(passage, citation.quote);
      if (context) quote.replaceChildren(context);
    });
  }
  return card;
}

/**
 * The passage with the quote highlighted, trimmed to a few hundred characters around it.
 * Null when the quote is not found verbatim (the plain quote is shown instead).
 */
export function renderQuoteInPassage(passage: string, quote: string): HTMLParagraphElement | null {
  const start = passage.indexOf(quote);
  if (start === -1 || quote === '') return null;
  const end = start + quote.length;
  const reach = 240;
  const beforeStart = Math.max(0, start - reach);
  const afterEnd = Math.min(passage.length, end + reach);
  // Cut at word boundaries, and only where the passage was actually cut.
  let before = passage.slice(beforeStart, start);
  if (beforeStart > 0) before = `…${before.replace(/^\S*\s/, '')}`;
  let after = passage.slice(end, afterEnd);
  if (afterEnd < passage.length) after = `${after.replace(/\s\S*$/, '')}…`;
  return element('p', {
    className: 'source-context',
    children: [document.createTextNode(before), element('mark', { text: quote }), document.createTextNode(after)],
  });
}
