/**
 * What kind of answer a question wants, read from its wording: a person, a time, an amount, a
 * reason, or (the rest) a description. The extractive answerer prefers sentences that state that
 * kind of thing over sentences that only share the question's words.
 */
import { STOPWORDS, splitWords } from '../retrieval/tokenize.js';
import { asksForQuantity } from './score-sentences.js';

export type QuestionType = 'who' | 'when' | 'quantity' | 'why' | 'what';

/** "When does…", "At what timestamp…", "What time…", "How far into…". */
export function isWhenQuestion(question: string): boolean {
  return /^\s*(?:when\b|at what (?:time|point|timestamp|minute|moment)\b|what time\b|at which (?:time|point|timestamp)\b|how (?:far|long) into\b)|\btimestamp\b/i.test(
    question,
  );
}

/** The question's type; "when" wins over the others ("When did they say how much…" asks for a time). */
export function questionType(question: string): QuestionType {
  if (isWhenQuestion(question)) return 'when';
  if (
    /^\s*(?:who|whom|whose)\b|\bwho (?:is|are|was|were|founded|started|created|built|made|said|runs|leads)\b/iu.test(
      question,
    )
  ) {
    return 'who';
  }
  if (asksForQuantity(question)) return 'quantity';
  if (
    /^\s*why\b|\bwhat (?:is|was) the reason\b|\bwhy (?:do|does|did|is|are|was|were|would|should)\b/iu.test(question)
  ) {
    return 'why';
  }
  return 'what';
}

/** Words a sentence about people uses: founding, roles, careers, introductions. */
const STATES_PERSON =
  /\b(?:co-?found(?:er|ers|ed|ing)?|found(?:ed|er|ers|ing)|ceo|cto|chief|started|creator|created|invented|my name|i'?m|i am|we are|joined|background|ph\.?d|professor|worked (?:at|on|for)|grew up|studied|research(?:er|ers)?|lead|led|engineer|scientist|team|previously|before that)\b/iu;
/** A capitalised word inside a sentence, not its first word and not "I": most likely a name. */
const INNER_NAME = /(?<=\S\s+)(?!I\b)\p{Lu}[\p{L}’'-]+/u;
/** Words that give a reason. */
const STATES_REASON =
  /\b(?:because|since|so that|in order to|the reason|that'?s why|which is why|due to|the idea (?:is|was)|the goal (?:is|was)|the point (?:is|was)|so we|so you|the problem (?:is|was))\b/iu;

/** A sentence where someone says who they or a colleague are: "my co-founder, Sharon", "I lead the audio team". */
const STATES_ROLE =
  /\b(?:(?:my|our|his|her|the other) co-?founders?|co-?founded|i (?:founded|started|lead|run|joined|work (?:on|at))|i'?m (?:the|a|an) |i am (?:the|a|an) |my name is|my background|(?:he|she) (?:is|was) (?:the|a|an|our) )/iu;

/** Whether a sentence says something about people's work or past ("founded", "CEO", "worked at"). */
export function statesPerson(sentence: string): boolean {
  return STATES_PERSON.test(sentence);
}

/** Whether a sentence says who someone is: "my co-founder, Sharon", "I lead the audio team". */
export function statesRole(sentence: string): boolean {
  return STATES_ROLE.test(sentence);
}

/** Sentence factor for a "who" question. */
const PERSON_FACTOR = 1.2;
/** Sentence factor for a "who" question when the sentence states someone's role. */
const ROLE_FACTOR = 1.5;
/** Sentence factor for a "why" question. */
const REASON_FACTOR = 1.2;

/**
 * How well a sentence's wording fits the type of answer wanted (1 = neutral). Amounts are handled
 * by `scoreSentences` itself; "when" answers are placed by time, not by wording.
 */
export function answerTypeFit(type: QuestionType, sentence: string): number {
  if (type === 'who') {
    if (STATES_ROLE.test(sentence)) return ROLE_FACTOR;
    const person = STATES_PERSON.test(sentence);
    const name = INNER_NAME.test(sentence);
    return person && name ? PERSON_FACTOR : person || name ? (1 + PERSON_FACTOR) / 2 : 1;
  }
  if (type === 'why') return STATES_REASON.test(sentence) ? REASON_FACTOR : 1;
  return 1;
}

/**
 * "Which university…", "In which city…", "Where…", "What is the name of…", "What is it called…": the
 * answer is a name. "Which guest / speaker…" may be answered by who says the quote, "Which of…" asks
 * for a choice, "Which three kinds / steps / use case…" for a description, and "Where in the pipeline…" for a position, so they are left out.
 */
const ASKS_FOR_NAME =
  /^\s*(?:(?:in|at|from|for|with|on|to|of|by)\s+)?which\b(?!\s+(?:one|ones|of)\b)(?!(?:\s+[\p{L}\p{N}'’-]+){0,2}?\s+(?:guests?|speakers?|hosts?|persons?|people|kinds?|types?|sorts?|ways?|parts?|aspects?|things?|choices?|problems?|steps?|features?|areas?|skills?|tasks?|questions?|examples?|ideas?|cases?|reasons?|methods?|approaches?|techniques?)\b)|\bwhat(?:['’]s|\s+is|\s+was|\s+are|\s+were)?\s+the\s+names?\s+of\b|\bwhat\s+(?:is|was|are|were)\s+(?:it|they|that|this|the\s+\w+(?:\s+\w+)?)\s+called\b|^\s*where\b(?!\s+in\b)/iu;

/** Whether a question asks for a name (`ASKS_FOR_NAME`); "when" questions never do. */
export function asksForName(question: string): boolean {
  return !isWhenQuestion(question) && ASKS_FOR_NAME.test(question);
}

/**
 * A capitalised word inside a sentence (not its first word), or a word capitalised inside ("iPhone"):
 * the shape names have in a transcript.
 */
const NAME_SHAPED = /(?<=[^\s.!?…]\s+)\p{Lu}[\p{L}\p{N}'’.&-]*|\b\p{Ll}+\p{Lu}[\p{L}\p{N}]*/gu;
/** Capitalised words that are titles or common abbreviations, not names ("CEO", "AI", "PhD"). */
const NOT_NAMES: ReadonlySet<string> = new Set(
  'ai ml ceo cto coo cpo cfo phd gpu gpus cpu cpus api apis nlp llm llms ui ux ok okay tv mr mrs ms dr'.split(' '),
);

/**
 * Whether a quote names something the question does not: a name-shaped word that is not a stopword,
 * a title or abbreviation (`NOT_NAMES`), one of the question's own words, or part of the name of one of
 * `participants` (the people in the conversation: "Welcome, Natalie" names no city). "…the world's
 * largest online social giving platform" names nothing that answers "Which company acquired JustGiving?".
 */
export function namesSomethingNew(question: string, quote: string, participants: Iterable<string> = []): boolean {
  const known = new Set(splitWords(question));
  for (const participant of participants) for (const word of splitWords(participant)) known.add(word);
  for (const match of quote.matchAll(NAME_SHAPED)) {
    const words = splitWords(match[0]);
    if (words.length === 0) continue;
    const word = words.join('');
    if (STOPWORDS.has(word) || NOT_NAMES.has(word) || words.some((part) => known.has(part))) continue;
    if (/^\p{N}+$/u.test(word)) continue;
    return true;
  }
  return false;
}
