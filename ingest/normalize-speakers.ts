/**
 * Speaker labels normalised within one episode: spaces trimmed and collapsed, and a first-name-only
 * label ("Felix", "Guillaume") widened to the full name when exactly one longer label in the
 * episode, or else exactly one name in the episode title, starts with it.
 */
import type { ParsedEpisode } from '../src/domain.js';

const NAME_WORD = /^\p{Lu}[\p{L}'’.-]*$/u;

function collapse(label: string): string {
  return label.replace(/\s+/g, ' ').trim();
}

/** Full names in a title that start with `first`: `first` followed by one to three capitalised words. */
function titleNamesStartingWith(first: string, title: string): Set<string> {
  const tokens = title.split(/\s+/);
  const names = new Set<string>();
  tokens.forEach((token, index) => {
    if (token.replace(/[^\p{L}\p{N}'’.-]+$/u, '') !== first) return;
    const parts = [first];
    for (let next = index + 1; next < tokens.length && parts.length < 4; next += 1) {
      const raw = tokens[next]!;
      const word = raw.replace(/[^\p{L}\p{N}'’.-]+$/u, '').replace(/'s$|’s$/u, '');
      if (!NAME_WORD.test(word)) break;
      parts.push(word);
      if (word !== raw) break;
    }
    if (parts.length > 1) names.add(parts.join(' '));
  });
  return names;
}

/**
 * Maps each label as written to its normalised form. `labels` are every speaker label of one
 * episode; `title` is the episode title.
 */
export function speakerMap(labels: Iterable<string>, title: string): Map<string, string> {
  const written = [...new Set(labels)];
  const collapsed = new Set(written.map(collapse));
  const map = new Map<string, string>();
  for (const label of written) {
    const clean = collapse(label);
    let full = clean;
    if (clean && !clean.includes(' ')) {
      const longer = [...collapsed].filter((other) => other.startsWith(`${clean} `));
      if (longer.length === 1) full = longer[0]!;
      else if (longer.length === 0) {
        const fromTitle = titleNamesStartingWith(clean, title);
        if (fromTitle.size === 1) full = [...fromTitle][0]!;
      }
    }
    map.set(label, full);
  }
  return map;
}

/** The episode with every turn's speaker label normalised (see `speakerMap`). */
export function normalizeSpeakers(episode: ParsedEpisode): ParsedEpisode {
  const labels = episode.turns.flatMap((turn) => (turn.speaker === null ? [] : [turn.speaker]));
  const map = speakerMap(labels, episode.title);
  return {
    ...episode,
    turns: episode.turns.map((turn) =>
      turn.speaker === null ? turn : { ...turn, speaker: map.get(turn.speaker) ?? turn.speaker },
    ),
  };
}
