/**
 * Whether retrieved passages hold an answer, judged the way a reader would: some stretch of a few
 * sentences must be about what the question names (its names, or the episode they are in) and say
 * the thing it asks about (its other specific words), not merely share common words with it.
 * Unlike a retrieval score this is a share of the question's own words (weighted by rarity in the
 * corpus), so it means the same on any corpus and any embedder; it is the abstention signal.
 */
import type { Chunk } from '../domain.js';
import { splitWords, tokenize } from '../retrieval/tokenize.js';
import type { IndexTables } from '../tables/index-tables.js';
import { type Sentence, splitSentences } from '../util/split-sentences.js';
import { allowedEdits, boundedEditDistance, salientTerms } from './question-coverage.js';
import { questionType } from './question-type.js';
import { questionTerms, STATES_AMOUNT } from './score-sentences.js';

/**
 * Words that ask rather than name what is asked about ("what did X say about…", "according to…").
 * They are left out of the relation so a passage is not credited for saying "say".
 */
const ASKING_WORDS: ReadonlySet<string> = new Set(
  tokenize(
    'say says said saying think thinks thought mention mentions mentioned explain explains explained describe describes described according give gives gave talk talks talked tell tells told point points bring brings brought view opinion',
  ),
);

/** Sentences on either side of a sentence that count as its stretch. */
const WINDOW_RADIUS = 1;
/**
 * Credit for a relation word said elsewhere in the passage rather than in the stretch: speakers
 * circle a topic over several sentences, so the word that names it is often one or two away.
 */
const PASSAGE_CREDIT = 0.5;
/** Relation share a stretch that states an amount earns for a "how much / how many" question. */
const AMOUNT_CREDIT = 0.5;

export interface EvidenceSupport {
  /** Best stretch's support, 0..1: share of name weight found × share of relation weight found. */
  support: number;
  /** The chunk whose stretch scored best, if any. */
  chunk: Chunk | undefined;
}

/** One sentence's stretch (it and `WINDOW_RADIUS` sentences either side) and its support. */
export interface StretchSupport {
  chunk: Chunk;
  /** Position of the stretch's middle sentence in `splitSentences(chunk)`. */
  sentenceIndex: number;
  /** 0..1, as `EvidenceSupport.support`. */
  support: number;
  /** Share (0..1) of the question's name weight the stretch's context holds (1 when it names nothing). */
  nameShare: number;
  /** Share (0..1) of the relation weight (the question's other specific words) the stretch holds. */
  relationShare: number;
}

/** Shortest shared beginning for two words to count as forms of one word ("decide" / "decid"). */
const MIN_VARIANT_PREFIX = 5;
/** …and at least this share of the longer word ("creativ" of "creativity"). */
const MIN_VARIANT_SHARE = 0.7;

/**
 * Whether two index terms are forms of one word the light stemmer keeps apart ("decide" and
 * "decided" → "decid", "build" and "builder", "creative" and "creativity"): they begin alike for at
 * least five letters and 70% of the longer one. Terms with digits must match exactly.
 */
export function isTermVariant(left: string, right: string): boolean {
  if (left === right) return true;
  if (/\d/u.test(left) || /\d/u.test(right)) return false;
  let shared = 0;
  while (shared < left.length && shared < right.length && left[shared] === right[shared]) shared++;
  return shared >= MIN_VARIANT_PREFIX && shared >= MIN_VARIANT_SHARE * Math.max(left.length, right.length);
}

/**
 * The terms of `texts` plus, for each question term, the term itself when some term of `texts` is
 * a form of it (`isTermVariant`): so set lookups with the question's terms find those forms too.
 */
function termsWithVariants(words: readonly string[], questionTerms: readonly string[]): Set<string> {
  const terms = new Set(words);
  for (const term of questionTerms) {
    if (terms.has(term) || term.length < MIN_VARIANT_PREFIX) continue;
    const head = term.slice(0, MIN_VARIANT_PREFIX);
    if (words.some((word) => word.startsWith(head) && isTermVariant(term, word))) terms.add(term);
  }
  return terms;
}

/**
 * Share (0..1) of the weight of `terms` (index terms and their weights) that a text says, in any form
 * `isTermVariant` allows; 1 when there are none.
 */
export function weightSaid(text: string, terms: ReadonlyMap<string, number>): number {
  const said = termsWithVariants(tokenize(text), [...terms.keys()]);
  let total = 0;
  let found = 0;
  for (const [term, weight] of terms) {
    total += weight;
    if (said.has(term)) found += weight;
  }
  return total > 0 ? found / total : 1;
}

/**
 * The support of every stretch of the chunks (one per sentence), in chunk order then sentence order.
 * Names (`salientTerms`) count as found when the stretch, its chunk, or the chunk's episode title,
 * chapter or speakers say them; the other specific words only when the stretch itself says them
 * (half when only elsewhere in the chunk). Words match in any form `isTermVariant` allows.
 */
export function stretchSupports(options: { question: string; chunks: Chunk[]; index: IndexTables }): StretchSupport[] {
  // "How big is the prize pool of the Creator Cup?" is answered by "$30,000 Creator Cup": for an
  // amount, a stretch that states one beside the names says the relation without its words.
  const wantsAmount = questionType(options.question) === 'quantity';
  const weights = questionTerms(options.index, options.question);
  for (const word of ASKING_WORDS) if (weights.size > 1) weights.delete(word);
  const phrases = namePhrases(options.question);
  const nameTerms = new Set(phrases.flatMap((phrase) => phrase.terms));
  const questionTermList = [...weights.keys()];
  let nameWeight = 0;
  let relationWeight = 0;
  for (const [term, weight] of weights) {
    if (nameTerms.has(term)) nameWeight += weight;
    else relationWeight += weight;
  }
  const stretches: StretchSupport[] = [];
  if (weights.size === 0) return stretches;
  for (const chunk of options.chunks) {
    const context = `${chunk.text} ${chunk.episodeTitle} ${chunk.chapter ?? ''} ${chunk.speakers.join(' ')}`;
    const chunkTerms = termsWithVariants(tokenize(context), questionTermList);
    // A name of several words ("Apple Vision Pro") is found only as a whole, its words side by side.
    const contextWords = ` ${splitWords(context).join(' ')} `;
    const missingNames = new Set(
      phrases
        .filter((phrase) => phrase.words.length > 1 && !contextWords.includes(` ${phrase.words.join(' ')} `))
        .flatMap((phrase) => phrase.terms),
    );
    // A one-word name spelt a little differently ("Moonlaek", "Mistrals") is still the name.
    for (const phrase of phrases) {
      if (phrase.words.length !== 1 || phrase.terms.every((term) => chunkTerms.has(term))) continue;
      const word = phrase.words[0]!;
      const limit = allowedEdits(word.length);
      if (limit > 0 && splitWords(context).some((other) => boundedEditDistance(word, other, limit) <= limit)) {
        for (const term of phrase.terms) chunkTerms.add(term);
      }
    }
    const sentences = splitSentences(chunk);
    const sentenceTerms = sentences.map((sentence: Sentence) =>
      tokenize(`${chunk.text.slice(sentence.start, sentence.end)} ${sentence.speaker ?? ''}`),
    );
    for (let center = 0; center < sentences.length; center++) {
      const from = Math.max(0, center - WINDOW_RADIUS);
      const to = Math.min(sentences.length - 1, center + WINDOW_RADIUS);
      const window = termsWithVariants(sentenceTerms.slice(from, to + 1).flat(), questionTermList);
      let names = 0;
      let relation = 0;
      for (const [term, weight] of weights) {
        if (nameTerms.has(term)) {
          if ((window.has(term) || chunkTerms.has(term)) && !missingNames.has(term)) names += weight;
        } else if (window.has(term)) relation += weight;
        else if (chunkTerms.has(term)) relation += PASSAGE_CREDIT * weight;
      }
      let relationShare = relationWeight > 0 ? relation / relationWeight : 1;
      if (
        wantsAmount &&
        nameWeight > 0 &&
        sentences
          .slice(from, to + 1)
          .some((sentence) => STATES_AMOUNT.test(chunk.text.slice(sentence.start, sentence.end)))
      ) {
        relationShare = Math.max(relationShare, AMOUNT_CREDIT);
      }
      const nameShare = nameWeight > 0 ? names / nameWeight : 1;
      stretches.push({ chunk, sentenceIndex: center, support: nameShare * relationShare, nameShare, relationShare });
    }
  }
  return stretches;
}

/** The question's evidence support over the retrieved chunks: its best stretch (`stretchSupports`). */
export function evidenceSupport(options: { question: string; chunks: Chunk[]; index: IndexTables }): EvidenceSupport {
  let best: EvidenceSupport = { support: 0, chunk: undefined };
  for (const stretch of stretchSupports(options)) {
    if (stretch.support > best.support) best = { support: stretch.support, chunk: stretch.chunk };
  }
  return best;
}

/** A name in the question: neighbouring salient words ("Apple Vision Pro") make one. */
interface NamePhrase {
  /** Lower-cased words as written (`splitWords`). */
  words: string[];
  /** The same words as index terms (`tokenize`: stemmed, stopwords out). */
  terms: string[];
}

function namePhrases(question: string): NamePhrase[] {
  const phrases: NamePhrase[] = [];
  let previousEnd = -1;
  let closed = true;
  for (const term of salientTerms(question)) {
    const start = question.indexOf(term.surface, Math.max(0, previousEnd));
    const adjacent = previousEnd >= 0 && start >= 0 && /^\s+$/u.test(question.slice(previousEnd, start));
    // "Moonlake's Creator Cup" is two names: a possessive ends one.
    const possessive = /['’]s$/u.test(term.surface);
    const surface = term.surface.replace(/['’]s$/u, '');
    const words = splitWords(surface);
    const last = phrases.at(-1);
    if (adjacent && last && !closed) {
      last.words.push(...words);
      last.terms.push(...tokenize(surface));
    } else {
      phrases.push({ words, terms: tokenize(surface) });
    }
    closed = possessive;
    if (start >= 0) previousEnd = start + term.surface.length;
  }
  return phrases;
}
