/**
 * Gives every word of an episode a time: exact where the transcript marks it, interpolated by
 * word position between marks, extrapolated before the first and after the last mark, and, with
 * no marks at all, estimated from the duration, pinned to the listed chapters' times where the
 * transcript's own headings name them, else where their titles are spoken (when that match is
 * confident).
 */
import type { Chapter, ParsedEpisode, ParsedTurn, TimestampQuality } from '../src/domain.js';

/** Seconds per word when nothing better is known (150 words a minute). */
export const DEFAULT_SECONDS_PER_WORD = 0.4;

/** The time of one word of a turn. */
export interface WordTime {
  /** Character offset of the word in the turn's text. */
  offset: number;
  seconds: number;
  /** False only when the transcript marks this word's time. */
  approximate: boolean;
}

/** A turn with times: what `chunkTurns` consumes. */
export interface ResolvedTurn {
  speaker: string | null;
  text: string;
  /** Heading in force from the transcript, else the chapter-list entry the turn starts in, else null. */
  chapter: string | null;
  role?: string | undefined;
  /** Time of the first word. */
  start: number;
  /** Time the next turn starts (for the last turn, the end of the episode as best known). */
  end: number;
  /** True when `start` is not read from the transcript. */
  approximate: boolean;
  /** One entry per whitespace-separated word, in order. */
  words: WordTime[];
}

/** A known time at a word position (position = index of the word in the whole episode). */
export interface TimePoint {
  position: number;
  seconds: number;
}

/**
 * exact: every turn starts on a mark; partial: some marks; estimated: no marks but a transcript;
 * none: no transcript.
 */
export function timestampQuality(episode: ParsedEpisode): TimestampQuality {
  const turns = episode.turns.filter((turn) => turn.text.length > 0);
  if (turns.length === 0) return 'none';
  const marked = turns.filter((turn) => turn.marks.length > 0);
  if (marked.length === 0) return 'estimated';
  return turns.every((turn) => turn.marks[0]?.offset === 0) ? 'exact' : 'partial';
}

/**
 * A time for every word position `0..count` (position `count` is the end) from known points.
 * Points must be sorted by position with non-decreasing seconds. Positions on a point are exact
 * when `pointsAreExact`; everything else is approximate.
 */
export function interpolateTimes(options: {
  count: number;
  points: readonly TimePoint[];
  durationSeconds: number | null;
  pointsAreExact: boolean;
}): { seconds: number; approximate: boolean }[] {
  const { count, points, durationSeconds, pointsAreExact } = options;
  const times: { seconds: number; approximate: boolean }[] = [];
  const rate = secondsPerWord(points, durationSeconds, count);
  const first = points[0];
  const last = points.at(-1);
  // After the last mark: the measured pace, slowed no further than needed to end at the duration.
  const tailRate =
    last && durationSeconds !== null && durationSeconds > last.seconds && count > last.position
      ? Math.min(rate, (durationSeconds - last.seconds) / (count - last.position))
      : rate;
  let next = 0;
  for (let position = 0; position <= count; position += 1) {
    while (next < points.length && points[next]!.position < position) next += 1;
    const at = points[next];
    if (at && at.position === position) {
      times.push({ seconds: at.seconds, approximate: !pointsAreExact });
      continue;
    }
    const before = points[next - 1];
    let seconds: number;
    if (!first || !last) seconds = position * rate;
    else if (!before) {
      // Before the first mark: walk back at the measured pace, squeezing toward 0 if that overshoots.
      const back = first.seconds - first.position * rate;
      seconds = back >= 0 ? back + position * rate : (first.seconds * position) / first.position;
    } else if (!at) seconds = before.seconds + (position - before.position) * tailRate;
    else
      seconds =
        before.seconds +
        ((position - before.position) / (at.position - before.position)) * (at.seconds - before.seconds);
    times.push({ seconds, approximate: true });
  }
  return times;
}

function secondsPerWord(points: readonly TimePoint[], durationSeconds: number | null, count: number): number {
  const first = points[0];
  const last = points.at(-1);
  if (first && last && last.position - first.position >= 20 && last.seconds > first.seconds) {
    const measured = (last.seconds - first.seconds) / (last.position - first.position);
    return Math.min(1.5, Math.max(0.15, measured));
  }
  if (durationSeconds !== null && durationSeconds > 0 && count > 0) return durationSeconds / count;
  return DEFAULT_SECONDS_PER_WORD;
}

const STOP_WORDS = new Set(
  'a an the and or of for to in on at by with vs versus from is are be its it this that what why how when who which your our their new not more most just into over about'.split(
    ' ',
  ),
);

/** Lowercase alphanumerics with a plural or -ing/-ed ending cut, for fuzzy title matching. */
export function matchKey(word: string): string {
  const bare = word.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
  return bare.length > 4 ? bare.replace(/(?:ing|ed|es|s)$/, '') : bare;
}

/**
 * Finds where chapter titles are spoken, for episodes with no marks: for each chapter (in order)
 * the window of words holding most of the title's content words, near where the duration says
 * it should be and after the previous one found. A chapter is kept only when at least 3/4 of its
 * content words (and at least two) appear within a short window and the pace it implies since the
 * previous chapter found is within 1.5× of the episode's average.
 */
export function locateChapters(options: {
  words: readonly string[];
  chapters: readonly Chapter[];
  durationSeconds: number;
}): TimePoint[] {
  const { words, chapters, durationSeconds } = options;
  const keys = words.map(matchKey);
  const count = keys.length;
  const pace = durationSeconds / Math.max(1, count);
  const found: TimePoint[] = [];
  let previous: TimePoint = { position: 0, seconds: 0 };
  for (const chapter of chapters) {
    if (chapter.start === null || chapter.start <= previous.seconds || chapter.start >= durationSeconds) continue;
    const wanted = [
      ...new Set(
        chapter.title
          .split(/\s+/)
          .map(matchKey)
          .filter((key) => key.length >= 3 && !STOP_WORDS.has(key)),
      ),
    ];
    if (wanted.length < 2) continue;
    const expected = chapter.start / pace;
    const reach = Math.max(200, count * 0.15);
    const window = Math.max(12, wanted.length * 4);
    let best: { position: number; score: number; distance: number } | undefined;
    const from = Math.max(previous.position + 1, Math.floor(expected - reach));
    const to = Math.min(count - 1, Math.ceil(expected + reach));
    for (let position = from; position <= to; position += 1) {
      if (!wanted.includes(keys[position]!)) continue;
      const seen = new Set(keys.slice(position, position + window).filter((key) => wanted.includes(key)));
      const score = seen.size / wanted.length;
      const distance = Math.abs(position - expected);
      if (!best || score > best.score || (score === best.score && distance < best.distance))
        best = { position, score, distance };
    }
    if (!best || best.score < 0.75) continue;
    const implied = (chapter.start - previous.seconds) / Math.max(1, best.position - previous.position);
    // Within 1.5× of the average pace: a looser bound (2×) let a stray early mention of a title pin it
    // nine minutes early on a measured episode (bench/RESULTS-timestamps.md).
    if (implied < pace / 1.5 || implied > pace * 1.5) continue;
    previous = { position: best.position, seconds: chapter.start };
    found.push(previous);
  }
  return found;
}

/** A chapter title reduced to its match keys, so `Flow Matching for Audio` meets `flow matching for audio`. */
function titleKey(title: string): string {
  return title.split(/\s+/).map(matchKey).filter(Boolean).join(' ');
}

/**
 * Where the transcript's own headings name a timed chapter: the first word under the heading
 * starts at the chapter's listed time. Each chapter pins at most once (its first heading), and a
 * pin that would make time run backwards is dropped. Positions count words over `turns`.
 */
export function locateChapterHeadings(options: {
  turns: readonly ParsedTurn[];
  chapters: readonly Chapter[];
}): TimePoint[] {
  const starts = new Map<string, number>();
  for (const chapter of options.chapters) {
    const key = titleKey(chapter.title);
    if (chapter.start !== null && key && !starts.has(key)) starts.set(key, chapter.start);
  }
  const found: TimePoint[] = [];
  const used = new Set<string>();
  let position = 0;
  let previousHeading: string | undefined;
  for (const turn of options.turns) {
    const heading = turn.chapter;
    if (heading !== undefined && heading !== previousHeading) {
      const key = titleKey(heading);
      const seconds = starts.get(key);
      const last = found.at(-1);
      if (seconds !== undefined && !used.has(key) && (!last || (seconds > last.seconds && position > last.position))) {
        used.add(key);
        found.push({ position, seconds });
      }
    }
    previousHeading = heading;
    position += turn.text.match(/\S+/g)?.length ?? 0;
  }
  return found;
}

/**
 * Time points for an episode with no marks: the start, chapters pinned by headings, chapters
 * pinned where their titles are spoken (those that agree with the headings), and the end.
 */
function estimatedPoints(episode: ParsedEpisode, count: number): TimePoint[] {
  const durationSeconds = episode.durationSeconds ?? 0;
  const inside = (point: TimePoint) => point.seconds < durationSeconds && point.position < count;
  const headed = locateChapterHeadings({ turns: episode.turns, chapters: episode.chapters }).filter(inside);
  const headedKeys = new Set(
    episode.chapters
      .filter((chapter) => headed.some((point) => point.seconds === chapter.start))
      .map((chapter) => titleKey(chapter.title)),
  );
  const words = episode.turns.flatMap((turn) => turn.text.split(/\s+/).filter(Boolean));
  const spoken = locateChapters({
    words,
    chapters: episode.chapters.filter((chapter) => !headedKeys.has(titleKey(chapter.title))),
    durationSeconds,
  }).filter(
    // A heading is better evidence than a spoken title: keep only spoken pins in step with every heading.
    (point) =>
      inside(point) &&
      headed.every(
        (heading) =>
          (heading.position < point.position && heading.seconds < point.seconds) ||
          (heading.position > point.position && heading.seconds > point.seconds),
      ),
  );
  const pins = [...headed, ...spoken].sort((left, right) => left.position - right.position);
  // A heading on the first word with a later time means untranscribed audio (an intro) before it.
  const start = pins[0]?.position === 0 ? [] : [{ position: 0, seconds: 0 }];
  return [...start, ...pins, { position: count, seconds: durationSeconds }];
}

/** Resolves every word's time; see the module comment. Speakers are passed through unchanged. */
export function resolveTimestamps(episode: ParsedEpisode): ResolvedTurn[] {
  const wordOffsets = episode.turns.map((turn) => [...turn.text.matchAll(/\S+/g)].map((match) => match.index));
  const bases: number[] = [];
  let count = 0;
  for (const offsets of wordOffsets) {
    bases.push(count);
    count += offsets.length;
  }

  const points: TimePoint[] = [];
  episode.turns.forEach((turn, index) => {
    const offsets = wordOffsets[index]!;
    for (const mark of turn.marks) {
      const within = offsets.findIndex((offset) => offset >= mark.offset);
      const position = bases[index]! + (within === -1 ? offsets.length : within);
      const last = points.at(-1);
      // A mark earlier than one before it is a transcript slip: keep the times non-decreasing.
      if (last && mark.seconds < last.seconds) continue;
      if (last && last.position === position) last.seconds = Math.max(last.seconds, mark.seconds);
      else points.push({ position, seconds: mark.seconds });
    }
  });

  const hasMarks = points.length > 0;
  let estimatePoints = points;
  if (!hasMarks && episode.durationSeconds !== null && episode.durationSeconds > 0 && count > 0)
    estimatePoints = estimatedPoints(episode, count);
  const times = interpolateTimes({
    count,
    points: estimatePoints,
    durationSeconds: episode.durationSeconds,
    pointsAreExact: hasMarks,
  });

  const timedChapters = episode.chapters.filter(
    (chapter): chapter is { start: number; title: string } => chapter.start !== null,
  );
  return episode.turns.map((turn, index) => {
    const base = bases[index]!;
    const offsets = wordOffsets[index]!;
    const start = times[base]!;
    const end = times[base + offsets.length]!;
    const listed = timedChapters.filter((chapter) => chapter.start <= start.seconds + 0.5).at(-1);
    const resolved: ResolvedTurn = {
      speaker: turn.speaker,
      text: turn.text,
      chapter: turn.chapter ?? listed?.title ?? null,
      start: start.seconds,
      end: Math.max(start.seconds, end.seconds),
      approximate: start.approximate,
      words: offsets.map((offset, word) => ({ offset, ...times[base + word]! })),
    };
    if (turn.role !== undefined) resolved.role = turn.role;
    return resolved;
  });
}
