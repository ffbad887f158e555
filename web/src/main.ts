/**
 * The chat page's controller: loads the catalogue, keeps the thread (localStorage), streams
 * answers from `/api/chat`, and wires the filter, sources panel, theme and token prompt.
 * Every state has something on screen: loading, error with retry, empty index, welcome, thread.
 */
import type { ChatMessage, Citation } from '../../src/domain.js';
import { PodciteError } from '../../src/errors.js';
import { createApiClient } from './api-client.js';
import {
  type EpisodeSummary,
  episodesResponseSchema,
  type Health,
  healthSchema,
  searchResponseSchema,
  showsResponseSchema,
} from './api-schemas.js';
import { setupAddPodcast } from './add-podcast.js';
import { createCitationTooltip } from './citation-tooltip.js';
import { copyText } from './copy-text.js';
import { element, requiredElement } from './dom.js';
import { createEpisodeFilter } from './episode-filter.js';
import { formatAnswerForClipboard } from './format-reference.js';
import { createSourcesPanel } from './sources-panel.js';
import { starterQuestions } from './starter-questions.js';
import { setupThemeToggle } from './theme-toggle.js';
import { clearThread, loadThread, saveThread, type ThreadTurn } from './thread-store.js';
import { createTokenPrompt } from './token-dialog.js';
import { citationsOf, renderTurn, type TurnViewContext } from './turn-view.js';

/** Earlier turns sent as `history` with a follow-up; older ones are dropped to bound the request. */
const HISTORY_TURNS = 6;

type LoadState =
  | { kind: 'loading' }
  | { kind: 'ready'; health: Health }
  | { kind: 'error'; title: string; message: string };

/** The headline of the load-error card: what kind of trouble, before the server's own words. */
function errorTitle(error: unknown): string {
  if (!(error instanceof PodciteError)) return 'The podcite server sent something unexpected.';
  if (error.family === 'unauthorized') return 'This server needs an access token.';
  if (error.code === 'unavailable:network') return 'The podcite server could not be reached.';
  return 'The podcite server reported a problem.';
}

function start(): void {
  const storage = window.localStorage;
  const form = requiredElement('ask-form', HTMLFormElement);
  const questionInput = requiredElement('question', HTMLTextAreaElement);
  const sendButton = requiredElement('send', HTMLButtonElement);
  const stopButton = requiredElement('stop', HTMLButtonElement);
  const thread = requiredElement('thread', HTMLOListElement);
  const pageStatus = requiredElement('page-status', HTMLDivElement);
  const announcer = requiredElement('announcer', HTMLDivElement);
  const scopeHint = requiredElement('scope-hint', HTMLSpanElement);
  const conversation = requiredElement('conversation', HTMLElement);

  let loadState: LoadState = { kind: 'loading' };
  let episodes: EpisodeSummary[] = [];
  const episodeById = new Map<string, EpisodeSummary>();
  let turns: ThreadTurn[] = loadThread(storage);
  let active: { turnId: string; controller: AbortController } | null = null;
  let turnCounter = 0;

  const announce = (message: string) => {
    // Clearing first makes screen readers announce a message equal to the previous one too.
    announcer.textContent = '';
    window.setTimeout(() => {
      announcer.textContent = message;
    }, 50);
  };

  const api = createApiClient({ requestToken: createTokenPrompt(), tokenStorage: window.sessionStorage });
  setupThemeToggle({ button: requiredElement('theme-toggle', HTMLButtonElement), storage });
  const filter = createEpisodeFilter({ storage, onChange: () => updateScopeHint() });
  const tooltip = createCitationTooltip();
  const episodeDate = (episodeId: string) => episodeById.get(episodeId)?.date ?? null;

  // The contract's citation has no passage text; `/api/search` on the quote, scoped to its episode,
  // finds the chunk again. Cached per chunk, and only fetched when a source is shown.
  const passages = new Map<string, Promise<string | null>>();
  const loadPassage = (citation: Citation): Promise<string | null> => {
    let passage = passages.get(citation.chunkId);
    if (!passage) {
      passage = api
        .postJson({
          path: '/api/search',
          body: { query: citation.quote, k: 5, episodeIds: [citation.episodeId] },
          schema: searchResponseSchema,
        })
        .then((response) => response.results.find((result) => result.chunkId === citation.chunkId)?.text ?? null)
        .catch(() => null);
      passages.set(citation.chunkId, passage);
    }
    return passage;
  };

  const sourcesPanel = createSourcesPanel({ episodeDate, loadPassage, announce });

  const turnContext: TurnViewContext = {
    tooltip,
    openSources: (turn, n) => {
      tooltip.hide();
      const options = { turnId: turn.id, question: turn.question, citations: citationsOf(turn) };
      sourcesPanel.open(n === undefined ? options : { ...options, focusNumber: n });
    },
    copyAnswer: async (turn) => {
      const copied = await copyText(formatAnswerForClipboard(turn.answer, citationsOf(turn)));
      announce(copied ? 'Answer copied with its sources.' : 'Could not copy the answer.');
    },
    retry: (turn) => {
      turns = turns.filter((candidate) => candidate.id !== turn.id);
      void ask(turn.question, turn.episodeIds);
    },
    describeScope: (episodeIds) => filter.describe(episodeIds),
    episodeDate,
    announce,
  };

  function updateScopeHint(): void {
    const ids = filter.selectedIds();
    scopeHint.textContent = ids.length === 0 ? 'Searching all episodes.' : `Searching ${filter.describe(ids)} only.`;
  }

  function renderStatus(): void {
    pageStatus.replaceChildren();
    if (loadState.kind === 'loading') {
      pageStatus.append(element('p', { className: 'status-card', text: 'Loading the episodes…' }));
      return;
    }
    if (loadState.kind === 'error') {
      const retryButton = element('button', {
        className: 'button',
        text: 'Try again',
        attributes: { type: 'button' },
      });
      retryButton.addEventListener('click', () => void loadCatalogue());
      pageStatus.append(
        element('div', {
          className: 'status-card status-error',
          attributes: { role: 'alert' },
          children: [
            element('p', { className: 'status-title', text: loadState.title }),
            element('p', { text: loadState.message }),
            retryButton,
          ],
        }),
      );
      return;
    }
    if (loadState.health.episodes === 0) {
      pageStatus.append(
        element('div', {
          className: 'status-card',
          children: [
            element('p', { className: 'status-title', text: 'No episodes are indexed yet.' }),
            element('p', {
              text: 'Add transcripts with `npm run ingest -- PATH` on the server, then reload this page.',
            }),
          ],
        }),
      );
      return;
    }
    if (turns.length > 0) return;
    const starters = starterQuestions(episodes);
    pageStatus.append(
      element('div', {
        className: 'welcome',
        children: [
          element('p', {
            className: 'status-title',
            text: `Ask anything about ${loadState.health.episodes} episode${loadState.health.episodes === 1 ? '' : 's'}.`,
          }),
          element('p', {
            className: 'muted',
            text: 'Every answer cites the episode, the speaker and the moment it was said.',
          }),
          starters.length > 0 ? element('h3', { className: 'starter-heading', text: 'Try one of these' }) : null,
          starters.length > 0
            ? element('ul', {
                className: 'starter-list',
                children: starters.map((starter) => {
                  const button = element('button', {
                    className: 'button starter',
                    text: starter,
                    attributes: { type: 'button' },
                  });
                  button.addEventListener('click', () => void ask(starter, filter.selectedIds()));
                  return element('li', { children: [button] });
                }),
              })
            : null,
        ],
      }),
    );
  }

  function renderThread(): void {
    thread.replaceChildren(...turns.map((turn) => renderTurn(turn, turnContext)));
    tooltip.hideIfDetached();
    renderStatus();
  }

  function renderOne(turn: ThreadTurn): void {
    const existing = document.getElementById(`turn-${turn.id}`);
    const next = renderTurn(turn, turnContext);
    if (existing) existing.replaceWith(next);
    else thread.append(next);
    tooltip.hideIfDetached();
  }

  // Streamed deltas arrive faster than frames; render at most once per frame.
  let renderScheduled: ThreadTurn | null = null;
  function scheduleRender(turn: ThreadTurn): void {
    if (renderScheduled) return;
    renderScheduled = turn;
    requestAnimationFrame(() => {
      const pending = renderScheduled;
      renderScheduled = null;
      if (pending) {
        const nearBottom = conversation.scrollHeight - conversation.scrollTop - conversation.clientHeight < 120;
        renderOne(pending);
        if (nearBottom) conversation.scrollTop = conversation.scrollHeight;
      }
    });
  }

  function setBusy(busy: boolean): void {
    sendButton.disabled = busy;
    stopButton.hidden = !busy;
    if (!busy && document.activeElement === stopButton) questionInput.focus();
  }

  function historyFor(): ChatMessage[] {
    const history: ChatMessage[] = [];
    for (const turn of turns.slice(-HISTORY_TURNS)) {
      if (turn.answer === '' || turn.status === 'error') continue;
      history.push({ role: 'user', content: turn.question }, { role: 'assistant', content: turn.answer });
    }
    return history;
  }

  async function ask(question: string, episodeIds: string[]): Promise<void> {
    const message = question.trim();
    if (message === '' || active) return;
    sourcesPanel.close();
    const history = historyFor();
    turnCounter += 1;
    const turn: ThreadTurn = {
      id: `${Date.now().toString(36)}-${turnCounter}`,
      question: message,
      episodeIds,
      answer: '',
      answerable: null,
      notice: null,
      citations: [],
      candidates: [],
      status: 'streaming',
      error: null,
    };
    turns.push(turn);
    saveThread(storage, turns);
    renderThread();
    document.getElementById(`turn-${turn.id}`)?.scrollIntoView({ block: 'start' });
    const controller = new AbortController();
    active = { turnId: turn.id, controller };
    setBusy(true);
    announce('Searching the episodes…');
    try {
      const request = episodeIds.length > 0 ? { message, history, episodeIds } : { message, history };
      for await (const event of api.streamChat(request, { signal: controller.signal })) {
        if (event.type === 'sources') turn.candidates = event.citations;
        else if (event.type === 'text-delta') turn.answer += event.text;
        else {
          turn.answer = event.answer.answer;
          turn.answerable = event.answer.answerable;
          turn.notice = event.answer.notice ?? null;
          turn.citations = event.answer.citations;
          turn.status = 'done';
        }
        scheduleRender(turn);
      }
      if (turn.status === 'streaming') turn.status = 'stopped';
    } catch (error) {
      if (controller.signal.aborted) turn.status = 'stopped';
      else {
        turn.status = 'error';
        turn.error =
          error instanceof PodciteError
            ? { code: error.code, message: error.message }
            : { code: 'internal', message: 'Something went wrong while answering. Try again.' };
      }
    } finally {
      active = null;
      renderScheduled = null;
      setBusy(false);
      saveThread(storage, turns);
      renderOne(turn);
      announce(finishedAnnouncement(turn));
    }
  }

  async function loadCatalogue(): Promise<void> {
    loadState = { kind: 'loading' };
    renderStatus();
    try {
      const [health, catalogue, library] = await Promise.all([
        api.getJson('/api/health', healthSchema),
        api.getJson('/api/episodes', episodesResponseSchema),
        // A server without the library of shows still serves the page.
        api.getJson('/api/shows', showsResponseSchema).catch(() => ({ shows: [] })),
      ]);
      episodes = catalogue.episodes;
      episodeById.clear();
      for (const episode of episodes) episodeById.set(episode.episodeId, episode);
      filter.setEpisodes(episodes, library.shows);
      loadState = { kind: 'ready', health };
    } catch (error) {
      loadState = {
        kind: 'error',
        title: errorTitle(error),
        message: error instanceof PodciteError ? error.message : 'Reload the page, or check the server log.',
      };
      announce(`Error: ${loadState.message}`);
    }
    // Episode titles in saved turns' scope lines need the catalogue, so re-render the thread too.
    renderThread();
    updateScopeHint();
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const question = questionInput.value;
    if (question.trim() === '' || active) return;
    questionInput.value = '';
    void ask(question, filter.selectedIds());
  });
  questionInput.addEventListener('keydown', (event) => {
    // isComposing: Enter that confirms an IME composition (Japanese, Chinese…) must not send.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  stopButton.addEventListener('click', () => active?.controller.abort());
  requiredElement('new-chat', HTMLButtonElement).addEventListener('click', () => {
    active?.controller.abort();
    turns = [];
    clearThread(storage);
    sourcesPanel.close();
    tooltip.hide();
    renderThread();
    questionInput.focus();
    announce('New chat started.');
  });

  renderThread();
  updateScopeHint();
  setupAddPodcast({ api, announce, onAdded: () => loadCatalogue() });
  void loadCatalogue();
  if (turns.length > 0) conversation.scrollTop = conversation.scrollHeight;
}

function finishedAnnouncement(turn: ThreadTurn): string {
  if (turn.status === 'error') return `Error: ${turn.error?.message ?? 'the answer failed.'}`;
  if (turn.status === 'stopped') return 'Stopped.';
  if (turn.answerable === false) return "The episodes don't seem to cover that. The nearest passages are listed.";
  const spoken = turn.answer.replace(/\s*\[\d{1,3}\]/g, '').trim();
  const count = turn.citations.length;
  const summary = spoken.length > 400 ? `${spoken.slice(0, 400)}…` : spoken;
  return `Answer ready, with ${count} source${count === 1 ? '' : 's'}: ${summary}`;
}

start();
