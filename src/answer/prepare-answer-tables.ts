import { lexicalIndexFor } from '../retrieval/create-retriever.js';
import type { LoadedIndex } from '../store/loaded-index.js';
import { prepareCorpusVocabulary } from './question-coverage.js';

/**
 * Builds the per-index tables the extractive answerer otherwise builds on the first question
 * (corpus vocabulary for coverage checks; the lexical index whose term statistics score
 * sentences). On a 36k-chunk index that first question cost seconds; the server calls this once
 * after it starts listening, and the vocabulary is built in slices so requests are served meanwhile.
 */
export async function prepareAnswerTables(index: LoadedIndex): Promise<void> {
  lexicalIndexFor(index);
  await prepareCorpusVocabulary(index);
}
