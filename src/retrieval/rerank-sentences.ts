import type { Chunk, SearchHit } from '../domain.js';
import { splitSentences } from '../util/split-sentences.js';
import { tokenize } from './tokenize.js';

/** One candidate supporting sentence inside a retrieved chunk. */
export interface RankedSentence {
  chunk: Chunk;
  /** Character offset of the sentence in `chunk.text` (pass to `timeAtOffset` for its time). */
  offset: number;
  /** The sentence, verbatim from `chunk.text` (so `chunk.text.slice(offset, offset + text.length) === text`). */
  text: string;
  /** Who says it: the `Name: ` prefix in force in a grouped chunk, else the chunk's speaker. */
  speaker: string | null;
  /** Higher is better; comparable within one call. */
  score: number;
  /** Rank of the chunk in the hits (0-based). */
  hitRank: number;
}

export interface RankSentencesOptions {
  /**
   * IDF of a (tokenized) term over the whole index, e.g. `retriever.lexicalIndex.bm25.inverseDocumentFrequency`
   * bound to its index. Default: IDF over the sentences of the hits themselves.
   */
  inverseDocumentFrequency?: ((term: string) => number) | undefined;
  /** Weight of the chunk's retrieval score (relative to the best hit) against the sentence's own match. Default 0.3. */
  hitWeight?: number | undefined;
  /** Sentences shorter than this many words are skipped ("Yeah.", "Right."). Default 4. */
  minimumWords?: number | undefined;
  /** How many sentences to return. Default 10. */
  limit?: number | undefined;
}

/**
 * Ranks the sentences of retrieved chunks by how well each answers the question: the IDF-weighted
 * share of question terms it contains, a bonus for question word pairs it keeps adjacent, and
 * the retrieval score of its chunk. Best first; for "when" questions sentences of chunks with no
 * known time come last. The answerer cites the top sentence, timing it with `timeAtOffset(chunk, offset)`.
 */
export function rankSentences(
  question: string,
  hits: readonly SearchHit[],
  options: RankSentencesOptions = {},
): RankedSentence[] {
  const questionTerms = [...new Set(tokenize(question))];
  const questionPairs = new Set(pairs(tokenize(question)));
  const minimumWords = options.minimumWords ?? 4;
  const hitWeight = options.hitWeight ?? 0.3;
  const candidates = hits.flatMap((hit, hitRank) =>
    splitSentences(hit.chunk).map((sentence) => {
      const text = hit.chunk.text.slice(sentence.start, sentence.end);
      return { offset: sentence.start, text, speaker: sentence.speaker, hit, hitRank, terms: tokenize(text) };
    }),
  );
  const idf = options.inverseDocumentFrequency ?? localInverseDocumentFrequency(candidates.map((c) => c.terms));
  const weightTotal = questionTerms.reduce((sum, term) => sum + idf(term), 0);
  const bestHitScore = Math.max(0, ...hits.map((hit) => hit.score));

  const ranked: RankedSentence[] = [];
  for (const candidate of candidates) {
    if (candidate.text.split(/\s+/u).length < minimumWords) continue;
    const present = new Set(candidate.terms);
    let matched = 0;
    for (const term of questionTerms) if (present.has(term)) matched += idf(term);
    const coverage = weightTotal > 0 ? matched / weightTotal : 0;
    const sentencePairs = new Set(pairs(candidate.terms));
    let pairMatches = 0;
    for (const pair of questionPairs) if (sentencePairs.has(pair)) pairMatches += 1;
    const phrase = questionPairs.size > 0 ? pairMatches / questionPairs.size : 0;
    const retrieval = bestHitScore > 0 ? Math.max(0, candidate.hit.score) / bestHitScore : 0;
    ranked.push({
      chunk: candidate.hit.chunk,
      offset: candidate.offset,
      text: candidate.text,
      speaker: candidate.speaker,
      score: coverage + 0.25 * phrase + hitWeight * retrieval,
      hitRank: candidate.hitRank,
    });
  }
  // "When does…" needs a time to answer with: untimed sentences (show notes of an untimed episode) go last.
  const wantsTime = WHEN_QUESTION.test(question);
  const untimed = (sentence: RankedSentence) => (wantsTime && sentence.chunk.start === null ? 1 : 0);
  ranked.sort(
    (left, right) =>
      untimed(left) - untimed(right) ||
      right.score - left.score ||
      left.hitRank - right.hitRank ||
      left.offset - right.offset,
  );
  return ranked.slice(0, options.limit ?? 10);
}

/** "When does…", "At what time/timestamp…", "What time…", "How far into…". */
const WHEN_QUESTION =
  /^\s*(?:when\b|at what (?:time|point|timestamp|minute|moment)\b|what time\b|at which (?:time|point|timestamp)\b|how far into\b)|\btimestamp\b/iu;

function pairs(terms: readonly string[]): string[] {
  const result: string[] = [];
  for (let index = 1; index < terms.length; index++) result.push(`${terms[index - 1]} ${terms[index]}`);
  return result;
}

function localInverseDocumentFrequency(documents: readonly string[][]): (term: string) => number {
  const frequency = new Map<string, number>();
  for (const terms of documents) for (const term of new Set(terms)) frequency.set(term, (frequency.get(term) ?? 0) + 1);
  const count = documents.length;
  return (term) => Math.log(1 + (count - (frequency.get(term) ?? 0) + 0.5) / ((frequency.get(term) ?? 0) + 0.5));
}
