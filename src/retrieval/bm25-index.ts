import { tokenize } from './tokenize.js';

/** BM25 tuning. Defaults are the usual Okapi values. */
export interface Bm25Parameters {
  /** Term-frequency saturation; higher lets repeated words keep adding score. Default 1.2. */
  k1: number;
  /** Length normalisation, 0 (none) .. 1 (full). Default 0.75. */
  b: number;
}

/** One lexical match: the document's position in the list the index was built from. */
export interface Bm25Match {
  document: number;
  score: number;
}

interface Postings {
  documents: Int32Array;
  frequencies: Int32Array;
}

/**
 * An in-memory Okapi BM25 index over a fixed list of documents. Postings are typed arrays sorted
 * by document so a query touches only the documents that contain its terms, and the exact score
 * of any single document can be looked up by binary search (for fusing with dense results).
 */
export class Bm25Index {
  readonly documentCount: number;
  readonly averageLength: number;
  private readonly parameters: Bm25Parameters;
  private readonly lengths: Int32Array;
  private readonly postings: Map<string, Postings>;

  private constructor(options: {
    lengths: Int32Array;
    postings: Map<string, Postings>;
    parameters: Bm25Parameters;
  }) {
    this.lengths = options.lengths;
    this.postings = options.postings;
    this.parameters = options.parameters;
    this.documentCount = options.lengths.length;
    let total = 0;
    for (const length of options.lengths) total += length;
    this.averageLength = this.documentCount === 0 ? 0 : total / this.documentCount;
  }

  /**
   * Builds the index from raw texts (tokenized with `tokenize`). Linear in the number of words.
   */
  static build(texts: readonly string[], parameters: Partial<Bm25Parameters> = {}): Bm25Index {
    return Bm25Index.fromTerms(
      texts.map((text) => tokenize(text)),
      parameters,
    );
  }

  /** Builds the index from documents already tokenized (lets callers tokenize once for several indexes). */
  static fromTerms(documents: readonly (readonly string[])[], parameters: Partial<Bm25Parameters> = {}): Bm25Index {
    const lengths = new Int32Array(documents.length);
    const growing = new Map<string, { documents: number[]; frequencies: number[] }>();
    documents.forEach((terms, document) => {
      lengths[document] = terms.length;
      const counts = new Map<string, number>();
      for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
      for (const [term, count] of counts) {
        let list = growing.get(term);
        if (!list) {
          list = { documents: [], frequencies: [] };
          growing.set(term, list);
        }
        list.documents.push(document);
        list.frequencies.push(count);
      }
    });
    const postings = new Map<string, Postings>();
    for (const [term, list] of growing) {
      postings.set(term, {
        documents: Int32Array.from(list.documents),
        frequencies: Int32Array.from(list.frequencies),
      });
    }
    return new Bm25Index({ lengths, postings, parameters: { k1: 1.2, b: 0.75, ...parameters } });
  }

  /** Number of documents containing the term (already tokenized). */
  documentFrequency(term: string): number {
    return this.postings.get(term)?.documents.length ?? 0;
  }

  /** Okapi inverse document frequency (the +1 form, never negative); 0 for unknown terms. */
  inverseDocumentFrequency(term: string): number {
    const frequency = this.documentFrequency(term);
    if (frequency === 0) return 0;
    return Math.log(1 + (this.documentCount - frequency + 0.5) / (frequency + 0.5));
  }

  /**
   * Score a document of average length gets when it contains every query term once: the sum of
   * the terms' IDFs. Dividing a BM25 score by this gives an absolute "how much of the query does
   * this cover" that, unlike max-normalisation, stays low when only weak words matched.
   */
  referenceScore(terms: readonly string[]): number {
    let total = 0;
    for (const term of new Set(terms)) total += this.inverseDocumentFrequency(term);
    return total;
  }

  /**
   * Best documents for the query terms, best first. `accept` filters documents inside the search
   * (so `k` matches still come back when a filter is active). Repeated query terms count once.
   */
  search(
    terms: readonly string[],
    options: { k: number; accept?: ((document: number) => boolean) | undefined },
  ): Bm25Match[] {
    // A dense accumulator beats a Map when common terms touch thousands of documents.
    const scores = new Float64Array(this.documentCount);
    const touched: number[] = [];
    for (const term of new Set(terms)) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = this.inverseDocumentFrequency(term);
      for (let position = 0; position < list.documents.length; position++) {
        const document = list.documents[position]!;
        if (scores[document] === 0) touched.push(document);
        scores[document] =
          scores[document]! + this.termScore({ idf, frequency: list.frequencies[position]!, document });
      }
    }
    const matches: Bm25Match[] = [];
    for (const document of touched) {
      if (options.accept && !options.accept(document)) continue;
      matches.push({ document, score: scores[document]! });
    }
    // Ties fall back to document order so results are deterministic.
    matches.sort((left, right) => right.score - left.score || left.document - right.document);
    return matches.slice(0, options.k);
  }

  /** Exact BM25 score of one document for the query terms (0 when it shares none). */
  score(terms: readonly string[], document: number): number {
    let total = 0;
    for (const term of new Set(terms)) {
      const list = this.postings.get(term);
      if (!list) continue;
      const position = binarySearch(list.documents, document);
      if (position < 0) continue;
      total += this.termScore({
        idf: this.inverseDocumentFrequency(term),
        frequency: list.frequencies[position]!,
        document,
      });
    }
    return total;
  }

  private termScore(options: { idf: number; frequency: number; document: number }): number {
    const { k1, b } = this.parameters;
    const length = this.lengths[options.document] ?? 0;
    const norm = this.averageLength === 0 ? 1 : 1 - b + (b * length) / this.averageLength;
    return (options.idf * options.frequency * (k1 + 1)) / (options.frequency + k1 * norm);
  }
}

function binarySearch(sorted: Int32Array, value: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const found = sorted[middle]!;
    if (found === value) return middle;
    if (found < value) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}
