/**
 * What a question needs a quote of its answer to say, read from the question's wording: an amount or a
 * year ("How many…", "In what year…"), a name ("Which university…"), a named speaker's own words ("What
 * did Felix say…"), the topic it asks about ("…about voice cloning"). The extractive answerer declines
 * when no quote it would give meets them.
 */
import type { Citation } from '../domain.js';
import { splitWords, tokenize } from '../retrieval/tokenize.js';
import type { IndexTables } from '../tables/index-tables.js';
import { isTermVariant, weightSaid } from './answer-evidence.js';
import { asksForName, isWhenQuestion, namesSomethingNew } from './question-type.js';
import { inverseDocumentFrequency, STATES_COUNT } from './score-sentences.js';

/**
 * "How many…", "how much…", "what percentage / accuracy / valuation…", "How long/old/big/far/often…": the
 * answer is a count or an amount, never a time. ("How fast…" is left out: "exponentially" answers it.)
 */
export function asksForCount(question: string): boolean {
  return (
    !isWhenQuestion(question) &&
    /\bhow (?:many|much)\b|\bwhat (?:number|percentage|amount|accuracy|score|price|cost|size|frame rate|valuation|revenue|salary|budget)\b|^\s*(?:roughly |about |approximately )?how (?:long|old|big|large|far|often)\b/iu.test(
      question,
    )
  );
}

/** "How long…", "How often…": a span or a rate of time answers them ("a paper a day", "every week"). */
const ASKS_FOR_DURATION = /^\s*(?:roughly |about |approximately )?how (?:long|often)\b/iu;
const STATES_DURATION =
  /\b(?:a|an|every|each|per)\s+(?:day|week|month|year|hour|minute|second|decade)\b|\b(?:daily|weekly|monthly|yearly|annually|hourly)\b/iu;

/** "In what year…", "Which year…": the answer is a year. */
export function asksForYear(question: string): boolean {
  return !isWhenQuestion(question) && /\b(?:what|which) year\b/iu.test(question);
}
/** Four digits of a year from 1800 to 2099. */
const YEAR_DIGITS = String.raw`\b(?:1[89]|20)\d\d`;
/** A year as a quote may state it: "2016", or "'98". */
const STATES_YEAR = new RegExp(`${YEAR_DIGITS}\\b|['’]\\d\\d\\b`, 'u');

/** Counted things too general to look for in a quote: "how many people" is answered by "600 registrations". */
const GENERIC_COUNTED: ReadonlySet<string> = new Set(
  tokenize('people persons folks times ways things ones kinds types'),
);

/**
 * What "How many …" counts: the index terms of the words after "how many", up to the first stopword
 * (three at most) — "GPUs" in "How many GPUs were used…", "ranked matches" in "How many ranked matches
 * had…". Undefined for other questions and for general words (`GENERIC_COUNTED`).
 */
export function countedThing(question: string): string[] | undefined {
  const after = /\bhow many\s+(.*)$/iu.exec(question)?.[1];
  if (after === undefined) return undefined;
  const words: string[] = [];
  for (const word of splitWords(after).slice(0, 3)) {
    const [term] = tokenize(word);
    if (term === undefined) break;
    words.push(term);
  }
  return words.length === 0 || words.some((term) => GENERIC_COUNTED.has(term)) ? undefined : words;
}

/**
 * Whether a quote states what a count, amount or year question asks for (`asksForCount`, `asksForYear`):
 * a year; a number, and for "How many X" also X (`countedThing`, in any form `isTermVariant` allows);
 * for "how long / often" a span of time.
 */
export function statesAskedAmount(question: string, quote: string): boolean {
  if (asksForYear(question)) return STATES_YEAR.test(quote);
  if (ASKS_FOR_DURATION.test(question) && STATES_DURATION.test(quote)) return true;
  if (!statesCount(quote)) return false;
  const counted = countedThing(question);
  if (!counted) return true;
  const said = tokenize(quote);
  return counted.some((term) => said.some((other) => isTermVariant(term, other)));
}

/** A year ("in 2016", "the 1990s") is a date, not a count. */
const YEAR = new RegExp(`${YEAR_DIGITS}(?:['’]?s)?\\b`, 'gu');

/** Whether a quote states a count or an amount (`STATES_COUNT`), years aside. */
export function statesCount(quote: string): boolean {
  return STATES_COUNT.test(quote.replace(YEAR, ' '));
}

/**
 * "What did X say about…", "According to X, …", "How does X describe…", "Does X think…": the question
 * asks for a named person's own words, so a quote from someone else does not answer it.
 */
const ASKS_FOR_WORDS_OF =
  /\baccording to\b|\bwhat (?:did|does|do|has|have)\s.{1,60}?\s(?:say|said|think|argue|mention|suggest|claim|believe|predict|recommend|explain|propose|call|compare)\b|\bhow (?:did|does|do)\s.{1,60}?\s(?:describe|explain|see|view|define|characteri[sz]e|justify|compare)\b|\b(?:does|did|do)\s.{1,60}?\s(?:think|believe|say|argue|agree)\b|\b(?:view|opinion|advice)\b/iu;

/**
 * The speakers a question asks to hear from (`ASKS_FOR_WORDS_OF`), if any: speakers of the index that
 * `named` finds whose name the question writes as a name of its own — "Felix" or "Felix Rieseberg"
 * for Felix Rieseberg, but not "James Woodward" for a speaker called James Hale.
 */
export function speakersAskedFor(question: string, named: (question: string) => string[]): string[] {
  if (!ASKS_FOR_WORDS_OF.test(question)) return [];
  const written = [...question.matchAll(/\p{Lu}[\p{L}\p{N}'’-]*(?:\s+\p{Lu}[\p{L}\p{N}'’-]*)*/gu)].map((match) =>
    splitWords(match[0].replace(/['’]s\b/gu, '')),
  );
  return named(question).filter((speaker) => {
    const parts = new Set(splitWords(speaker));
    return written.some((name) => name.some((word) => parts.has(word)) && name.every((word) => parts.has(word)));
  });
}

/**
 * "What did X say about Y?", "What does X think about Y?", "Who talked about Y?": Y, what the quote
 * must be about (the question's last words after "about").
 */
const ABOUT_TOPIC =
  /\b(?:say|said|says|think|thinks|thought|talk|talks|talked|mention|mentions|mentioned|feel|feels|felt|views?|opinion)\s+(?:\w+\s+){0,2}?about\s+(.+?)\s*\??\s*$/iu;

/** The topic a question asks someone's words about (`ABOUT_TOPIC`), if it asks that. */
export function askedTopic(question: string): string | undefined {
  return ABOUT_TOPIC.exec(question)?.[1];
}

/**
 * Least share of the topic's weight (its terms by IDF) a quote must say to be about it: at least
 * half of "voice cloning and deepfake audio", not only "voice".
 */
const MIN_TOPIC_SHARE = 0.5;

/** A test one quote of an answer must pass for the answer to answer the question. */
export type QuoteRequirement = (
  citation: Pick<Citation, 'quote' | 'speaker' | 'episodeId' | 'episodeTitle'>,
) => boolean;

/**
 * What a question needs some quote of its answer to say: an amount or a year (`asksForCount`,
 * `asksForYear`), a name (`asksForName`), the named speaker's own words (`speakersAskedFor`), most of
 * the topic it asks about (`askedTopic`, not for "when" questions). Empty for most questions.
 */
export function quoteRequirements(options: {
  question: string;
  index: IndexTables;
  namedSpeakers: (question: string) => string[];
  /** The speakers of an episode (`outlineEpisodes`). */
  speakersOf: (episodeId: string) => ReadonlySet<string>;
  when: boolean;
}): QuoteRequirement[] {
  const { question, index } = options;
  const requirements: QuoteRequirement[] = [];
  if (asksForCount(question) || asksForYear(question))
    requirements.push(({ quote }) => statesAskedAmount(question, quote));
  if (asksForName(question)) {
    requirements.push(({ quote, episodeId }) => namesSomethingNew(question, quote, options.speakersOf(episodeId)));
  }
  const askedFor = speakersAskedFor(question, options.namedSpeakers);
  if (askedFor.length > 0) requirements.push(({ speaker }) => speaker !== null && askedFor.includes(speaker));
  // A "when" answer quotes where the topic starts, which need not say all of it.
  const topic = options.when ? undefined : askedTopic(question);
  if (topic !== undefined) {
    const topicTerms = new Map(
      [...new Set(tokenize(topic))].map((term) => [term, inverseDocumentFrequency(index, term)] as const),
    );
    // An episode's title says what all of it is about: "What do they say about Voxtral TTS, Forge,
    // Leanstral…?" (the page's starter for that episode) is answered by any quote of that episode.
    requirements.push(
      ({ quote, episodeTitle }) => weightSaid(`${quote} ${episodeTitle}`, topicTerms) >= MIN_TOPIC_SHARE,
    );
  }
  return requirements;
}
