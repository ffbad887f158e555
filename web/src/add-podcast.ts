/**
 * "Add a podcast": a feed URL is sent to `POST /api/shows`; the server ingests it in the background
 * and the form shows its progress (`GET /api/shows/:showId`, polled each second) until it is
 * served, then the catalogue reloads.
 */
import { PodciteError } from '../../src/errors.js';
import type { ApiClient } from './api-client.js';
import { type ShowIngest, showIngestSchema, showProgressSchema } from './api-schemas.js';
import { requiredElement } from './dom.js';

const POLL_MS = 1000;

/** A one-line account of an ingest for the status line. */
export function describeIngest(ingest: ShowIngest): string {
  if (ingest.state === 'queued') return 'Waiting for the ingest before it to finish…';
  if (ingest.state === 'failed') return `Could not add the podcast: ${ingest.message ?? 'the ingest failed.'}`;
  if (ingest.state === 'done') {
    const notes =
      ingest.notes.length > 0
        ? ` ${ingest.notes.length === 1 ? '1 note' : `${ingest.notes.length} notes`}: ${ingest.notes.join(' ')}`
        : '';
    // The page's security policy is fixed at load: a new podcast host's audio plays after a reload.
    return `Added: ${ingest.message ?? 'done.'} Reload the page to play its audio here.${notes}`;
  }
  switch (ingest.phase) {
    case 'embedding':
      return ingest.done !== null && ingest.total !== null
        ? `Indexing passages: ${ingest.done} of ${ingest.total}…`
        : 'Indexing passages…';
    case 'writing':
      return 'Writing the index…';
    case 'loading':
      return 'Loading the new episodes…';
    default:
      return 'Reading the feed and its transcripts…';
  }
}

export function setupAddPodcast(options: {
  api: ApiClient;
  announce: (message: string) => void;
  /** Called once the show is served, to reload the episode list. */
  onAdded: () => Promise<void>;
}): void {
  const form = requiredElement('add-podcast-form', HTMLFormElement);
  const input = requiredElement('feed-url', HTMLInputElement);
  const submit = requiredElement('add-podcast-submit', HTMLButtonElement);
  const status = requiredElement('add-podcast-status', HTMLParagraphElement);

  const show = (text: string, announce = false) => {
    status.textContent = text;
    status.hidden = false;
    if (announce) options.announce(text);
  };

  const disclosure = requiredElement('add-podcast', HTMLDetailsElement);
  // Like the episode filter: Escape or a click elsewhere closes the panel (the ingest goes on).
  // On the document: the submit button is disabled while the ingest runs, so focus may have left the form.
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && disclosure.open) disclosure.open = false;
  });
  document.addEventListener('click', (event) => {
    if (disclosure.open && event.target instanceof Node && !disclosure.contains(event.target)) disclosure.open = false;
  });
  disclosure.addEventListener('toggle', () => {
    if (disclosure.open) input.focus();
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const feedUrl = input.value.trim();
    if (!feedUrl) {
      show('Paste the address of a podcast feed (RSS), e.g. https://example.com/feed.xml.', true);
      input.focus();
      return;
    }
    submit.disabled = true;
    void (async () => {
      try {
        let ingest = await options.api.postJson({ path: '/api/shows', body: { feedUrl }, schema: showIngestSchema });
        show(describeIngest(ingest), true);
        while (ingest.state === 'queued' || ingest.state === 'running') {
          await new Promise((resolve) => window.setTimeout(resolve, POLL_MS));
          const progress = await options.api.getJson(
            `/api/shows/${encodeURIComponent(ingest.showId)}`,
            showProgressSchema,
          );
          if (!progress.ingest) break;
          ingest = progress.ingest;
          show(describeIngest(ingest));
        }
        show(describeIngest(ingest), true);
        if (ingest.state === 'done') {
          input.value = '';
          await options.onAdded();
        }
      } catch (error) {
        show(
          `Could not add the podcast: ${error instanceof PodciteError ? error.message : 'the server did not answer.'}`,
          true,
        );
      } finally {
        submit.disabled = false;
      }
    })();
  });
}
