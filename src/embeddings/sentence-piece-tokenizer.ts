import type { UseLiteVocabulary } from './use-lite-files.js';

/** SentencePiece's word-boundary mark: a space, and the start of a text, become this character. */
const WORD_MARK = '\u2581';
/** The vocabulary's first ids are the unknown piece, control and reserved symbols: never matched in text. */
const RESERVED_IDS = 6;
/** Id of the unknown piece: what a character no piece starts with becomes. */
export const UNKNOWN_PIECE = 0;

interface TrieNode {
  children: Map<string, TrieNode>;
  /** Vocabulary id when a piece ends here, else -1. */
  id: number;
  score: number;
}

/**
 * SentencePiece unigram tokenizer over Universal Sentence Encoder lite's 8k vocabulary: the most likely
 * split of each word (Viterbi over the pieces' log-probabilities), giving the ids the model was fed.
 *
 * It makes the same ids as `Tokenizer` from `@tensorflow-models/universal-sentence-encoder` (the test
 * compares them on the bundled corpus), but works word by word: no piece of this vocabulary contains the
 * word mark except as its first character, so the best split of a text is the best splits of its words
 * joined, and a word met before is looked up instead of split again. That tokenizer also copies the rest
 * of the text at every position (quadratic in the text's length); this one is linear.
 */
export class SentencePieceTokenizer {
  private readonly root: TrieNode = { children: new Map(), id: -1, score: 0 };
  private readonly pieceLengths: Int32Array;
  private readonly cache = new Map<string, readonly number[]>();
  private readonly cacheLimit: number;

  /**
   * @param vocabulary `[piece, log-probability]` pairs indexed by id, as `vocab.json` ships them.
   * @param options.cacheLimit words whose ids are remembered (default 200,000; the cache is cleared when full).
   */
  constructor(vocabulary: UseLiteVocabulary, options: { cacheLimit?: number } = {}) {
    this.cacheLimit = options.cacheLimit ?? 200_000;
    this.pieceLengths = new Int32Array(vocabulary.length);
    vocabulary.forEach(([piece, score], id) => {
      this.pieceLengths[id] = [...piece].length;
      if (id < RESERVED_IDS) return;
      let node = this.root;
      for (const symbol of piece) {
        let child = node.children.get(symbol);
        if (!child) {
          child = { children: new Map(), id: -1, score: 0 };
          node.children.set(symbol, child);
        }
        node = child;
      }
      node.id = id;
      node.score = score;
    });
  }

  /** The text's piece ids, in order; empty for an empty text. Runs of unknown characters become one unknown id. */
  encode(text: string): number[] {
    const normalised = text.normalize('NFKC');
    if (normalised.length === 0) return [];
    const marked = WORD_MARK + normalised.replaceAll(' ', WORD_MARK);
    const ids: number[] = [];
    let start = 0;
    while (start < marked.length) {
      let end = marked.indexOf(WORD_MARK, start + 1);
      if (end < 0) end = marked.length;
      const word = marked.slice(start, end);
      for (const id of this.encodeWord(word)) {
        // The reference tokenizer merges consecutive unknown ids, across words too.
        if (id === UNKNOWN_PIECE && ids.length > 0 && ids[ids.length - 1] === UNKNOWN_PIECE) continue;
        ids.push(id);
      }
      start = end;
    }
    return ids;
  }

  private encodeWord(word: string): readonly number[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    const ids = this.viterbi([...word]);
    if (this.cache.size >= this.cacheLimit) this.cache.clear();
    this.cache.set(word, ids);
    return ids;
  }

  /**
   * Best split of one word's symbols. Ties and the unknown piece's score (0, above every real piece's
   * log-probability) are resolved as the reference tokenizer resolves them, so both give the same ids.
   */
  private viterbi(symbols: string[]): number[] {
    const size = symbols.length;
    const best = new Float64Array(size + 1);
    const bestId = new Int32Array(size + 1);
    for (let start = 0; start < size; start++) {
      let node = this.root.children.get(symbols[start]!);
      let matched = false;
      for (let end = start + 1; node; end++) {
        if (node.id >= 0) {
          matched = true;
          consider(end, node.id, node.score + best[start]!);
        }
        node = end < size ? node.children.get(symbols[end]!) : undefined;
      }
      if (!matched) consider(start + 1, UNKNOWN_PIECE, best[start]!);
    }
    function consider(end: number, id: number, score: number): void {
      // 0 doubles as "nothing reaches here yet", as in the reference implementation.
      if (best[end] === 0 || score >= best[end]!) {
        best[end] = score;
        bestId[end] = id;
      }
    }
    const reversed: number[] = [];
    for (let end = size; end > 0; ) {
      const id = bestId[end]!;
      reversed.push(id);
      end -= id === UNKNOWN_PIECE ? 1 : this.pieceLengths[id]!;
    }
    return reversed.reverse();
  }
}
