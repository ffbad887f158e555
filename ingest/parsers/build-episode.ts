import type { Chapter, ParsedEpisode, ParsedTurn } from '../../src/domain.js';
import { episodeIdFromTitle, titleFromFileName } from './episode-id.js';

export interface BuildEpisodeOptions {
  /** File the episode came from; it names the episode when the source gives no title. */
  fileName: string;
  turns: ParsedTurn[];
  /** Title read from the source; blank or missing falls back to `titleFromFileName`. */
  title?: string | null | undefined;
  date?: string | null | undefined;
  durationSeconds?: number | null | undefined;
  url?: string | null | undefined;
  showNotes?: string | null | undefined;
  chapters?: Chapter[] | undefined;
  people?: string[] | undefined;
}

/**
 * Fills a `ParsedEpisode`'s defaults the same way for every format (and as the sample-page
 * parsers do): the title falls back to the file name, and `episodeId` is derived from whichever
 * title was used, so `practical-ai-12.md` becomes `practical-ai-12`.
 */
export function buildEpisode(options: BuildEpisodeOptions): ParsedEpisode {
  const title = options.title?.replace(/\s+/g, ' ').trim() || titleFromFileName(options.fileName);
  const episode: ParsedEpisode = {
    episodeId: episodeIdFromTitle(title),
    title,
    date: options.date ?? null,
    durationSeconds: options.durationSeconds ?? null,
    url: options.url ?? null,
    showNotes: options.showNotes ?? null,
    chapters: options.chapters ?? [],
    turns: options.turns,
  };
  if (options.people && options.people.length > 0) episode.people = options.people;
  return episode;
}
