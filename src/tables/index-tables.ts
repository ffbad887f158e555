import { type CorpusVocabulary, createVocabularyTable } from '../answer/question-coverage.js';
import { buildChunkLexicalIndex, type ChunkLexicalIndex } from '../retrieval/create-retriever.js';
import type { LoadedIndex } from '../store/loaded-index.js';

/**
 * A loaded index with the in-memory tables built from it once, shared by the retriever and the
 * answerers over it: the lexical side (BM25 over chunks and whole episodes, chunk positions, the
 * speakers named), and the coverage vocabulary. A new index (a live reload) gets new tables.
 */
export interface IndexTables extends LoadedIndex {
  readonly lexical: ChunkLexicalIndex;
  /** The coverage vocabulary, built on first use unless `prepare` built it already. */
  vocabulary(): CorpusVocabulary;
  /**
   * Builds what is still lazy (the vocabulary) in slices of about `sliceMs` (default 15), yielding to
   * the event loop between them, so a server that calls it after it starts listening keeps serving.
   */
  prepare(options?: { sliceMs?: number | undefined }): Promise<void>;
}

/**
 * Builds the tables of `index`: the lexical side now (~1 s per 2M words; the retriever needs it at
 * once), the vocabulary on first use or `prepare`.
 */
export function buildIndexTables(index: LoadedIndex): IndexTables {
  const lexical = buildChunkLexicalIndex(index.chunks);
  const vocabulary = createVocabularyTable(index);
  return {
    ...index,
    lexical,
    vocabulary: () => vocabulary.get(),
    prepare: (options = {}) => vocabulary.prepare(options.sliceMs),
  };
}
