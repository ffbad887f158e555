/**
 * The offline answerer: no language model, only sentences quoted verbatim from the transcripts.
 * It retrieves chunks, scores their sentences against the question, and answers with one to three
 * quoted sentences, each cited to the second it was said — or abstains when nothing supports an answer.
 */
import {
  type AnswerEvent,
  type Answerer,
  type ChatAnswer,
  type ChatRequest,
  type Chunk,
  type Citation,
  chunkIdOf,
  type Retriever,
  type SearchHit,
} from '../domain.js';
import { tokenize } from '../retrieval/tokenize.js';
import type { IndexTables } from '../tables/index-tables.js';
import { isQuotableKind } from '../util/classify-chunk.js';
import { type Sentence, splitSentences } from '../util/split-sentences.js';
import { timeAtOffset } from '../util/time-label.js';
import { evidenceSupport } from './answer-evidence.js';
import { boundHistory } from './bound-history.js';
import { buildCitation, type QuoteSpan } from './citations.js';
import { unmentionedTerms, unseenWords } from './question-coverage.js';
import { isWhenQuestion, questionType } from './question-type.js';
import { quoteRequirements } from './quote-requirements.js';
import {
  asksWhoSomeoneIs,
  isQuestionSentence,
  nextChunk,
  rankAnswerSentences,
  withoutWhoIsFollowUp,
} from './rank-answer-sentences.js';
import { rewriteQuestionHeuristically } from './rewrite-question.js';
import { inverseDocumentFrequency, questionTerms, type ScoredSentence, scoreSentences } from './score-sentences.js';

/** What the answer says when the corpus does not support one. */
export const ABSTENTION_TEXT =
  "Sorry — the episodes don't seem to cover this, so I can't answer it from the transcripts. The closest passages I found are listed as sources.";

/**
 * The abstention text when the question names things the episodes never mention:
 * "The episodes don't mention Runway or Gen-4, …".
 */
export function unmentionedAbstentionText(terms: readonly string[]): string {
  const names =
    terms.length <= 1 ? (terms[0] ?? '') : `${terms.slice(0, -1).join(', ')} or ${terms[terms.length - 1] ?? ''}`;
  return `The episodes don't mention ${names}, so I can't answer this from the transcripts. The closest passages I found are listed as sources.`;
}

/**
 * Least support (`questionSupport`: `evidenceSupport` of the retrieved passages, a share 0..1 of
 * the question's names and relation words found in a stretch of three sentences) an answer needs
 * when every name in the question is in the corpus (otherwise it abstains anyway). Chosen by
 * `bench/calibrate-abstention.ts` on our held-out sets (eval/latent-space-heldout.jsonl,
 * eval/practical-ai-heldout.jsonl), not on the dev sets: with at most 5% false abstentions there,
 * anything below 0.248 qualifies (the nearest answerable questions sit at 0.248 and 0.28, the
 * unanswerable ones up to 0.36). The low end is taken because paraphrased questions earn little
 * word evidence whether or not they are answerable; see README for the rates on each set.
 */
export const DEFAULT_ABSTAIN_BELOW = 0.1;

/**
 * Share of a question's content words the index never says (`unseenWords`) from which the
 * question counts as not covered. On the dev set answerable questions reach 0.25 (words like
 * "triage", "storage" that speakers paraphrase); "What is the recipe for sourdough bread?" is 0.67.
 */
const MOSTLY_UNSEEN_SHARE = 0.5;

/**
 * Evidence, before any retrieval score, that the corpus does not cover a question: the names it
 * uses that the index never mentions, and whether most of its content words are never said.
 * Either one makes the answerer abstain. Exported so calibration sees exactly what the answerer does.
 */
export function coverageEvidence(options: { question: string; index: IndexTables }): {
  unmentioned: string[];
  mostlyUnseen: boolean;
} {
  const { unseen, total } = unseenWords(options);
  return {
    unmentioned: unmentionedTerms(options),
    mostlyUnseen: total > 0 && unseen.length / total >= MOSTLY_UNSEEN_SHARE,
  };
}

/** Chunks retrieved per question. */
export const DEFAULT_TOP_K = 8;
/** Nearest passages shown as sources when the answer abstains. */
const ABSTENTION_SOURCES = 5;
/** A further sentence joins the answer only if it scores at least this share of the best one. */
const SECOND_SENTENCE_RATIO = 0.7;
/** Quotes of one episode less than this many seconds apart are one moment: the answer quotes it once. */
const SAME_MOMENT_SECONDS = 60;
/** For "when" questions, the earliest sentence scoring at least this share of the best marks the start. */
const TOPIC_START_RATIO = 0.7;
/** A source quote shorter than this many words takes in the next sentence of the same speaker. */
const MIN_QUOTE_WORDS = 6;
/** Most sentences a quote takes in after the one it is for. */
const MAX_FOLLOWING_SENTENCES = 2;

export { asksForName, isWhenQuestion, namesSomethingNew } from './question-type.js';

/**
 * The support the answerer compares with its abstention threshold for a question and the hits it
 * may quote: 1 for a "when" question whose wording names a chapter of a retrieved episode, else
 * `evidenceSupport`. Exported so calibration measures exactly what the answerer decides on.
 */
export function questionSupport(options: { question: string; hits: SearchHit[]; index: IndexTables }): number {
  if (isWhenQuestion(options.question) && chapterStart(options)) return 1;
  return evidenceSupport({
    question: options.question,
    chunks: options.hits.map((hit) => hit.chunk),
    index: options.index,
  }).support;
}

/** The hits an answer may quote: transcript and show notes, at most `topK`. */
export function quotableHits(hits: SearchHit[], topK: number = DEFAULT_TOP_K): SearchHit[] {
  return hits.filter((hit) => isQuotableKind(hit.chunk.kind)).slice(0, topK);
}

function sentenceWordCount(chunk: Chunk, span: QuoteSpan): number {
  return chunk.text.slice(span.start, span.end).split(/\s+/u).filter(Boolean).length;
}

/** A sentence opening like this leans on the one before it ("That was the first project…"). */
const LEANS_BACK = /^(?:it|that|this|these|those|he|she|they|there|which|and|but|because)\b/iu;

/** Fillers a spoken sentence often opens with ("Yeah. ", "Um, ", "So, "): the quote starts after them. */
const LEADING_FILLER =
  /^(?:(?:yeah|yes|yep|yup|uh|um|uhm|so|well|right|okay|ok|oh|sure|exactly|absolutely|totally|mm-?hmm)[,.!]\s+)+/iu;

/** A span without the fillers it opens with (the quote stays verbatim: only its start moves). */
function withoutLeadingFiller(chunk: Chunk, span: QuoteSpan): QuoteSpan {
  const text = chunk.text.slice(span.start, span.end);
  const filler = LEADING_FILLER.exec(text);
  if (!filler || filler[0].length >= text.length - 1) return span;
  return { start: span.start + filler[0].length, end: span.end };
}

/** The sentence `offset` places after (or, negative, before) `entry` in its chunk, if the same speaker says it. */
function neighbour(entry: ScoredSentence, all: ScoredSentence[], offset: number): ScoredSentence | undefined {
  return all.find(
    (other) =>
      other.chunk === entry.chunk &&
      other.sentence.index === entry.sentence.index + offset &&
      other.sentence.speaker === entry.sentence.speaker,
  );
}

/**
 * The quote for a scored sentence: the sentence, plus the following ones of the same speaker in the
 * same chunk until it has `minWords` words (at most `MAX_FOLLOWING_SENTENCES` more). The sentence that
 * shares the question's words often only sets up the fact ("we have a new designer and it's one of
 * the first small tasks."); the next one says it.
 */
function quoteSpan(options: {
  entry: ScoredSentence;
  all: ScoredSentence[];
  minWords?: number | undefined;
}): QuoteSpan {
  const { entry, all } = options;
  const minWords = options.minWords ?? MIN_QUOTE_WORDS;
  const span = { start: entry.sentence.start, end: entry.sentence.end };
  for (let added = 1; added <= MAX_FOLLOWING_SENTENCES; added++) {
    if (sentenceWordCount(entry.chunk, span) >= minWords) break;
    const next = neighbour(entry, all, added);
    if (!next) break;
    span.end = next.sentence.end;
  }
  return span;
}

/** Most words an answer quote grows to with the sentences around the one it is for. */
const MAX_ANSWER_QUOTE_WORDS = 80;
/** Sentences an answer quote takes in on either side of the one it is for. */
const CONTEXT_SENTENCES = 2;
/** A sentence that ends with closing punctuation; the last one of a chunk may be cut off mid-way. */
const FINISHED_SENTENCE = /[.!?…]["'”’)\]]*$/u;

/**
 * The quote for an answer sentence: the sentence with up to `CONTEXT_SENTENCES` of the same
 * speaker's sentences on either side (the following ones first: the sentence that shares the
 * question's words often only sets up the fact the next one states; the ones before only while they
 * say one of `questionTerms`), at most
 * `MAX_ANSWER_QUOTE_WORDS` words. A neighbour cut off by the end of the chunk is left out, so the
 * quote never ends in a dangling fragment; a sentence that leans back ("That was the first
 * project…") always takes in the one before it when the same speaker says it.
 */
function answerQuoteSpan(entry: ScoredSentence, questionTerms: ReadonlySet<string>): QuoteSpan {
  const { chunk } = entry;
  const sentences = splitSentences(chunk);
  const at = entry.sentence.index;
  const textOf = (sentence: Sentence) => chunk.text.slice(sentence.start, sentence.end);
  // A sentence before it joins only when it says one of the question's words: what comes before
  // an answer is as often the end of the previous topic as the set-up of this one.
  const topical = (sentence: Sentence) => tokenize(textOf(sentence)).some((term) => questionTerms.has(term));
  const wordsOf = (sentence: Sentence) => textOf(sentence).split(/\s+/u).filter(Boolean).length;
  const joins = (sentence: Sentence | undefined): sentence is Sentence =>
    sentence !== undefined && sentence.speaker === entry.sentence.speaker;
  let first = at;
  let last = at;
  let words = wordsOf(entry.sentence);
  const previous = sentences[at - 1];
  if (LEANS_BACK.test(textOf(entry.sentence)) && joins(previous)) {
    first -= 1;
    words += wordsOf(previous);
  }
  let takenBefore = first < at ? 1 : 0;
  for (let step = 0; step < CONTEXT_SENTENCES; step++) {
    const next = sentences[last + 1];
    if (joins(next) && FINISHED_SENTENCE.test(textOf(next)) && words + wordsOf(next) <= MAX_ANSWER_QUOTE_WORDS) {
      last += 1;
      words += wordsOf(next);
    }
    // Looking back, fillers ("Yeah.", "Um,") are passed over: they join only with what precedes them.
    let earlier = first - 1;
    while (earlier >= 0 && joins(sentences[earlier]) && tokenize(textOf(sentences[earlier]!)).length === 0) earlier--;
    const before = sentences[earlier];
    if (takenBefore >= CONTEXT_SENTENCES || !joins(before) || !topical(before)) continue;
    const added = sentences.slice(earlier, first).reduce((sum, sentence) => sum + wordsOf(sentence), 0);
    if (words + added > MAX_ANSWER_QUOTE_WORDS) continue;
    first = earlier;
    words += added;
    takenBefore += 1;
  }
  return { start: sentences[first]?.start ?? entry.sentence.start, end: sentences[last]?.end ?? entry.sentence.end };
}

/** Most pieces a quote takes in to finish a sentence the splitter cut up (a long unpunctuated run). */
const MAX_COMPLETING_PIECES = 3;

/**
 * The span, carried on through the following pieces of the same speaker's text until it ends a
 * sentence: `splitSentences` cuts unpunctuated runs of speech into pieces, and a quote must not stop
 * mid-sentence ("…detained by China that have"). Only the end of the chunk stops it short.
 */
function throughSentenceEnd(entry: ScoredSentence, span: QuoteSpan): QuoteSpan {
  const { chunk } = entry;
  let end = span.end;
  let pieces = 0;
  for (const sentence of splitSentences(chunk)) {
    if (sentence.start < span.end) continue;
    if (pieces >= MAX_COMPLETING_PIECES || FINISHED_SENTENCE.test(chunk.text.slice(span.start, end))) break;
    if (sentence.speaker !== entry.sentence.speaker) break;
    end = sentence.end;
    pieces += 1;
  }
  return { start: span.start, end };
}

/** Sentences a quote may take in past its length limit to say what the question asks. */
const CONTINUING_SENTENCES = 2;

/**
 * The next `CONTINUING_SENTENCES` finished sentences of `chunk` from `offset` on, while `speaker` says
 * them: where a quote of theirs goes on.
 */
function speakerGoesOn(chunk: Chunk, offset: number, speaker: string | null): Sentence[] {
  const sentences: Sentence[] = [];
  for (const sentence of splitSentences(chunk)) {
    if (sentence.start < offset) continue;
    if (sentences.length >= CONTINUING_SENTENCES || sentence.speaker !== speaker) break;
    if (!FINISHED_SENTENCE.test(chunk.text.slice(sentence.start, sentence.end))) break;
    sentences.push(sentence);
  }
  return sentences;
}

/** The span carried on through each of the speaker's next sentences in its chunk, shortest first. */
function continuedSpans(entry: ScoredSentence, span: QuoteSpan): QuoteSpan[] {
  return speakerGoesOn(entry.chunk, span.end, entry.sentence.speaker).map((sentence) => ({
    start: span.start,
    end: sentence.end,
  }));
}

/** The speaker's first sentences in the chunk after `entry`'s: where a quote cut off by its chunk's end goes on. */
function carriedOn(index: IndexTables, entry: ScoredSentence): ScoredSentence[] {
  const next = nextChunk(index, entry.chunk);
  if (next?.kind !== 'transcript' || entry.sentence.speaker === null) return [];
  return speakerGoesOn(next, 0, entry.sentence.speaker).map((sentence) => ({
    chunk: next,
    sentence,
    hitRank: entry.hitRank,
    coverage: 0,
    score: 0,
  }));
}

/** Opening transcript chunks of an episode searched for a guest's introduction. */
const INTRODUCTION_CHUNKS = 3;
/** Most chunks added as candidates for a "Who is X?" answer. */
const MAX_INTRODUCTION_CHUNKS = 6;

/**
 * For "Who is X?": the passages where people are introduced — the show notes and the opening of
 * each retrieved episode — that name X, and are not retrieved already. Retrieval finds X's own
 * lines (X is their speaker), which rarely say who X is.
 */
function introductionChunks(options: { index: IndexTables; hits: SearchHit[]; person: string[] }): Chunk[] {
  const retrieved = new Set(options.hits.map((hit) => hit.chunk.chunkId));
  const episodes = new Set(options.hits.map((hit) => hit.chunk.episodeId));
  return options.index.chunks
    .filter(
      (chunk) =>
        episodes.has(chunk.episodeId) &&
        !retrieved.has(chunk.chunkId) &&
        (chunk.kind === 'shownotes' || (chunk.kind === 'transcript' && chunk.ordinal < INTRODUCTION_CHUNKS)) &&
        tokenize(chunk.text).some((term) => options.person.includes(term)),
    )
    .slice(0, MAX_INTRODUCTION_CHUNKS);
}

/** The chunk right before `chunk` in its episode, if the index has it. */
function previousChunk(index: IndexTables, chunk: Chunk): Chunk | undefined {
  if (chunk.ordinal === 0) return undefined;
  return index.chunkById.get(chunkIdOf(chunk.episodeId, chunk.ordinal - 1));
}

/**
 * Picks the sentences to quote: the best one, then up to `maxSentences - 1` more that score close to
 * it, come from retrieval's first passage and add something — a question term not yet quoted, or
 * another episode. Retrieval's first passage is the strongest evidence the answerer has; a further
 * quote from a lower passage was more often off the question than on it.
 */
function chooseSentences(options: {
  scored: ScoredSentence[];
  question: string;
  maxSentences: number;
  firstPassage: string | undefined;
  spanOf: (entry: ScoredSentence) => QuoteSpan;
}) {
  const { scored, maxSentences, spanOf, firstPassage } = options;
  const best = scored[0];
  if (!best) return [];
  const questionTerms = new Set(tokenize(options.question));
  const termsOf = (entry: ScoredSentence) =>
    new Set(tokenize(entry.chunk.text.slice(entry.sentence.start, entry.sentence.end)));
  const chosen = [best];
  const covered = termsOf(best);
  for (const candidate of scored.slice(1)) {
    if (chosen.length >= maxSentences || candidate.score < SECOND_SENTENCE_RATIO * best.score) break;
    if (candidate.chunk.chunkId !== firstPassage) continue;
    // A sentence already inside a chosen quote (taken in as its neighbour) would be quoted twice.
    const quoted = chosen.some((entry) => {
      if (entry.chunk !== candidate.chunk) return false;
      const span = spanOf(entry);
      return candidate.sentence.start < span.end && span.start < candidate.sentence.end;
    });
    if (quoted) continue;
    if (chosen.some((entry) => sameMoment(entry, candidate))) continue;
    const terms = termsOf(candidate);
    const addsTerm = [...terms].some((term) => questionTerms.has(term) && !covered.has(term));
    const addsEpisode = chosen.every((entry) => entry.chunk.episodeId !== candidate.chunk.episodeId);
    if (!addsTerm && !addsEpisode) continue;
    chosen.push(candidate);
    for (const term of terms) covered.add(term);
  }
  return chosen;
}

/** Two sentences from one chunk, or from one episode less than `SAME_MOMENT_SECONDS` apart. */
function sameMoment(left: ScoredSentence, right: ScoredSentence): boolean {
  if (left.chunk === right.chunk) return true;
  if (left.chunk.episodeId !== right.chunk.episodeId) return false;
  const leftTime = timeAtOffset(left.chunk, left.sentence.start).seconds;
  const rightTime = timeAtOffset(right.chunk, right.sentence.start).seconds;
  if (leftTime === null || rightTime === null) return Math.abs(left.chunk.ordinal - right.chunk.ordinal) <= 1;
  return Math.abs(leftTime - rightTime) < SAME_MOMENT_SECONDS;
}

/** For a "when" question: the earliest strong sentence in the best chunk or the one before it. */
function topicStart(options: {
  question: string;
  hits: SearchHit[];
  index: IndexTables;
  best: ScoredSentence;
}): ScoredSentence {
  const { best, index } = options;
  const before = previousChunk(index, best.chunk);
  const rescored = scoreSentences({
    question: options.question,
    hits: options.hits,
    index,
    extraChunks: before ? [before] : [],
  });
  const candidates = rescored.filter(
    (entry) =>
      (entry.chunk.chunkId === best.chunk.chunkId || entry.chunk.chunkId === before?.chunkId) &&
      entry.score >= TOPIC_START_RATIO * best.score,
  );
  candidates.sort((a, b) => a.chunk.ordinal - b.chunk.ordinal || a.sentence.start - b.sentence.start);
  return candidates[0] ?? best;
}

/** A heading of a transcript (a chunk's chapter) and the start of its first chunk. */
interface Heading {
  title: string;
  start: number | null;
}

/** What the answerer looks up per episode: who speaks in it, and its transcript's headings in order. */
interface EpisodeOutline {
  speakers: Set<string>;
  headings: Heading[];
}

/** Every episode's outline, in one pass over the index's chunks (built once per answerer, on first use). */
function outlineEpisodes(chunks: readonly Chunk[]): Map<string, EpisodeOutline> {
  const outlines = new Map<string, EpisodeOutline>();
  const seen = new Set<string>();
  for (const chunk of chunks) {
    let outline = outlines.get(chunk.episodeId);
    if (!outline) {
      outline = { speakers: new Set(), headings: [] };
      outlines.set(chunk.episodeId, outline);
    }
    for (const speaker of chunk.speakers) outline.speakers.add(speaker);
    if (chunk.kind !== 'transcript' || !chunk.chapter) continue;
    const key = `${chunk.episodeId}\u0000${chunk.chapter}`;
    if (seen.has(key)) continue;
    seen.add(key);
    outline.headings.push({ title: chunk.chapter, start: chunk.start });
  }
  return outlines;
}

/** A chapter title must share at least this many terms with the question… */
const CHAPTER_MIN_SHARED_TERMS = 2;
/** …carrying at least this share of the title's IDF weight. */
const CHAPTER_MIN_PRECISION = 0.4;

/**
 * For a "when" question: the chapter of a retrieved episode whose title the question names
 * ("enterprise deployment" → "Enterprise Deployment and Privacy"), as the first sentence of the
 * chapter's first transcript chunk. Show-note chapter lists are how people mark where topics start.
 */
function chapterStart(options: {
  question: string;
  hits: SearchHit[];
  index: IndexTables;
  /** Also these transcript headings of an episode (`outlineEpisodes`), not only its chapter list. */
  headingsOf?: ((episodeId: string) => readonly Heading[]) | undefined;
}): (ScoredSentence & { chapterTitle: string }) | undefined {
  const { index } = options;
  const terms = questionTerms(index, options.question);
  const questionWeight = [...terms.values()].reduce((sum, weight) => sum + weight, 0);
  const episodeIds = [...new Set(options.hits.map((hit) => hit.chunk.episodeId))];
  let best: { episodeId: string; title: string; start: number | null; score: number } | undefined;
  for (const episodeId of episodeIds) {
    const episode = index.manifest.episodes.find((candidate) => candidate.episodeId === episodeId);
    // Words of the episode's own title name what the whole episode is about, not a moment in it:
    // "world models" must not place a question about a Moonlake detail at "Why Build World Models".
    const episodeTerms = new Set(tokenize(episode?.title ?? ''));
    const chapters: Array<{ title: string; start: number | null }> = [...(episode?.chapters ?? [])];
    if (options.headingsOf) {
      const listed = new Set(chapters.map((chapter) => chapter.title));
      chapters.push(...options.headingsOf(episodeId).filter((heading) => !listed.has(heading.title)));
    }
    for (const chapter of chapters) {
      const titleTerms = [...new Set(tokenize(chapter.title))];
      // A question that says every word of a title with more in it than the episode's own subject ("Why
      // build world models?" for "Why Build World Models" in the Moonlake episode) names the chapter itself.
      const whole =
        titleTerms.length >= CHAPTER_MIN_SHARED_TERMS &&
        titleTerms.every((term) => terms.has(term)) &&
        titleTerms.some((term) => !episodeTerms.has(term));
      const shared = titleTerms.filter((term) => terms.has(term) && (whole || !episodeTerms.has(term)));
      if (shared.length < CHAPTER_MIN_SHARED_TERMS) continue;
      const weigh = (list: string[]) => list.reduce((sum, term) => sum + inverseDocumentFrequency(index, term), 0);
      const precision = weigh(shared) / weigh(titleTerms);
      if (precision < CHAPTER_MIN_PRECISION) continue;
      const score = precision + weigh(shared) / Math.max(questionWeight, Number.EPSILON);
      if (!best || score > best.score) best = { episodeId, title: chapter.title, start: chapter.start, score };
    }
  }
  if (!best) return undefined;
  const { episodeId, title, start } = best;
  const transcript = index.chunks.filter((chunk) => chunk.episodeId === episodeId && chunk.kind === 'transcript');
  const first = transcript.filter((chunk) => chunk.chapter === title).sort((a, b) => a.ordinal - b.ordinal)[0];
  if (first) {
    const sentence = splitSentences(first)[0];
    return sentence ? { chunk: first, sentence, hitRank: 0, coverage: 1, score: 1, chapterTitle: title } : undefined;
  }
  // The transcript's own headings may word the chapter differently ("Meet the Founders" for the
  // notes' "Meet Moonlake Founders"): then the chapter list's time says where it starts.
  const found = start === null ? undefined : sentenceAt({ chunks: transcript, seconds: start });
  return found ? { ...found, chapterTitle: title } : undefined;
}

/** Chunks of a chapter looked through for the reply to the question that opens it. */
const CHAPTER_REPLY_CHUNKS = 4;

/**
 * The reply that opens a chapter: when the turn that opens it ends by asking, the first sentence of
 * at least `MIN_QUOTE_WORDS` words that someone else then says, not itself a question. A chapter often
 * opens with the host asking about its topic ("So how do you guys define world models?") and the
 * guest answering; its title is the show's own label for that answer.
 */
function chapterReply(index: IndexTables, opening: ScoredSentence): ScoredSentence | undefined {
  const opener = opening.sentence.speaker;
  let asked = false;
  let chunk: Chunk | undefined = opening.chunk;
  for (let step = 0; chunk && step < CHAPTER_REPLY_CHUNKS; step++) {
    if (chunk.chapter !== opening.chunk.chapter) return undefined;
    for (const sentence of splitSentences(chunk)) {
      if (chunk === opening.chunk && sentence.index < opening.sentence.index) continue;
      const text = chunk.text.slice(sentence.start, sentence.end);
      if (sentence.speaker === opener) {
        // Whether the opener's last finished sentence asks: a trailing fragment leaves it as it was.
        if (FINISHED_SENTENCE.test(text)) asked = isQuestionSentence(text);
        continue;
      }
      // Only a turn that ends by asking has a reply; an aside during a guest's monologue is not one.
      if (!asked || sentence.speaker === null) return undefined;
      if (isQuestionSentence(text) || text.split(/\s+/u).filter(Boolean).length < MIN_QUOTE_WORDS) continue;
      return { chunk, sentence, hitRank: 0, coverage: opening.coverage, score: opening.score };
    }
    chunk = nextChunk(index, chunk);
  }
  return undefined;
}

/** The first transcript sentence said at or after `seconds` (within a chunk that spans that time). */
function sentenceAt(options: { chunks: Chunk[]; seconds: number }): ScoredSentence | undefined {
  const timed = options.chunks
    .filter((chunk) => chunk.start !== null && chunk.end !== null && chunk.end >= options.seconds)
    .sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
  for (const chunk of timed) {
    for (const sentence of splitSentences(chunk)) {
      const seconds = timeAtOffset(chunk, sentence.start).seconds;
      if (seconds !== null && seconds >= options.seconds - 1)
        return { chunk, sentence, hitRank: 0, coverage: 1, score: 1 };
    }
  }
  return undefined;
}

/** What introduces a quote: when and who ("At 27:02 Fan-yun Sun said: "), or "The show notes say: ". */
function leadFor(entry: ScoredSentence, citation: Citation): string {
  if (entry.chunk.kind === 'shownotes') return 'The show notes say: ';
  const when =
    citation.timestampLabel === null ? '' : `At ${citation.approximate ? 'about ' : ''}${citation.timestampLabel} `;
  if (entry.sentence.speaker) return `${when}${entry.sentence.speaker} said: `;
  return when ? `${when.trimEnd()}: ` : '';
}

/** One citation per chunk: its best sentence, for the `sources` event. */
function nearestPassages(options: {
  scored: ScoredSentence[];
  index: IndexTables;
  exclude: Set<string>;
  firstNumber: number;
  limit: number;
}): Citation[] {
  const citations: Citation[] = [];
  const seen = new Set(options.exclude);
  for (const entry of options.scored) {
    if (citations.length >= options.limit) break;
    if (seen.has(entry.chunk.chunkId)) continue;
    seen.add(entry.chunk.chunkId);
    citations.push(
      buildCitation({
        n: options.firstNumber + citations.length,
        chunk: entry.chunk,
        span: quoteSpan({ entry, all: options.scored }),
        manifest: options.index.manifest,
        speaker: entry.sentence.speaker,
      }),
    );
  }
  return citations;
}

export interface ExtractiveAnswererOptions {
  retriever: Retriever;
  index: IndexTables;
  /** Chunks retrieved per question (default 8). */
  topK?: number | undefined;
  /**
   * Abstain when the support (`questionSupport`) is below this (default `DEFAULT_ABSTAIN_BELOW`).
   * Questions naming something the index never mentions (`unmentionedTerms`) abstain regardless.
   */
  abstainBelow?: number | undefined;
  /** Most sentences quoted in an answer (default 3). */
  maxSentences?: number | undefined;
}

/**
 * The offline answerer. Events: `sources` (the citations the answer uses, numbered 1…m, then the
 * other retrieved passages numbered on; when abstaining, the nearest passages), one `text-delta`
 * per quoted sentence, then `end`. An abstaining answer has `answerable: false` and `citations: []`;
 * it names the question's terms the episodes never mention, when that is why it abstains.
 * Follow-ups are rewritten with `rewriteQuestionHeuristically` before retrieval.
 */
export function createExtractiveAnswerer(options: ExtractiveAnswererOptions): Answerer {
  const { retriever, index } = options;
  const topK = options.topK ?? DEFAULT_TOP_K;
  const abstainBelow = options.abstainBelow ?? DEFAULT_ABSTAIN_BELOW;
  const maxSentences = options.maxSentences ?? 3;
  const { namedSpeakers } = index.lexical;
  let outlines: Map<string, EpisodeOutline> | undefined;
  const outlineOf = (episodeId: string) => {
    outlines ??= outlineEpisodes(index.chunks);
    return outlines.get(episodeId);
  };
  const headingsOf = (episodeId: string) => outlineOf(episodeId)?.headings ?? [];
  const speakersOf = (episodeId: string) => outlineOf(episodeId)?.speakers ?? new Set<string>();

  async function* answer(
    request: ChatRequest,
    { signal }: { signal?: AbortSignal | undefined },
  ): AsyncGenerator<AnswerEvent> {
    const history = boundHistory(request.history);
    const question = withoutWhoIsFollowUp(rewriteQuestionHeuristically({ question: request.message, history }));
    // Chapter lists and promos are never quoted: retrieve more and keep the first topK that can be.
    const retrieved = await retriever.search(question, {
      k: Math.min(50, topK * 2),
      episodeIds: request.episodeIds,
    });
    if (signal?.aborted) return;
    const hits = quotableHits(retrieved, topK);
    const person = asksWhoSomeoneIs(question);
    const extraChunks = person ? introductionChunks({ index, hits, person }) : [];
    const scored = scoreSentences({ question, hits, index, extraChunks });
    const type = questionType(question);
    const ranked = rankAnswerSentences({ scored, question, type, index });
    const best = ranked[0];
    const when = type === 'when';
    const chapter = chapterStart({ question, hits, index, headingsOf: when ? undefined : headingsOf });
    // A content question worded like a chapter title is answered by the reply that opens the chapter.
    const reply = when || person || !chapter ? undefined : chapterReply(index, chapter);
    if (reply && best) ranked.unshift({ ...reply, score: best.score * 1.01 });
    // A name the corpus never says outweighs any word overlap: "Runway's Gen-4" matches "world model" passages.
    const { unmentioned, mostlyUnseen } = coverageEvidence({ question, index });

    const support = when && chapter ? 1 : questionSupport({ question, hits, index });
    function* decline(text: string): Generator<AnswerEvent> {
      const sources = nearestPassages({ scored, index, exclude: new Set(), firstNumber: 1, limit: ABSTENTION_SOURCES });
      yield { type: 'sources', citations: sources };
      yield { type: 'text-delta', text };
      const body: ChatAnswer = { answer: text, answerable: false, mode: 'extractive', citations: [] };
      yield { type: 'end', answer: body };
    }
    if (!best || unmentioned.length > 0 || mostlyUnseen || support < abstainBelow) {
      yield* decline(unmentioned.length > 0 ? unmentionedAbstentionText(unmentioned) : ABSTENTION_TEXT);
      return;
    }

    const questionWords = new Set(questionTerms(index, question).keys());
    // A "when" answer is about where the topic starts, so its quote stays one sentence long.
    const answerSpan = (entry: ScoredSentence) =>
      withoutLeadingFiller(
        entry.chunk,
        throughSentenceEnd(entry, when ? quoteSpan({ entry, all: ranked }) : answerQuoteSpan(entry, questionWords)),
      );
    const chosen = when
      ? [chapter ?? topicStart({ question, hits, index, best: scored[0] ?? best })]
      : chooseSentences({
          scored: ranked,
          question,
          maxSentences,
          firstPassage: hits[0]?.chunk.chunkId,
          spanOf: answerSpan,
        });
    const citeAt = (entry: ScoredSentence, position: number, span: QuoteSpan) =>
      buildCitation({
        n: position + 1,
        chunk: entry.chunk,
        span,
        manifest: index.manifest,
        speaker: entry.sentence.speaker,
      });
    const citations = chosen.map((entry, position) => citeAt(entry, position, answerSpan(entry)));
    // What the question needs a quote to say: an amount, a year, a name, the named speaker's own
    // words, the topic it asks about. Quotes that do not say it are no answer.
    const requirements = quoteRequirements({ question, index, namedSpeakers, speakersOf, when });
    const met = () => requirements.every((requirement) => citations.some((citation) => requirement(citation)));
    // Whether every requirement is met once `candidate` joins the answer (in place of the quote at `replacing`).
    const metWith = (candidate: Citation, replacing?: number) =>
      requirements.every(
        (requirement) =>
          requirement(candidate) || citations.some((other, at) => at !== replacing && requirement(other)),
      );
    // The fact is often the speaker's next sentence ("…the first areas where we deployed machine learning
    // models. This was back in 2010."), left out by the quote's length limit: a quote may take it in.
    for (let position = 0; position < chosen.length && !met(); position++) {
      const entry = chosen[position]!;
      for (const span of continuedSpans(entry, answerSpan(entry))) {
        const longer = citeAt(entry, position, span);
        if (metWith(longer, position)) {
          citations[position] = longer;
          break;
        }
      }
    }
    // …or, when the chunk ends first, in what the speaker says at the start of the next chunk: quoted too.
    const lead = chosen[0];
    const endsChunk = (entry: ScoredSentence) =>
      answerSpan(entry).end >= (splitSentences(entry.chunk).at(-1)?.start ?? Number.POSITIVE_INFINITY);
    const carried = !met() && !when && lead && endsChunk(lead) ? carriedOn(index, lead) : [];
    for (const span of carried.map((entry) => ({ start: carried[0]!.sentence.start, end: entry.sentence.end }))) {
      const more = citeAt(carried[0]!, citations.length, span);
      if (metWith(more)) {
        chosen.push(carried[0]!);
        citations.push(more);
        break;
      }
    }
    if (!met()) {
      yield* decline(ABSTENTION_TEXT);
      return;
    }
    const parts = citations.map((citation, position) => {
      const entry = chosen[position]!;
      if (when && citation.timestampLabel !== null) {
        const who = entry.sentence.speaker ?? 'The conversation';
        const where = entry === chapter ? `, at the start of the "${chapter.chapterTitle}" chapter` : '';
        const about = citation.approximate ? 'about ' : '';
        return `${who} gets to this at ${about}${citation.timestampLabel}${where}: "${citation.quote}" [${citation.n}]`;
      }
      return `${leadFor(entry, citation)}"${citation.quote}" [${citation.n}]`;
    });
    const others = nearestPassages({
      scored,
      index,
      exclude: new Set(citations.map((citation) => citation.chunkId)),
      firstNumber: citations.length + 1,
      limit: topK,
    });
    yield { type: 'sources', citations: [...citations, ...others] };
    for (const [position, part] of parts.entries()) {
      if (signal?.aborted) return;
      yield { type: 'text-delta', text: position === 0 ? part : ` ${part}` };
    }
    yield {
      type: 'end',
      answer: { answer: parts.join(' '), answerable: true, mode: 'extractive', citations },
    };
  }

  return { mode: 'extractive', answer };
}
