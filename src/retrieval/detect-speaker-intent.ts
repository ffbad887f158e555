import { STOPWORDS, splitWords } from './tokenize.js';

/**
 * Speakers a question names, from the speakers known to the index. "what did Felix say about
 * skills?" → ["Felix Rieseberg"]. A full name always matches; a single part of a name (first or
 * last) matches when it is at least three letters and either capitalised in the question or not an
 * ordinary English word ("will", "may"), so lower-case questions still work for distinctive names.
 * A name part shared by several speakers matches all of them: the boost is soft.
 */
export function detectSpeakerIntent(question: string, speakers: Iterable<string>): string[] {
  const questionWords = splitWords(question);
  const questionWordSet = new Set(questionWords);
  const capitalised = new Set(
    [...question.matchAll(/\p{Lu}[\p{L}\p{N}'’-]*/gu)].map((match) =>
      match[0]
        .toLowerCase()
        .replace(/['’]s$/u, '')
        .replace(/['’]/gu, ''),
    ),
  );
  const questionText = ` ${questionWords.join(' ')} `;
  const matched: string[] = [];
  for (const speaker of new Set(speakers)) {
    const parts = splitWords(speaker);
    if (parts.length === 0 || parts.every((part) => GENERIC_LABELS.has(part))) continue;
    if (questionText.includes(` ${parts.join(' ')} `)) {
      matched.push(speaker);
      continue;
    }
    const partMatches = parts.some(
      (part) =>
        part.length >= 3 &&
        questionWordSet.has(part) &&
        !GENERIC_LABELS.has(part) &&
        (capitalised.has(part) || !STOPWORDS.has(part)) &&
        (capitalised.has(part) || !COMMON_WORDS.has(part)),
    );
    if (partMatches) matched.push(speaker);
  }
  return matched;
}

// Labels transcripts use instead of names; a question mentioning "the host" names nobody.
const GENERIC_LABELS: ReadonlySet<string> = new Set(['speaker', 'host', 'guest', 'interviewer', 'unknown', 'break']);

// Ordinary words that are also first or last names; they count only when capitalised.
const COMMON_WORDS: ReadonlySet<string> = new Set(
  (
    'will may mark bill rose grace hope joy faith june april august dawn sky summer art chase drew frank guy ' +
    'hunter king major miles price rich ray sage scott shell smith stone victor wade white young long brown green ' +
    'black gray grey hall hill lane little park page rice ward wood said chip max pat sun song fan'
  ).split(' '),
);
