/**
 * Turns → chunks sized for Universal Sentence Encoder lite (it reads ~128 tokens ≈ 85 words):
 * one chunk per speaker turn, long turns split at sentence boundaries, runs of short turns grouped
 * with their neighbours (within one chapter when possible). Show notes and the chapter list become
 * `shownotes` chunks.
 */
import { type Chapter, type Chunk, type ChunkKind, chunkIdOf, type TimeAnchor } from '../src/domain.js';
import { classifyChunkText } from '../src/util/classify-chunk.js';
import { sentenceSpans } from '../src/util/split-sentences.js';
import { formatTimestamp } from '../src/util/time-label.js';
import type { ResolvedTurn, WordTime } from './resolve-timestamps.js';

/** Most words in a chunk. */
export const MAX_CHUNK_WORDS = 80;
/** A turn shorter than this is grouped with its neighbours. */
export const SHORT_TURN_WORDS = 25;
/** A chunk shorter than this may join a neighbour across a chapter boundary rather than stand alone. */
const TINY_CHUNK_WORDS = 8;
/** How far a scrap ("Yeah.") may push its neighbour past `MAX_CHUNK_WORDS`; the encoder drops at most that tail. */
const SCRAP_OVERFLOW_WORDS = 5;

export interface ChunkTurnsOptions {
  episodeId: string;
  episodeTitle: string;
  turns: readonly ResolvedTurn[];
  /** Ordinal of the first chunk (default 0), so transcript chunks can follow show-notes chunks. */
  firstOrdinal?: number | undefined;
}

/** A stretch of one turn: the whole turn, or one piece of a long turn. */
interface Unit {
  turnIndex: number;
  turn: ResolvedTurn;
  /** Character span in the turn's text. */
  start: number;
  end: number;
  words: number;
}

function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/**
 * Packs consecutive spans (sentences) into pieces of at most `maxWords`, balanced so that the last
 * piece is not a scrap; a single span longer than `maxWords` is cut at word boundaries.
 */
export function packSpans(
  spans: readonly { start: number; end: number; words: number }[],
  maxWords: number = MAX_CHUNK_WORDS,
  text?: string,
): { start: number; end: number; words: number }[] {
  const pieces: { start: number; end: number; words: number }[] = [];
  const flat: { start: number; end: number; words: number }[] = [];
  for (const span of spans) {
    if (span.words <= maxWords || text === undefined) {
      flat.push(span);
      continue;
    }
    // One over-long sentence: equal runs of words.
    const words = [...text.slice(span.start, span.end).matchAll(/\S+/g)];
    const parts = Math.ceil(words.length / maxWords);
    const size = Math.ceil(words.length / parts);
    for (let index = 0; index < words.length; index += size) {
      const slice = words.slice(index, index + size);
      const first = slice[0]!;
      const last = slice.at(-1)!;
      flat.push({
        start: span.start + first.index,
        end: span.start + last.index + last[0].length,
        words: slice.length,
      });
    }
  }
  const total = flat.reduce((sum, span) => sum + span.words, 0);
  const target = total / Math.max(1, Math.ceil(total / maxWords));
  let current: { start: number; end: number; words: number } | undefined;
  for (const span of flat) {
    if (current && (current.words + span.words > maxWords || current.words + span.words / 2 > target)) {
      pieces.push(current);
      current = undefined;
    }
    current = current ? { start: current.start, end: span.end, words: current.words + span.words } : { ...span };
  }
  if (current) pieces.push(current);
  return pieces;
}

function unitsOf(turn: ResolvedTurn, turnIndex: number): Unit[] {
  const total = turn.words.length;
  if (total <= MAX_CHUNK_WORDS) return [{ turnIndex, turn, start: 0, end: turn.text.length, words: total }];
  const sentences = sentenceSpans(turn.text).map((sentence) => ({
    start: sentence.start,
    end: sentence.end,
    words: countWords(sentence.text),
  }));
  return packSpans(sentences, MAX_CHUNK_WORDS, turn.text).map((piece) => ({ turnIndex, turn, ...piece }));
}

function groupUnits(units: readonly Unit[]): Unit[][] {
  const groups: Unit[][] = [];
  // Counts the `Name: ` prefix a grouped turn may get, so grouped chunks stay within budget too.
  const wordsOf = (group: readonly Unit[]) =>
    group.reduce((sum, unit) => sum + unit.words, 0) +
    (group.length > 1 ? group.reduce((sum, unit) => sum + countWords(unit.turn.speaker ?? ''), 0) : 0);
  for (const unit of units) {
    const group = groups.at(-1);
    const last = group?.at(-1);
    const fits =
      group !== undefined &&
      last !== undefined &&
      last.turn.chapter === unit.turn.chapter &&
      wordsOf([...group, unit]) <= MAX_CHUNK_WORDS &&
      (last.words < SHORT_TURN_WORDS || unit.words < SHORT_TURN_WORDS);
    if (fits) group.push(unit);
    else groups.push([unit]);
  }
  // A scrap alone in its chapter ("swyx: There,") joins a neighbour rather than stand alone.
  for (let index = 0; index < groups.length; index += 1) {
    const group = groups[index]!;
    if (wordsOf(group) >= TINY_CHUNK_WORDS) continue;
    const before = groups[index - 1];
    const after = groups[index + 1];
    const limit = MAX_CHUNK_WORDS + SCRAP_OVERFLOW_WORDS;
    if (before && wordsOf([...before, ...group]) <= limit) {
      before.push(...group);
      groups.splice(index, 1);
      index -= 1;
    } else if (after && wordsOf([...group, ...after]) <= limit) {
      after.unshift(...group);
      groups.splice(index, 1);
      index -= 1;
    }
  }
  return groups;
}

/** Index of the first of `words` (sorted by offset) at or after `offset`; `words.length` when none is. */
function firstWordFrom(words: readonly WordTime[], offset: number): number {
  let low = 0;
  let high = words.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (words[middle]!.offset < offset) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The unit's own words. Found by binary search, so a turn cut into n units costs n·log(words)
 * rather than n·words: an unlabelled hour-long transcript is one turn of ~10,000 words.
 */
function unitWords(unit: Unit): readonly WordTime[] {
  const { words } = unit.turn;
  return words.slice(firstWordFrom(words, unit.start), firstWordFrom(words, unit.end));
}

/** The time just after a unit's last word: the next word's time, or the turn's end. */
function unitEnd(unit: Unit): number {
  const { words } = unit.turn;
  return words[firstWordFrom(words, unit.end)]?.seconds ?? unit.turn.end;
}

function buildChunk(options: {
  episodeId: string;
  episodeTitle: string;
  ordinal: number;
  group: readonly Unit[];
}): Chunk {
  const { group } = options;
  const wordsBySpeaker = new Map<string, number>();
  for (const unit of group)
    if (unit.turn.speaker !== null)
      wordsBySpeaker.set(unit.turn.speaker, (wordsBySpeaker.get(unit.turn.speaker) ?? 0) + unit.words);
  const speakers = [...wordsBySpeaker.keys()];
  const speaker = speakers.reduce<string | null>(
    (best, name) => (best === null || wordsBySpeaker.get(name)! > wordsBySpeaker.get(best)! ? name : best),
    null,
  );
  const distinct = new Set(group.map((unit) => unit.turn.speaker));
  const prefixed = distinct.size > 1;

  let text = '';
  const anchors: TimeAnchor[] = [];
  const addAnchor = (offset: number, time: WordTime) => {
    if (anchors.some((anchor) => anchor.offset === offset)) return;
    anchors.push({ offset, seconds: time.seconds, approximate: time.approximate });
  };
  group.forEach((unit, index) => {
    const previous = group[index - 1];
    const sameTurn = previous !== undefined && previous.turnIndex === unit.turnIndex;
    const lineStart = text.length === 0 ? 0 : text.length + 1;
    const prefix = prefixed && !sameTurn && unit.turn.speaker !== null ? `${unit.turn.speaker}: ` : '';
    const body = unit.turn.text.slice(unit.start, unit.end);
    text = text.length === 0 ? `${prefix}${body}` : `${text}${sameTurn ? ' ' : '\n'}${prefix}${body}`;
    const bodyStart = lineStart + prefix.length;
    const words = unitWords(unit);
    const wordAt = new Map(words.map((word) => [word.offset, word]));
    const first = words[0];
    if (first) addAnchor(lineStart, first);
    for (const sentence of sentenceSpans(body)) {
      const word = wordAt.get(unit.start + sentence.start);
      if (word) addAnchor(bodyStart + sentence.start, word);
    }
    for (const word of words) if (!word.approximate) addAnchor(bodyStart + word.offset - unit.start, word);
  });
  anchors.sort((a, b) => a.offset - b.offset);
  const firstAnchor = anchors[0];
  const lastUnit = group.at(-1)!;
  return {
    chunkId: chunkIdOf(options.episodeId, options.ordinal),
    episodeId: options.episodeId,
    episodeTitle: options.episodeTitle,
    kind: 'transcript',
    speaker,
    speakers,
    text,
    start: firstAnchor?.seconds ?? group[0]!.turn.start,
    end: Math.max(firstAnchor?.seconds ?? 0, unitEnd(lastUnit)),
    approximate: firstAnchor?.approximate ?? true,
    chapter: group[0]!.turn.chapter,
    ordinal: options.ordinal,
    anchors,
  };
}

/** Chunks an episode's resolved turns; ordinals start at `firstOrdinal`. */
export function chunkTurns(options: ChunkTurnsOptions): Chunk[] {
  const units = options.turns.flatMap((turn, index) => (turn.words.length > 0 ? unitsOf(turn, index) : []));
  const firstOrdinal = options.firstOrdinal ?? 0;
  return groupUnits(units).map((group, index) =>
    buildChunk({
      episodeId: options.episodeId,
      episodeTitle: options.episodeTitle,
      ordinal: firstOrdinal + index,
      group,
    }),
  );
}

function showNotesChunk(options: {
  kind: ChunkKind;
  episodeId: string;
  episodeTitle: string;
  ordinal: number;
  text: string;
  start: number | null;
  end: number | null;
  approximate: boolean;
  anchors: TimeAnchor[];
}): Chunk {
  return {
    chunkId: chunkIdOf(options.episodeId, options.ordinal),
    episodeId: options.episodeId,
    episodeTitle: options.episodeTitle,
    kind: options.kind,
    speaker: null,
    speakers: [],
    text: options.text,
    start: options.start,
    end: options.end,
    approximate: options.approximate,
    chapter: null,
    ordinal: options.ordinal,
    anchors: options.anchors,
  };
}

/**
 * Show notes as chunks: paragraphs (one per line) grouped up to `MAX_CHUNK_WORDS`, a longer
 * paragraph split at sentences. Then the chapter list, one `mm:ss Title` line per chapter, with an
 * exact anchor on each line so an answer can cite `17:56 Enterprise Deployment and Privacy`.
 */
export function chunkShowNotes(options: {
  episodeId: string;
  episodeTitle: string;
  showNotes: string | null;
  chapters: readonly Chapter[];
  firstOrdinal?: number | undefined;
}): Chunk[] {
  const chunks: Chunk[] = [];
  let ordinal = options.firstOrdinal ?? 0;
  const base = { episodeId: options.episodeId, episodeTitle: options.episodeTitle };

  const paragraphs = (options.showNotes ?? '')
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
  const pieces = paragraphs.flatMap((paragraph) => {
    const words = countWords(paragraph);
    if (words <= MAX_CHUNK_WORDS) return [{ text: paragraph, words }];
    const sentences = sentenceSpans(paragraph).map((sentence) => ({ ...sentence, words: countWords(sentence.text) }));
    return packSpans(sentences, MAX_CHUNK_WORDS, paragraph).map((piece) => ({
      text: paragraph.slice(piece.start, piece.end),
      words: piece.words,
    }));
  });
  // Each paragraph is classified on its own, and only paragraphs of one kind share a chunk, so a
  // list of links or a timestamp table in the notes never rides along with the prose before it.
  let current: { text: string; words: number; kind: ChunkKind } | undefined;
  const flushNotes = () => {
    if (!current) return;
    chunks.push(
      showNotesChunk({
        ...base,
        kind: current.kind,
        ordinal,
        text: current.text,
        start: null,
        end: null,
        approximate: true,
        anchors: [],
      }),
    );
    ordinal += 1;
    current = undefined;
  };
  for (const piece of pieces) {
    const kind = classifyChunkText({ text: piece.text, source: 'shownotes' });
    if (current && (current.words + piece.words > MAX_CHUNK_WORDS || current.kind !== kind)) flushNotes();
    current = current
      ? { text: `${current.text}\n${piece.text}`, words: current.words + piece.words, kind }
      : { ...piece, kind };
  }
  flushNotes();

  const lines = options.chapters
    .filter((chapter): chapter is { start: number; title: string } => chapter.start !== null)
    .map((chapter) => ({ line: `${formatTimestamp(chapter.start)} ${chapter.title}`, seconds: chapter.start }));
  let block: typeof lines = [];
  const flushChapters = () => {
    if (block.length === 0) return;
    let text = '';
    const anchors: TimeAnchor[] = [];
    for (const entry of block) {
      const offset = text.length === 0 ? 0 : text.length + 1;
      anchors.push({ offset, seconds: entry.seconds, approximate: false });
      text = text.length === 0 ? entry.line : `${text}\n${entry.line}`;
    }
    chunks.push(
      showNotesChunk({
        ...base,
        kind: 'chapters',
        ordinal,
        text,
        start: block[0]!.seconds,
        end: block.at(-1)!.seconds,
        approximate: false,
        anchors,
      }),
    );
    ordinal += 1;
    block = [];
  };
  let blockWords = 0;
  for (const entry of lines) {
    const words = countWords(entry.line);
    if (block.length > 0 && blockWords + words > MAX_CHUNK_WORDS) {
      flushChapters();
      blockWords = 0;
    }
    block.push(entry);
    blockWords += words;
  }
  flushChapters();
  return chunks;
}
