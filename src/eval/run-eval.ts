import type { Answerer, ChatAnswer, SearchHit } from '../domain.js';
import type { PodciteEmbeddings } from '../embeddings/podcite-embeddings.js';
import { PodciteError } from '../errors.js';
import {
  createRetriever,
  type HybridRetriever,
  type RetrievalMode,
  type RetrieverTuning,
} from '../retrieval/create-retriever.js';
import { rankSentences } from '../retrieval/rerank-sentences.js';
import type { IndexTables } from '../tables/index-tables.js';
import { timeAtOffset } from '../util/time-label.js';
import { createGoldMatcher, goldTimes } from './gold-matcher.js';
import { firstRelevantRank, mean, meanReciprocalRank, percentile, recallAt, share } from './metrics.js';
import { normalizeForMatch } from './normalize-for-match.js';
import { isAnswerable, type QaItem } from './qa-set.js';

/** A cited start within this many seconds of a gold time counts as right for "when" questions. */
export const WHEN_TOLERANCE_SECONDS = 30;
/** Depth of the ranked list the retrieval metrics look at. */
export const EVAL_DEPTH = 10;

export interface RetrievalQuestionResult {
  id: string;
  kind: string;
  /** 1-based rank of the first gold chunk within the top 10, or null. */
  rank: number | null;
  /** Start (s) of the best sentence of the retrieved chunks (`rankSentences`), for "when" questions. */
  topSentenceStart: number | null;
  latencyMs: number;
}

export interface RetrievalReport {
  mode: RetrievalMode;
  questions: number;
  recallAt1: number;
  recallAt5: number;
  recallAt10: number;
  mrrAt10: number;
  /** Share of "when" questions whose top sentence starts within 30 s of the gold time; null without any. */
  whenWithin30sTopSentence: number | null;
  /** Search latency including query embedding, in milliseconds. */
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  perQuestion: RetrievalQuestionResult[];
}

export interface AnswerQuestionResult {
  id: string;
  kind: string;
  answerable: boolean;
  keywordRecall: number | null;
  citations: number;
  goldCitations: number;
  citedStart: number | null;
  latencyMs: number;
  answer: string;
}

export interface AnswerReport {
  name: string;
  /** Mean share of a question's keywords found in the answer text (answerable questions with keywords). */
  keywordRecall: number | null;
  /** Share of citations (on answerable questions) whose chunk holds gold evidence. */
  citationHitRate: number | null;
  /** Share of answerable questions whose answer cites at least one chunk holding gold evidence (an abstention is a miss). */
  questionCitationHit: number | null;
  /** Answers to questions other than "when" that quote a chapter list, timestamp table or promo (should be 0). */
  listQuotes: number;
  /** Share of "when" questions whose first citation starts within 30 s of the gold time. */
  whenWithin30s: number | null;
  /** Share of unanswerable questions answered with `answerable: false`. */
  abstention: number | null;
  /** Share of answerable questions answered with `answerable: false`. */
  falseAbstention: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  perQuestion: AnswerQuestionResult[];
}

export interface EvalReport {
  questions: number;
  answerable: number;
  unanswerable: number;
  /** Evidence titles that match no episode in the index. */
  unknownTitles: string[];
  retrieval: RetrievalReport[];
  answers: AnswerReport[];
}

/** An answerer to score, built on the shipped (hybrid) retriever. */
export interface AnswererUnderTest {
  name: string;
  create(retriever: HybridRetriever): Answerer;
}

/**
 * Runs the QA set against one index: retrieval metrics for each mode (one shared lexical index,
 * so the comparison is like for like), then answer metrics for each answerer on the hybrid
 * retriever. Questions run one at a time so latencies are not inflated by each other.
 */
export async function runEval(options: {
  items: readonly QaItem[];
  index: IndexTables;
  embeddings: PodciteEmbeddings;
  /** Default: lexical, dense, hybrid. */
  modes?: readonly RetrievalMode[] | undefined;
  answerers?: readonly AnswererUnderTest[] | undefined;
  tuning?: Partial<RetrieverTuning> | undefined;
  onProgress?: ((message: string) => void) | undefined;
}): Promise<EvalReport> {
  const { items, index, embeddings } = options;
  const matcher = createGoldMatcher(index);
  const modes = options.modes ?? (['lexical', 'dense', 'hybrid'] as const);
  // The first query pays for model warm-up; keep it out of the latency figures.
  await embeddings.embedQuery('warm up');

  const retrieval: RetrievalReport[] = [];
  let hybrid: HybridRetriever | undefined;
  for (const mode of modes) {
    const retriever = createRetriever({ index, embeddings, mode, tuning: options.tuning });
    if (mode === 'hybrid') hybrid = retriever;
    options.onProgress?.(`retrieval: ${mode}`);
    retrieval.push(await evaluateRetrieval({ items, retriever, matcher }));
  }

  const answers: AnswerReport[] = [];
  const answerRetriever = hybrid ?? createRetriever({ index, embeddings, mode: 'hybrid', tuning: options.tuning });
  for (const underTest of options.answerers ?? []) {
    options.onProgress?.(`answers: ${underTest.name}`);
    answers.push(
      await evaluateAnswers({ items, answerer: underTest.create(answerRetriever), underTest, index, matcher }),
    );
  }

  const answerable = items.filter(isAnswerable).length;
  return {
    questions: items.length,
    answerable,
    unanswerable: items.length - answerable,
    unknownTitles: matcher.unknownTitles(items),
    retrieval,
    answers,
  };
}

async function evaluateRetrieval(options: {
  items: readonly QaItem[];
  retriever: HybridRetriever;
  matcher: ReturnType<typeof createGoldMatcher>;
}): Promise<RetrievalReport> {
  const { retriever, matcher } = options;
  const bm25 = retriever.lexicalIndex.bm25;
  const perQuestion: RetrievalQuestionResult[] = [];
  const latencies: number[] = [];
  for (const item of options.items) {
    const started = performance.now();
    const hits: SearchHit[] = await retriever.search(item.question, { k: EVAL_DEPTH });
    const latencyMs = performance.now() - started;
    latencies.push(latencyMs);
    if (!isAnswerable(item)) continue;
    const rank = firstRelevantRank(
      hits.map((hit) => matcher.isGold(item, hit.chunk)),
      EVAL_DEPTH,
    );
    const [best] = rankSentences(item.question, hits, {
      inverseDocumentFrequency: (term) => bm25.inverseDocumentFrequency(term),
    });
    const topSentenceStart = best ? timeAtOffset(best.chunk, best.offset).seconds : null;
    perQuestion.push({ id: item.id, kind: item.kind, rank, topSentenceStart, latencyMs });
  }
  const ranks = perQuestion.map((result) => result.rank);
  const when = whenResults(options.items, (id) => perQuestion.find((result) => result.id === id)?.topSentenceStart);
  return {
    mode: retriever.mode,
    questions: perQuestion.length,
    recallAt1: recallAt(ranks, 1),
    recallAt5: recallAt(ranks, 5),
    recallAt10: recallAt(ranks, 10),
    mrrAt10: meanReciprocalRank(ranks, EVAL_DEPTH),
    whenWithin30sTopSentence: share(when),
    latencyP50Ms: percentile(latencies, 50),
    latencyP95Ms: percentile(latencies, 95),
    perQuestion,
  };
}

async function evaluateAnswers(options: {
  items: readonly QaItem[];
  answerer: Answerer;
  underTest: AnswererUnderTest;
  index: IndexTables;
  matcher: ReturnType<typeof createGoldMatcher>;
}): Promise<AnswerReport> {
  const { answerer, index, matcher } = options;
  const perQuestion: AnswerQuestionResult[] = [];
  const goldFlags: boolean[] = [];
  const questionHits: boolean[] = [];
  let listQuotes = 0;
  for (const item of options.items) {
    const started = performance.now();
    const answer = await finalAnswer(answerer, item.question);
    const latencyMs = performance.now() - started;
    const answerable = isAnswerable(item);
    let goldCitations = 0;
    if (item.kind !== 'when') {
      const kinds = answer.citations.map((citation) => index.chunkById.get(citation.chunkId)?.kind);
      if (kinds.some((kind) => kind === 'chapters' || kind === 'promo')) listQuotes += 1;
    }
    if (answerable) {
      for (const citation of answer.citations) {
        const chunk = index.chunkById.get(citation.chunkId);
        const gold = chunk !== undefined && matcher.isGold(item, chunk);
        goldFlags.push(gold);
        if (gold) goldCitations += 1;
      }
    }
    if (answerable) questionHits.push(goldCitations > 0);
    perQuestion.push({
      id: item.id,
      kind: item.kind,
      answerable: answer.answerable,
      keywordRecall: answerable && item.keywords.length > 0 ? keywordRecall(answer.answer, item.keywords) : null,
      citations: answer.citations.length,
      goldCitations,
      citedStart: answer.answerable ? (answer.citations[0]?.start ?? null) : null,
      latencyMs,
      answer: answer.answer,
    });
  }
  const byId = new Map(perQuestion.map((result) => [result.id, result]));
  const latencies = perQuestion.map((result) => result.latencyMs);
  return {
    name: options.underTest.name,
    keywordRecall: mean(perQuestion.flatMap((result) => (result.keywordRecall === null ? [] : [result.keywordRecall]))),
    citationHitRate: share(goldFlags),
    questionCitationHit: share(questionHits),
    listQuotes,
    whenWithin30s: share(whenResults(options.items, (id) => byId.get(id)?.citedStart)),
    abstention: share(
      options.items.filter((item) => !isAnswerable(item)).map((item) => byId.get(item.id)?.answerable === false),
    ),
    falseAbstention: share(options.items.filter(isAnswerable).map((item) => byId.get(item.id)?.answerable === false)),
    latencyP50Ms: percentile(latencies, 50),
    latencyP95Ms: percentile(latencies, 95),
    perQuestion,
  };
}

/** For each "when" question with a gold time: is the cited start within the tolerance of one of them? */
function whenResults(items: readonly QaItem[], citedStart: (id: string) => number | null | undefined): boolean[] {
  return items.flatMap((item) => {
    const gold = goldTimes(item);
    if (item.kind !== 'when' || gold.length === 0) return [];
    const cited = citedStart(item.id);
    return [cited != null && gold.some((seconds) => Math.abs(seconds - cited) <= WHEN_TOLERANCE_SECONDS)];
  });
}

/** Share of keywords present in the text as whole words (after `normalizeForMatch`). */
export function keywordRecall(text: string, keywords: readonly string[]): number {
  if (keywords.length === 0) return 0;
  const haystack = normalizeForMatch(text);
  const found = keywords.filter((keyword) => {
    const needle = normalizeForMatch(keyword).replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
    return new RegExp(`(?<![\\p{L}\\p{N}])${needle}(?![\\p{L}\\p{N}])`, 'u').test(haystack);
  });
  return found.length / keywords.length;
}

async function finalAnswer(answerer: Answerer, question: string): Promise<ChatAnswer> {
  let last: ChatAnswer | undefined;
  for await (const event of answerer.answer({ message: question, history: [] }, {})) {
    if (event.type === 'end') last = event.answer;
  }
  if (!last) throw new PodciteError('internal:eval', `The ${answerer.mode} answerer ended without an answer.`);
  return last;
}
