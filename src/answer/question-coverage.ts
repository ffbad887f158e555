/**
 * Coverage evidence for abstention: a question that names something the corpus never says — a
 * product ("Runway"), a model ("Gen-4"), a benchmark ("miniF2F") — is almost always about something
 * the episodes do not cover, however well its other words match. Only salient names count (common
 * words are said somewhere in any long corpus), and lookups forgive small spelling and transcription
 * differences ("Lean Space" / "Latent Space", "Mistrals" / "Mistral") so a typo is not a refusal.
 */
import { STOPWORDS, splitWords, stem } from '../retrieval/tokenize.js';
import type { LoadedIndex } from '../store/loaded-index.js';
import type { IndexTables } from '../tables/index-tables.js';
import { embeddingText } from '../util/chunk-text.js';
import { IntPairSet } from '../util/int-pair-set.js';

/** Every word the index says, in the forms the coverage lookups need; built once per loaded index. */
export interface CorpusVocabulary {
  /** Lower-cased words (`splitWords`), with their stems. */
  words: ReadonlySet<string>;
  /**
   * Whether two neighbouring words of the corpus, written together, make `joined` ("gen 4" → "gen4"):
   * for compounds and split names.
   */
  hasPair(joined: string): boolean;
  /** How many different neighbouring word pairs the corpus has. */
  pairCount: number;
  /** Whether some corpus word is within `limit` edits (Levenshtein) of `word`. */
  hasNearWord(word: string, limit: number): boolean;
}

/** A name the question uses, as the user wrote it, with its lower-cased words. */
export interface SalientTerm {
  surface: string;
  words: string[];
}

/**
 * Adds texts one at a time; `finish` returns the vocabulary. Words get numeric ids, each distinct
 * word is stemmed once, and neighbouring pairs are pairs of ids in an `IntPairSet` (no joined
 * strings, no boxed keys): on Practical AI (2.1M words, 402k distinct pairs) the build takes ~0.7 s.
 */
function vocabularyBuilder(): { add(text: string): void; finish(): CorpusVocabulary } {
  const words = new Set<string>();
  const wordIds = new Map<string, number>();
  const pairs = new IntPairSet(1 << 16);
  return {
    add(text) {
      let previous = -1;
      for (const word of splitWords(text)) {
        let id = wordIds.get(word);
        if (id === undefined) {
          id = wordIds.size;
          wordIds.set(word, id);
          words.add(word);
          words.add(stem(word));
        }
        if (previous >= 0) pairs.add(previous, id);
        previous = id;
      }
    },
    finish() {
      const byLength = new Map<number, { words: string[]; masks: number[] }>();
      for (const word of words) {
        let group = byLength.get(word.length);
        if (!group) {
          group = { words: [], masks: [] };
          byLength.set(word.length, group);
        }
        group.words.push(word);
        group.masks.push(characterMask(word));
      }
      const hasNearWord = (word: string, limit: number) => {
        const mask = characterMask(word);
        for (let length = word.length - limit; length <= word.length + limit; length++) {
          const group = byLength.get(length);
          if (!group) continue;
          for (let position = 0; position < group.words.length; position++) {
            // Each character of one word missing from the other costs at least one edit: most words
            // are ruled out by two bit counts before any edit distance is computed.
            const candidateMask = group.masks[position]!;
            if (bitCount(mask & ~candidateMask) > limit || bitCount(candidateMask & ~mask) > limit) continue;
            if (boundedEditDistance(word, group.words[position]!, limit) <= limit) return true;
          }
        }
        return false;
      };
      const hasPair = (joined: string) => {
        for (let split = 1; split < joined.length; split++) {
          const first = wordIds.get(joined.slice(0, split));
          if (first === undefined) continue;
          const second = wordIds.get(joined.slice(split));
          if (second !== undefined && pairs.has(first, second)) return true;
        }
        return false;
      };
      return { words, hasPair, pairCount: pairs.size, hasNearWord };
    },
  };
}

/**
 * The characters of a word as 32 bits (character code mod 32, so some share a bit). A character of
 * one word that the other lacks sets a bit in `a & ~b` unless it shares that bit, so the bits there
 * never outnumber the edits needed.
 */
function characterMask(word: string): number {
  let mask = 0;
  for (let position = 0; position < word.length; position++) mask |= 1 << (word.charCodeAt(position) & 31);
  return mask;
}

function bitCount(bits: number): number {
  let value = bits - ((bits >>> 1) & 0x55555555);
  value = (value & 0x33333333) + ((value >>> 2) & 0x33333333);
  return (((value + (value >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Builds the vocabulary of word lists (tests and callers without a loaded index). */
export function buildCorpusVocabulary(texts: Iterable<string>): CorpusVocabulary {
  const builder = vocabularyBuilder();
  for (const text of texts) builder.add(text);
  return builder.finish();
}

/** Every text of an index the vocabulary covers: chunk texts, titles, chapters and speakers. */
function* indexTexts(index: LoadedIndex): Generator<string> {
  for (const chunk of index.chunks) {
    yield embeddingText(chunk);
    yield `${chunk.episodeTitle}. ${chunk.chapter ?? ''}. ${chunk.speakers.join('. ')}`;
  }
  for (const episode of index.manifest.episodes) yield episode.title;
}

/** An index's vocabulary, built once: on first use, or ahead of it in slices (`prepare`). */
export interface VocabularyTable {
  /**
   * The vocabulary of the index: chunk texts, titles, chapters and speakers. A question that arrives
   * while `prepare` is under way finishes that build rather than starting another.
   */
  get(): CorpusVocabulary;
  /**
   * Builds it ahead of the first question in slices of about `sliceMs`, yielding to the event loop
   * between them: on the Practical AI index the whole build is several seconds of CPU that would
   * otherwise stall every request.
   */
  prepare(sliceMs?: number): Promise<void>;
}

/** The vocabulary table of one loaded index; nothing is built until asked. */
export function createVocabularyTable(index: LoadedIndex): VocabularyTable {
  let built: CorpusVocabulary | undefined;
  let pending: { texts: Iterator<string>; builder: ReturnType<typeof vocabularyBuilder> } | undefined;
  /** Adds texts until none is left or `stopAt` (a `performance.now()` time) passes; true when done. */
  const advance = (stopAt = Number.POSITIVE_INFINITY): boolean => {
    pending ??= { texts: indexTexts(index), builder: vocabularyBuilder() };
    for (let next = pending.texts.next(); !next.done; next = pending.texts.next()) {
      pending.builder.add(next.value);
      if (performance.now() >= stopAt) return false;
    }
    built = pending.builder.finish();
    pending = undefined;
    return true;
  };
  return {
    get() {
      if (!built) advance();
      return built as CorpusVocabulary;
    },
    async prepare(sliceMs = 15) {
      while (!built) {
        if (advance(performance.now() + sliceMs)) return;
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
  };
}

/** A word-like token with inner hyphens or dots ("Gen-4", "2.0", "U.S"). */
const TOKEN_PATTERN = /[\p{L}\p{N}]+(?:[-.][\p{L}\p{N}]+)*/gu;

/**
 * Names in a question: tokens mixing letters and digits ("Gen-4", "miniF2F"), with a capital after
 * the first letter ("OpenAI", "TTS"), or capitalised anywhere but the start of a sentence
 * ("…did Runway's founders…"). Sentence-initial words are left out because every question capitalises
 * its first word; stopwords and "I" are never names.
 */
export function salientTerms(question: string): SalientTerm[] {
  const terms: SalientTerm[] = [];
  for (const match of question.matchAll(TOKEN_PATTERN)) {
    const surface = match[0];
    const offset = match.index ?? 0;
    const sentenceStart = offset === 0 || /[.!?:;"“(]\s*$/u.test(question.slice(0, offset));
    const mixesDigits = /\p{L}/u.test(surface) && /\p{N}/u.test(surface);
    const innerCapital = /^.+\p{Lu}/u.test(surface) && /\p{Ll}/u.test(surface);
    const allCapitals = surface.length >= 2 && /^[\p{Lu}\p{N}.-]+$/u.test(surface) && /\p{Lu}/u.test(surface);
    const capitalised = /^\p{Lu}/u.test(surface) && !sentenceStart;
    if (!(mixesDigits || innerCapital || allCapitals || capitalised)) continue;
    const words = splitWords(surface);
    if (words.length === 0 || words.every((word) => STOPWORDS.has(word) || word === 'i')) continue;
    terms.push({ surface, words });
  }
  return terms;
}

/** Most edits (Levenshtein) allowed between a question word and a corpus word of this length. */
export function allowedEdits(length: number): number {
  if (length >= 8) return 2;
  if (length >= 5) return 1;
  return 0;
}

/** Two reusable rows for `boundedEditDistance`, grown when a longer word comes along. */
let editRows = { previous: new Int32Array(64), current: new Int32Array(64) };

/** Levenshtein distance, giving up (returning `limit + 1`) once it must exceed `limit`. */
export function boundedEditDistance(left: string, right: string, limit: number): number {
  if (Math.abs(left.length - right.length) > limit) return limit + 1;
  if (editRows.previous.length <= right.length) {
    const size = 2 * (right.length + 1);
    editRows = { previous: new Int32Array(size), current: new Int32Array(size) };
  }
  let { previous, current } = editRows;
  for (let column = 0; column <= right.length; column++) previous[column] = column;
  for (let row = 1; row <= left.length; row++) {
    current[0] = row;
    let rowBest = row;
    const character = left.charCodeAt(row - 1);
    for (let column = 1; column <= right.length; column++) {
      const substitution = previous[column - 1]! + (character === right.charCodeAt(column - 1) ? 0 : 1);
      const value = Math.min(substitution, previous[column]! + 1, current[column - 1]! + 1);
      current[column] = value;
      if (value < rowBest) rowBest = value;
    }
    if (rowBest > limit) return limit + 1;
    [previous, current] = [current, previous];
  }
  return Math.min(previous[right.length]!, limit + 1);
}

/** The word, its stem, and its singular when it is a plural the stemmer leaves alone ("GPUs", "LLMs"). */
function wordForms(word: string): string[] {
  return [word, stem(word), word.replace(/s$/u, '')];
}

/** Whether the corpus says this word: as written, stemmed or singular, or (`fuzzy`) within a few edits. */
function hasWord(vocabulary: CorpusVocabulary, word: string, fuzzy = true): boolean {
  if (wordForms(word).some((form) => form.length > 0 && vocabulary.words.has(form))) return true;
  const limit = fuzzy ? allowedEdits(word.length) : 0;
  return limit > 0 && vocabulary.hasNearWord(word, limit);
}

/**
 * Whether the corpus mentions a salient term: as one word (fuzzily) or two neighbouring words
 * written together ("miniF2F" / "mini F2F"); a compound ("Gen-4") also as its words side by side.
 */
export function corpusMentions(vocabulary: CorpusVocabulary, term: SalientTerm): boolean {
  if (term.words.length === 0) return true;
  const joined = term.words.join('');
  if (vocabulary.hasPair(joined) || hasWord(vocabulary, joined)) return true;
  if (term.words.length === 1) return false;
  return term.words.slice(1).every((word, position) => {
    const before = term.words[position] ?? '';
    return vocabulary.hasPair(`${before}${word}`);
  });
}

/**
 * The question's content words (no stopwords) that the index never says, even approximately —
 * "sourdough" and "bread" in "What is the recipe for sourdough bread?". Lower-cased, deduplicated.
 */
export function unseenWords(options: { question: string; index: IndexTables }): { unseen: string[]; total: number } {
  const vocabulary = options.index.vocabulary();
  const words = [...new Set(splitWords(options.question))].filter((word) => !STOPWORDS.has(word));
  return { unseen: words.filter((word) => !hasWord(vocabulary, word, false)), total: words.length };
}

/** The question's salient terms that the index never mentions, as the user wrote them, deduplicated. */
export function unmentionedTerms(options: { question: string; index: IndexTables }): string[] {
  const vocabulary = options.index.vocabulary();
  const missing: string[] = [];
  for (const term of salientTerms(options.question)) {
    if (corpusMentions(vocabulary, term)) continue;
    const surface = term.surface.replace(/['’]s$/u, '');
    if (!missing.some((known) => known.toLowerCase() === surface.toLowerCase())) missing.push(surface);
  }
  return missing;
}
