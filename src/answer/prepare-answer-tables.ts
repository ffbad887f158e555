import type { LoadedIndex } from '../store/loaded-index.js';
import { corpusVocabulary } from './question-coverage.js';
import { inverseDocumentFrequency } from './score-sentences.js';

/**
 * Builds the per-index tables the extractive answerer otherwise builds on the first question
 * (corpus vocabulary for coverage checks, term statistics for sentence scoring). On a 36k-chunk
 * index that first question cost seconds; the server calls this once after it starts listening.
 */
export function prepareAnswerTables(index: LoadedIndex): void {
  corpusVocabulary(index);
  inverseDocumentFrequency(index, 'podcast');
}
