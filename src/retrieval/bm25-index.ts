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
  /** `k1 · (1 − b + b · length / averageLength)` per document: the length part of every term score. */
  private readonly lengthNorms: Float64Array;
  private readonly postings: Map<string, Postings>;
  /** Score accumulator reused by `search` (all zero between calls), so a query allocates no 8-byte-per-document array. */
  private readonly scratch: Float64Array;

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
    const { k1, b } = this.parameters;
    this.lengthNorms = Float64Array.from(options.lengths, (length) =>
      this.averageLength === 0 ? k1 : k1 * (1 - b + (b * length) / this.averageLength),
    );
    this.scratch = new Float64Array(this.documentCount);
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

  /**
   * Builds the index from documents already tokenized (lets callers tokenize once for several indexes).
   * Terms are numbered as they first appear and counted per document in one reused array, so each
   * occurrence costs one map lookup and no per-document map is allocated.
   */
  static fromTerms(documents: readonly (readonly string[])[], parameters: Partial<Bm25Parameters> = {}): Bm25Index {
    const lengths = new Int32Array(documents.length);
    const termIds = new Map<string, number>();
    const postingDocuments: number[][] = [];
    const postingFrequencies: number[][] = [];
    let counts = new Int32Array(1024);
    const seen: number[] = [];
    documents.forEach((terms, document) => {
      lengths[document] = terms.length;
      for (const term of terms) {
        let id = termIds.get(term);
        if (id === undefined) {
          id = termIds.size;
          termIds.set(term, id);
          postingDocuments.push([]);
          postingFrequencies.push([]);
          if (id >= counts.length) {
            const larger = new Int32Array(counts.length * 2);
            larger.set(counts);
            counts = larger;
          }
        }
        const count = counts[id]!;
        if (count === 0) seen.push(id);
        counts[id] = count + 1;
      }
      for (const id of seen) {
        postingDocuments[id]!.push(document);
        postingFrequencies[id]!.push(counts[id]!);
        counts[id] = 0;
      }
      seen.length = 0;
    });
    const postings = new Map<string, Postings>();
    for (const [term, id] of termIds) {
      postings.set(term, {
        documents: Int32Array.from(postingDocuments[id]!),
        frequencies: Int32Array.from(postingFrequencies[id]!),
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
    const scores = this.scratch;
    const touched: number[] = [];
    for (const term of new Set(terms)) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = this.inverseDocumentFrequency(term);
      const { documents, frequencies } = list;
      for (let position = 0; position < documents.length; position++) {
        const document = documents[position]!;
        const frequency = frequencies[position]!;
        if (scores[document] === 0) touched.push(document);
        scores[document] = scores[document]! + this.termScore(idf, frequency, document);
      }
    }
    const best = new TopMatches(options.k);
    for (const document of touched) {
      const score = scores[document]!;
      scores[document] = 0;
      if (options.accept && !options.accept(document)) continue;
      best.offer(document, score);
    }
    return best.sorted();
  }

  /** Exact BM25 score of one document for the query terms (0 when it shares none). */
  score(terms: readonly string[], document: number): number {
    let total = 0;
    for (const term of new Set(terms)) {
      const list = this.postings.get(term);
      if (!list) continue;
      const position = binarySearch(list.documents, document);
      if (position < 0) continue;
      total += this.termScore(this.inverseDocumentFrequency(term), list.frequencies[position]!, document);
    }
    return total;
  }

  /** One term's BM25 contribution to a document (positional arguments: this runs once per posting). */
  private termScore(idf: number, frequency: number, document: number): number {
    return (idf * frequency * (this.parameters.k1 + 1)) / (frequency + this.lengthNorms[document]!);
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

/**
 * The k best matches seen so far, in a min-heap on (score, then later document first), so picking
 * the top k of n touched documents costs O(n log k) instead of sorting all n. Ties rank the earlier
 * document first, so results are deterministic.
 */
class TopMatches {
  private readonly heap: Bm25Match[] = [];

  constructor(private readonly k: number) {}

  offer(document: number, score: number): void {
    const heap = this.heap;
    if (heap.length < this.k) {
      heap.push({ document, score });
      this.siftUp(heap.length - 1);
    } else if (heap.length > 0 && worse(heap[0]!, { document, score })) {
      heap[0] = { document, score };
      this.siftDown(0);
    }
  }

  /** Best first. */
  sorted(): Bm25Match[] {
    return [...this.heap].sort((left, right) => right.score - left.score || left.document - right.document);
  }

  private siftUp(index: number): void {
    const heap = this.heap;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!worse(heap[index]!, heap[parent]!)) return;
      [heap[index], heap[parent]] = [heap[parent]!, heap[index]!];
      index = parent;
    }
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && worse(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && worse(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === index) return;
      [heap[index], heap[smallest]] = [heap[smallest]!, heap[index]!];
      index = smallest;
    }
  }
}

/** Whether `a` ranks below `b`: a lower score, or the same score and a later document. */
function worse(a: Bm25Match, b: Bm25Match): boolean {
  return a.score < b.score || (a.score === b.score && a.document > b.document);
}
