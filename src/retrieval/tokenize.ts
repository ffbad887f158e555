/**
 * Lexical tokenizer shared by the BM25 index, the sentence reranker and speaker-intent detection.
 * Lower-cases, folds typographic apostrophes, drops English stopwords and applies a light suffix
 * stemmer so "models"/"model" and "demoing"/"demo" meet. Queries and documents must go through
 * the same function, so the stemmer only needs to be consistent, not linguistically right.
 */

/** Words too common to carry meaning in a question or a transcript (conversational fillers included). */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being below between ' +
    'both but by can could did do does doing down during each few for from further had has have having he her here ' +
    'hers herself him himself his how i if in into is it its itself just let me more most my myself no nor not of off ' +
    'on once only or other our ours ourselves out over own same she should so some such than that the their theirs ' +
    'them themselves then there these they this those through to too under until up very was we were what when where ' +
    'which while who whom why will with would you your yours yourself yourselves um uh yeah like okay oh really kind ' +
    'sort actually thing things know mean think gonna wanna lot get got go going say said says dont im youre thats ' +
    'its theyre weve ive id ill'
  ).split(' '),
);

const WORD_PATTERN = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

/**
 * Words the suffix rules would send to the wrong stem, or miss: "founded" is not a form of "found"
 * (the past of "find") but of "founder", so "Who founded Moonlake?" meets "my co-founder"; "vs" is
 * "versus" ("World Models vs Video Generation").
 */
const SAME_STEM_AS: ReadonlyMap<string, string> = new Map([
  ['founded', 'founder'],
  ['founding', 'founder'],
  ['vs', 'versus'],
]);

/**
 * Reduces an inflected English word to a shared stem. Deliberately small: plural/possessive `s`,
 * `ies`, `ing`, `ed` and a doubled final consonant. Words under four letters and anything with a
 * digit are left alone so short acronyms and numbers stay intact.
 */
export function stem(word: string): string {
  const irregular = SAME_STEM_AS.get(word);
  if (irregular !== undefined) return irregular;
  let result = word;
  if (result.length < 4 || /\d/u.test(result)) return result;
  if (result.endsWith('ies') && result.length > 5) return `${result.slice(0, -3)}y`;
  // "processes", "finishes", "matches", "boxes": the plural adds "es" after a sibilant.
  if (/(?:ss|sh|ch|x|z)es$/u.test(result)) return result.slice(0, -2);
  if (result.endsWith('s') && !result.endsWith('ss') && !result.endsWith('us') && !result.endsWith('is')) {
    result = result.slice(0, -1);
  }
  if (result.endsWith('ing') && result.length > 6) result = result.slice(0, -3);
  else if (result.endsWith('ed') && result.length > 5) result = result.slice(0, -2);
  else return result;
  // "running" → "runn" → "run"; keep "ll"/"ss" endings ("install", "process") as they are.
  const last = result.at(-1);
  if (last !== undefined && last === result.at(-2) && !'lsaeiou'.includes(last)) result = result.slice(0, -1);
  return result;
}

/** "Podcite's" → "podcite", "don't" → "dont"; most words have no apostrophe and skip both patterns. */
function withoutApostrophes(word: string): string {
  if (!word.includes("'") && !word.includes('’')) return word;
  return word.replace(/['’]s$/u, '').replace(/['’]/gu, '');
}

/** Splits text into words: lower-cased, apostrophes removed ("don’t" → "dont"), no stopwords or stemming. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  for (const match of text.toLowerCase().matchAll(WORD_PATTERN)) words.push(withoutApostrophes(match[0]));
  return words;
}

// Word → term ('' for a stopword). A transcript corpus has a vocabulary of tens of thousands of
// words and millions of tokens, so stemming each distinct word once makes indexing several times faster.
const termCache = new Map<string, string>();
const TERM_CACHE_LIMIT = 200_000;

/** Index terms for a text: words without stopwords, stemmed. Order (and repeats) follow the text. */
export function tokenize(text: string): string[] {
  const terms: string[] = [];
  for (const match of text.toLowerCase().matchAll(WORD_PATTERN)) {
    const raw = match[0];
    let term = termCache.get(raw);
    if (term === undefined) {
      const word = withoutApostrophes(raw);
      term = STOPWORDS.has(word) ? '' : stem(word);
      if (termCache.size < TERM_CACHE_LIMIT) termCache.set(raw, term);
    }
    if (term !== '') terms.push(term);
  }
  return terms;
}

/**
 * Words that frame a question about a podcast rather than name its subject ("When does David
 * *start* *talking* about…", "What did the *guest* *say*…"). Dropped from queries only: in a
 * transcript they are ordinary words and stay indexed.
 */
export const QUESTION_FRAME_WORDS: ReadonlySet<string> = new Set(
  (
    'episode episodes podcast show guest guests host hosts talk talks talked talking mention mentions mentioned ' +
    'describe describes described explain explains explained discuss discusses discussed ask asks asked start starts ' +
    'begin begins timestamp point according tell tells told argue argues argued bring brings brought come comes came'
  )
    .split(' ')
    .map((word) => stem(word)),
);

/** Terms of a question: `tokenize` without the words that only frame the question. */
export function tokenizeQuery(question: string): string[] {
  const terms = tokenize(question);
  const content = terms.filter((term) => !QUESTION_FRAME_WORDS.has(term));
  // A question made only of framing words keeps them rather than matching nothing.
  return content.length > 0 ? content : terms;
}
