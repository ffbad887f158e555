/**
 * Sentence scoring for answers: how much of a question's meaning (its terms, weighted by rarity
 * over the whole index) a sentence carries, nudged by how well retrieval ranked its chunk.
 * The same `coverage` number is the abstention signal, so it must be comparable across questions.
 */
import type { Chunk, SearchHit } from '../domain.js';
import { stem, tokenize } from '../retrieval/tokenize.js';
import type { IndexTables } from '../tables/index-tables.js';
import { embeddingText } from '../util/chunk-text.js';
import { type Sentence, splitSentences } from '../util/split-sentences.js';

export interface ScoredSentence {
  chunk: Chunk;
  sentence: Sentence;
  /** 0-based rank of the chunk in the retrieval results. */
  hitRank: number;
  /**
   * Share (0..1) of the question's IDF weight found in the sentence; terms found only elsewhere in the
   * chunk or in its speaker/title count partly. Comparable across questions.
   */
  coverage: number;
  /** Ranking score: coverage plus a small retrieval-rank prior and a penalty for fragments. */
  score: number;
}

/** Question words that say what kind of answer is wanted rather than what it is about. */
const META_WORDS: ReadonlySet<string> = new Set(
  ['episode', 'podcast', 'show', 'timestamp', 'time', 'minute', 'point', 'start', 'begin', 'talk', 'discuss'].map(stem),
);

/** Weight of a question term found in the chunk (or its speaker/title) but not in the sentence. */
const CONTEXT_WEIGHT = 0.35;
/** How much the retrieval rank can add to a sentence's score (top hit gets all of it). */
const RANK_PRIOR = 0.3;
/** Sentences shorter than this many words are scaled down: fragments rarely answer anything. */
const MIN_USEFUL_WORDS = 6;
/** A question in the transcript (usually the host's) rarely answers the user's question. */
const QUESTION_SENTENCE_FACTOR = 0.75;
/** For a question asking for an amount, a sentence stating one ranks this much higher. */
const QUANTITY_FACTOR = 1.25;

/** "How much…", "how many…", "how long…", "what score…", "what does it cost…": the answer is an amount. */
export function asksForQuantity(question: string): boolean {
  return /\bhow (?:much|many|long|big|large|fast|often|old|far)\b|\bwhat (?:score|price|percentage|share|number|amount|size)\b|\b(?:cost|costs|price|prize|award|budget)\b/iu.test(
    question,
  );
}

/**
 * Numbers said in words ("twenty", "a couple of", "half a billion", "twice"), except "one": speech
 * says "one of the…" constantly. Neither "a few" nor "several" says how many.
 */
const NUMBER_WORDS =
  'two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|trillions?|dozens?|percent|half|couple|double|twice|triple';

/**
 * Digits or an amount in words ("25", "$10,000", "ten minutes", "one hour"), for ranking: a
 * sentence with "one" may state an amount.
 */
export const STATES_AMOUNT = new RegExp(`\\p{N}|\\b(?:one|${NUMBER_WORDS})\\b`, 'iu');

/**
 * Digits or a number in words without "one" (`NUMBER_WORDS`), for deciding that a quote states a
 * count: "one of the things we learned" does not.
 */
export const STATES_COUNT = new RegExp(`\\p{N}|\\b(?:${NUMBER_WORDS})\\b`, 'iu');

/**
 * BM25-style inverse document frequency over the index's chunks; a term the index never saw gets
 * the largest weight. Reads the document frequencies of the retriever's own BM25 index (built once
 * per loaded index and shared), so the corpus is tokenized once.
 */
export function inverseDocumentFrequency(index: IndexTables, term: string): number {
  const { bm25 } = index.lexical;
  const frequency = bm25.documentFrequency(term);
  return Math.log(1 + (bm25.documentCount - frequency + 0.5) / (frequency + 0.5));
}

/**
 * The question's distinct terms with their IDF weights. Meta words ("timestamp", "episode") are
 * dropped when anything else is left, so "when does X start" is about X.
 */
export function questionTerms(index: IndexTables, question: string): Map<string, number> {
  const all = [...new Set(tokenize(question))];
  const topical = all.filter((term) => !META_WORDS.has(term));
  const chosen = topical.length > 0 ? topical : all;
  return new Map(chosen.map((term) => [term, inverseDocumentFrequency(index, term)]));
}

/**
 * Scores every sentence of the retrieved chunks against the question, best first.
 * Chunks that are not hits can be added through `extraChunks` (e.g. the chunk before a hit, to find
 * where a topic starts); they get the rank prior of the last hit.
 */
export function scoreSentences(options: {
  question: string;
  hits: SearchHit[];
  index: IndexTables;
  extraChunks?: Chunk[] | undefined;
}): ScoredSentence[] {
  const terms = questionTerms(options.index, options.question);
  const totalWeight = [...terms.values()].reduce((sum, weight) => sum + weight, 0);
  // "When does Vibhu ask how…" is answered by a question; otherwise questions in the transcript rank lower.
  const asksAboutAsking = /\b(?:ask|asks|asked|asking|question)\b/i.test(options.question);
  const wantsQuantity = asksForQuantity(options.question);
  const chunks = [
    ...options.hits.map((hit, rank) => ({ chunk: hit.chunk, rank })),
    ...(options.extraChunks ?? []).map((chunk) => ({ chunk, rank: Math.max(0, options.hits.length - 1) })),
  ];
  const scored: ScoredSentence[] = [];
  for (const { chunk, rank } of chunks) {
    const chunkTerms = new Set(tokenize(embeddingText(chunk)));
    for (const term of tokenize(`${chunk.episodeTitle} ${chunk.chapter ?? ''} ${chunk.speakers.join(' ')}`)) {
      chunkTerms.add(term);
    }
    for (const sentence of splitSentences(chunk)) {
      const sentenceText = chunk.text.slice(sentence.start, sentence.end);
      const words = tokenize(sentenceText);
      const sentenceTerms = new Set(words);
      for (const term of tokenize(sentence.speaker ?? '')) sentenceTerms.add(term);
      let matched = 0;
      for (const [term, weight] of terms) {
        if (sentenceTerms.has(term)) matched += weight;
        else if (chunkTerms.has(term)) matched += CONTEXT_WEIGHT * weight;
      }
      const coverage = totalWeight > 0 ? matched / totalWeight : 0;
      const rankPrior = RANK_PRIOR * (1 - rank / Math.max(1, chunks.length));
      const wordCount = sentenceText.split(/\s+/u).length;
      const lengthFactor = Math.min(1, wordCount / MIN_USEFUL_WORDS);
      const asksFactor = !asksAboutAsking && /\?["'”’)]*$/u.test(sentenceText) ? QUESTION_SENTENCE_FACTOR : 1;
      const quantityFactor = wantsQuantity && STATES_AMOUNT.test(sentenceText) ? QUANTITY_FACTOR : 1;
      scored.push({
        chunk,
        sentence,
        hitRank: rank,
        coverage,
        score: (coverage + rankPrior) * lengthFactor * asksFactor * quantityFactor,
      });
    }
  }
  return scored.sort((a, b) => b.score - a.score);
}
