/**
 * Reranks scored sentences for quoting: a sentence that states the kind of thing asked for (a
 * person, a reason) and says something beyond the question's own words ranks above one that only
 * echoes them, and when the best match is a host's question the guest's reply is what gets quoted.
 * `coverage` is left as it was: it is the abstention signal and must not depend on this ranking.
 */
import { type Chunk, chunkIdOf } from '../domain.js';
import { tokenize } from '../retrieval/tokenize.js';
import type { IndexTables } from '../tables/index-tables.js';
import { splitSentences } from '../util/split-sentences.js';
import { salientTerms } from './question-coverage.js';
import {
  answerTypeFit,
  asksForName,
  namesSomethingNew,
  type QuestionType,
  statesPerson,
  statesRole,
} from './question-type.js';
import type { ScoredSentence } from './score-sentences.js';

/**
 * For "Who is X?": score factor for a sentence that matches X only because X says it, and neither
 * names X nor says who anyone is — X's own remarks on other topics ("Actually we have a few
 * iterations of them.") are not an introduction.
 */
const OFF_TOPIC_SELF_FACTOR = 0.25;

/**
 * For "Who is X?": score factor for a greeting that names X and says nothing about them ("we're here
 * in the studio with David Singleton", "please welcome X"): it shows X was a guest, not who X is.
 */
const GREETING_FACTOR = 0.8;
const GREETING =
  /\b(?:welcome(?:s|d)?|(?:here|back|joined|sitting|chatting|talking)\s+(?:\w+\s+){0,4}?(?:with|by)|(?:my|our)\s+guests?\s+(?:today\s+)?(?:is|are)|we\s+have\s+with\s+us|(?:today|now)\s+(?:i|we)\s+have)\b/iu;

/**
 * "Who is X?", "Who was X?": the question asks who a named person is, and nothing else. Returns the
 * name's index terms, or undefined for any other question.
 */
export function asksWhoSomeoneIs(question: string): string[] | undefined {
  if (!/^\s*who\s+(?:is|was|are|were)\s+/iu.test(question)) return undefined;
  const names = salientTerms(question).flatMap((term) => tokenize(term.surface));
  const rest = tokenize(question).filter((term) => !names.includes(term));
  return names.length > 0 && rest.length === 0 ? names : undefined;
}

/**
 * "Who is X, and what are they working on?", "Who is X and what is her background?": a follow-up that
 * asks what X does is answered by the same introduction as "Who is X?".
 */
const WHO_IS_WITH_FOLLOW_UP =
  /^\s*(who\s+(?:is|was|are|were)\s+[^,?]+?)\s*,?\s+and\s+what\s+(?:(?:are|is|were|was)\s+(?:they|he|she)\s+(?:working\s+on|doing|building|known\s+for)|(?:do|does|did)\s+(?:they|he|she)\s+(?:do|work\s+on|build)|(?:is|was|are|were)\s+(?:their|his|her)\s+(?:background|role|job|work))\s*\??\s*$/iu;

/** The question as "Who is X?" when it is that plus a follow-up asking what X does; else unchanged. */
export function withoutWhoIsFollowUp(question: string): string {
  const match = WHO_IS_WITH_FOLLOW_UP.exec(question);
  return match ? `${match[1]!.trim()}?` : question;
}

/** For a question asking for a name ("Which university…?"), score factor for a sentence that names something. */
const NAME_FACTOR = 1.2;

/** Content words a sentence needs beyond the question's before it counts as saying something new. */
const NEW_WORDS_FOR_FULL_CREDIT = 4;
/** Score factor for a sentence with no words beyond the question's (it restates the question). */
const ECHO_FACTOR = 0.7;
/** Share of a host question's score that the reply sentences after it inherit. */
const REPLY_SHARE = 0.9;
/** A reply sentence shorter than this many words inherits proportionally less. */
const MIN_REPLY_WORDS = 6;
/** How many sentences of the reply inherit it. */
const REPLY_SENTENCES = 3;
/** A sentence cut off by the end of its chunk (no closing punctuation) is a fragment. */
const UNFINISHED_FACTOR = 0.85;
/**
 * Extra weight for sentences of the best retrieved passages (first, second): retrieval judges the
 * passage as a whole, while one sentence's word overlap is a noisy signal, so a sentence elsewhere
 * must clearly beat the top passage's to be quoted first.
 */
const TOP_PASSAGE_FACTORS = [1.25, 1.1];

function sentenceText(entry: ScoredSentence): string {
  return entry.chunk.text.slice(entry.sentence.start, entry.sentence.end);
}

/** A sentence that asks: it ends with "?" (before any closing quotes or brackets). */
export function isQuestionSentence(text: string): boolean {
  return /\?["'”’)]*$/u.test(text);
}

/** The chunk after `chunk` in its episode, if the index has it (ids are `episodeId#ordinal`). */
export function nextChunk(index: IndexTables, chunk: Chunk): Chunk | undefined {
  return index.chunkById.get(chunkIdOf(chunk.episodeId, chunk.ordinal + 1));
}

/**
 * The first sentences someone else says after a question: the rest of its chunk, then the next chunk.
 * Empty when the same speaker goes on (a rhetorical question) or the text ends.
 */
function replyTo(options: {
  question: ScoredSentence;
  index: IndexTables;
  byChunk: Map<Chunk, ScoredSentence[]>;
  sentencesOf: (chunk: Chunk) => ScoredSentence[];
}): ScoredSentence[] {
  const { question, index } = options;
  const asker = question.sentence.speaker;
  const following: ScoredSentence[] = [];
  const same = options.sentencesOf(question.chunk).filter((entry) => entry.sentence.index > question.sentence.index);
  following.push(...same);
  const next = nextChunk(index, question.chunk);
  if (next && next.kind === 'transcript') following.push(...options.sentencesOf(next));
  const reply: ScoredSentence[] = [];
  for (const entry of following) {
    if (reply.length === 0 && entry.sentence.speaker === asker) {
      // The asker finishing the question ("…? Like, what's the…") before the other side answers.
      if (asker === null) return [];
      continue;
    }
    if (reply.length > 0 && entry.sentence.speaker !== reply[0]!.sentence.speaker) break;
    reply.push(entry);
    if (reply.length >= REPLY_SENTENCES) break;
  }
  return reply;
}

/**
 * The scored sentences reranked for quoting, best first. Adds the replies to strong host questions
 * (from the next chunk when the reply starts there) with the question's coverage, so they can be
 * quoted; their own `coverage` stays what their words earn.
 */
export function rankAnswerSentences(options: {
  scored: ScoredSentence[];
  question: string;
  type: QuestionType;
  index: IndexTables;
}): ScoredSentence[] {
  const { scored, type, index } = options;
  const questionWords = new Set(tokenize(options.question));
  const byChunk = new Map<Chunk, ScoredSentence[]>();
  for (const entry of scored) {
    const list = byChunk.get(entry.chunk) ?? [];
    list.push(entry);
    byChunk.set(entry.chunk, list);
  }
  const lastRank = scored.reduce((rank, entry) => Math.max(rank, entry.hitRank), 0);
  const added: ScoredSentence[] = [];
  const sentencesOf = (chunk: Chunk): ScoredSentence[] => {
    const known = byChunk.get(chunk);
    if (known) return [...known].sort((a, b) => a.sentence.index - b.sentence.index);
    const fresh = splitSentences(chunk).map((sentence) => ({
      chunk,
      sentence,
      hitRank: lastRank,
      coverage: 0,
      score: 0,
    }));
    byChunk.set(chunk, fresh);
    added.push(...fresh);
    return fresh;
  };

  const person = asksWhoSomeoneIs(options.question);
  const asksName = asksForName(options.question);
  const adjusted = new Map<ScoredSentence, number>();
  for (const entry of scored) {
    const text = sentenceText(entry);
    const offTopicSelf =
      person !== undefined && !tokenize(text).some((term) => person.includes(term)) && !statesRole(text);
    // New words count over the sentence and the one after it: a sentence that names the topic in
    // the question's words is often followed by the one that states the fact, and is quoted with it.
    const following = byChunk.get(entry.chunk)?.find((other) => other.sentence.index === entry.sentence.index + 1);
    const words = tokenize(following ? `${text} ${sentenceText(following)}` : text);
    const newWords = new Set(words.filter((word) => !questionWords.has(word))).size;
    const novelty = ECHO_FACTOR + (1 - ECHO_FACTOR) * Math.min(1, newWords / NEW_WORDS_FOR_FULL_CREDIT);
    const unfinished = /[.!?…]["'”’)\]]*$/u.test(text) ? 1 : UNFINISHED_FACTOR;
    const passage = TOP_PASSAGE_FACTORS[entry.hitRank] ?? 1;
    const self = offTopicSelf
      ? OFF_TOPIC_SELF_FACTOR
      : person !== undefined && GREETING.test(text) && !statesRole(text) && !statesPerson(text)
        ? GREETING_FACTOR
        : 1;
    const named = asksName && namesSomethingNew(options.question, text) ? NAME_FACTOR : 1;
    adjusted.set(entry, entry.score * passage * novelty * unfinished * self * named * answerTypeFit(type, text));
  }
  // Replies to the strongest host questions only: a weak question's reply is rarely on topic.
  const questions = scored
    .filter((entry) => isQuestionSentence(sentenceText(entry)))
    .sort((a, b) => b.score - a.score)
    .slice(0, 3);
  for (const asked of questions) {
    for (const [position, entry] of replyTo({ question: asked, index, byChunk, sentencesOf }).entries()) {
      // A bare "Yes." inherits little: quoted alone it answers nothing.
      const words = sentenceText(entry).split(/\s+/u).length;
      const inherited = REPLY_SHARE * asked.score * (1 - 0.05 * position) * Math.min(1, words / MIN_REPLY_WORDS);
      const own = adjusted.get(entry) ?? 0;
      if (inherited > own) adjusted.set(entry, inherited * answerTypeFit(type, sentenceText(entry)));
    }
  }
  return [...scored, ...added]
    .map((entry) => ({ ...entry, score: adjusted.get(entry) ?? entry.score }))
    .sort((a, b) => b.score - a.score);
}
