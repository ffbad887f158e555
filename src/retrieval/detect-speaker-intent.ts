import { STOPWORDS, splitWords } from './tokenize.js';

/**
 * Speakers a question names, from the speakers known to the index. "what did Felix say about
 * skills?" → ["Felix Rieseberg"]. A full name always matches; a single part of a name (first or
 * last) matches when it is at least three letters and either capitalised in the question or not an
 * ordinary English word ("will", "may"), so lower-case questions still work for distinctive names.
 * A name part shared by several speakers matches all of them: the boost is soft.
 */
export function detectSpeakerIntent(question: string, speakers: Iterable<string>): string[] {
  return createSpeakerMatcher(speakers)(question);
}

/**
 * `detectSpeakerIntent` with the speakers' names split once: a retriever over an index of hundreds
 * of speakers calls the returned function for every question.
 */
export function createSpeakerMatcher(speakers: Iterable<string>): (question: string) => string[] {
  const named = [...new Set(speakers)].flatMap((speaker) => {
    const parts = splitWords(speaker);
    if (parts.length === 0 || parts.every((part) => GENERIC_LABELS.has(part))) return [];
    return [{ speaker, parts, phrase: ` ${parts.join(' ')} ` }];
  });
  // Only speakers with a name part in the question can match; index them by part.
  const byPart = new Map<string, typeof named>();
  for (const entry of named) {
    for (const part of new Set(entry.parts)) {
      const list = byPart.get(part) ?? [];
      list.push(entry);
      byPart.set(part, list);
    }
  }
  return (question) => {
    const questionWords = splitWords(question);
    const questionWordSet = new Set(questionWords);
    const candidates = new Set(questionWords.flatMap((word) => byPart.get(word) ?? []));
    if (candidates.size === 0) return [];
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
    // In the speakers' own order, as before the index by part.
    for (const entry of named) {
      if (!candidates.has(entry)) continue;
      const { speaker, parts, phrase } = entry;
      if (questionText.includes(phrase)) {
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
  };
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
