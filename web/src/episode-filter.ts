/**
 * The episode filter: a disclosure with a search box, one checkbox per show (all its episodes)
 * followed by one per episode. Nothing checked means every episode. The selection is remembered
 * so a reload keeps the scope.
 */
import type { EpisodeSummary, ShowSummary } from './api-schemas.js';
import { element, requiredElement } from './dom.js';

const FILTER_KEY = 'podcite.episodeFilter.v1';

export interface EpisodeFilter {
  /** Episodes grouped under their shows (in `shows` order); episodes of no show come last. */
  setEpisodes(episodes: readonly EpisodeSummary[], shows?: readonly Pick<ShowSummary, 'showId' | 'title'>[]): void;
  /** Checked episode ids in catalogue order; empty means all episodes. */
  selectedIds(): string[];
  /** A short human description of the scope, e.g. `2 episodes` or the one title. */
  describe(episodeIds: readonly string[]): string;
}

export function createEpisodeFilter(options: { storage: Storage; onChange: () => void }): EpisodeFilter {
  const root = requiredElement('episode-filter', HTMLDetailsElement);
  const summary = requiredElement('episode-filter-summary', HTMLElement);
  const search = requiredElement('episode-search', HTMLInputElement);
  const list = requiredElement('episode-list', HTMLUListElement);
  const empty = requiredElement('episode-list-empty', HTMLParagraphElement);
  const clear = requiredElement('episode-clear', HTMLButtonElement);
  const done = requiredElement('episode-done', HTMLButtonElement);

  let episodes: readonly EpisodeSummary[] = [];
  let selected = new Set<string>(readStored(options.storage));
  const titles = new Map<string, string>();

  const save = () => {
    try {
      options.storage.setItem(FILTER_KEY, JSON.stringify([...selected]));
    } catch {
      // Storage disabled: the filter still works until reload.
    }
  };

  const updateSummary = () => {
    const ids = filter.selectedIds();
    summary.textContent = ids.length === 0 ? 'All episodes' : `Episodes: ${filter.describe(ids)}`;
  };

  const applySearch = () => {
    const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    let visible = 0;
    for (const item of list.children) {
      if (!(item instanceof HTMLElement)) continue;
      const haystack = item.dataset.search ?? '';
      const match = words.every((word) => haystack.includes(word));
      item.hidden = !match;
      if (match) visible++;
    }
    empty.hidden = visible > 0 || episodes.length === 0;
  };

  const filter: EpisodeFilter = {
    setEpisodes(next, shows = []) {
      episodes = next;
      titles.clear();
      for (const episode of next) titles.set(episode.episodeId, episode.title);
      // Forget remembered ids of episodes that are no longer in the index.
      selected = new Set([...selected].filter((id) => titles.has(id)));
      const showCheckboxes: (() => void)[] = [];
      const refreshShows = () => {
        for (const refresh of showCheckboxes) refresh();
      };
      const episodeItem = (episode: EpisodeSummary, showTitle: string) => {
        const checkbox = element('input', {
          attributes: { type: 'checkbox', value: episode.episodeId, id: `episode-option-${episode.episodeId}` },
        });
        checkbox.checked = selected.has(episode.episodeId);
        checkbox.addEventListener('change', () => {
          if (checkbox.checked) selected.add(episode.episodeId);
          else selected.delete(episode.episodeId);
          save();
          refreshShows();
          updateSummary();
          options.onChange();
        });
        const label = element('label', {
          attributes: { for: checkbox.id },
          children: [
            element('span', { className: 'episode-title', text: episode.title }),
            episode.date ? element('span', { className: 'episode-date muted', text: episode.date }) : null,
          ],
        });
        const item = element('li', {
          className: showTitle ? 'episode-option in-show' : 'episode-option',
          children: [checkbox, label],
        });
        item.dataset.search = `${episode.title} ${episode.date ?? ''} ${showTitle}`.toLowerCase();
        return item;
      };
      const items: HTMLLIElement[] = [];
      const grouped = new Set<string>();
      for (const show of shows) {
        const own = next.filter((episode) => episode.showId === show.showId);
        if (own.length === 0) continue;
        for (const episode of own) grouped.add(episode.episodeId);
        const checkbox = element('input', {
          attributes: { type: 'checkbox', id: `show-option-${show.showId}`, 'data-show-id': show.showId },
        });
        const refresh = () => {
          const chosen = own.filter((episode) => selected.has(episode.episodeId)).length;
          checkbox.checked = chosen === own.length;
          checkbox.indeterminate = chosen > 0 && chosen < own.length;
        };
        showCheckboxes.push(refresh);
        checkbox.addEventListener('change', () => {
          for (const episode of own) {
            if (checkbox.checked) selected.add(episode.episodeId);
            else selected.delete(episode.episodeId);
          }
          for (const input of list.querySelectorAll('input[type=checkbox][value]')) {
            if (input instanceof HTMLInputElement) input.checked = selected.has(input.value);
          }
          save();
          refreshShows();
          updateSummary();
          options.onChange();
        });
        const label = element('label', {
          attributes: { for: checkbox.id },
          children: [
            element('span', { className: 'show-title', text: show.title }),
            element('span', {
              className: 'episode-date muted',
              text: own.length === 1 ? '1 episode' : `${own.length} episodes`,
            }),
          ],
        });
        const item = element('li', { className: 'episode-option show-option', children: [checkbox, label] });
        item.dataset.search = `${show.title} ${own.map((episode) => episode.title).join(' ')}`.toLowerCase();
        items.push(item, ...own.map((episode) => episodeItem(episode, show.title)));
      }
      items.push(
        ...next.filter((episode) => !grouped.has(episode.episodeId)).map((episode) => episodeItem(episode, '')),
      );
      list.replaceChildren(...items);
      refreshShows();
      applySearch();
      updateSummary();
    },
    selectedIds() {
      return episodes.map((episode) => episode.episodeId).filter((id) => selected.has(id));
    },
    describe(episodeIds) {
      if (episodeIds.length === 1) return titles.get(episodeIds[0]!) ?? episodeIds[0]!;
      return `${episodeIds.length} episodes`;
    },
  };

  search.addEventListener('input', applySearch);
  clear.addEventListener('click', () => {
    selected.clear();
    for (const checkbox of list.querySelectorAll('input[type=checkbox]')) {
      if (checkbox instanceof HTMLInputElement) {
        checkbox.checked = false;
        checkbox.indeterminate = false;
      }
    }
    save();
    updateSummary();
    options.onChange();
  });
  done.addEventListener('click', () => {
    root.open = false;
    summary.focus();
  });
  root.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && root.open) {
      root.open = false;
      summary.focus();
    }
  });
  // A disclosure stays open on an outside click by default; a filter popover should not.
  document.addEventListener('click', (event) => {
    if (root.open && event.target instanceof Node && !root.contains(event.target)) root.open = false;
  });
  root.addEventListener('toggle', () => {
    if (root.open) search.focus();
  });
  updateSummary();
  return filter;
}

function readStored(storage: Storage): string[] {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(FILTER_KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((value): value is string => typeof value === 'string') : [];
  } catch {
    return [];
  }
}
