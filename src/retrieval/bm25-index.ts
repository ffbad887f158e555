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
  /** The highest score this term gives any one document (MaxScore's bound). */
  upper: number;
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

  private constructor(options: {
    lengths: Int32Array;
    postings: Map<string, Omit<Postings, 'upper'>>;
    parameters: Bm25Parameters;
  }) {
    this.lengths = options.lengths;
    this.parameters = options.parameters;
    this.documentCount = options.lengths.length;
    let total = 0;
    for (const length of options.lengths) total += length;
    this.averageLength = this.documentCount === 0 ? 0 : total / this.documentCount;
    const { k1, b } = this.parameters;
    this.lengthNorms = Float64Array.from(options.lengths, (length) =>
      this.averageLength === 0 ? k1 : k1 * (1 - b + (b * length) / this.averageLength),
    );
    // One pass over every posting at build time: each term's best single-document score.
    this.postings = new Map();
    for (const [term, list] of options.postings) {
      const idf = this.idfOf(list.documents.length);
      let upper = 0;
      for (let position = 0; position < list.documents.length; position++) {
        const score = this.termScore(idf, list.frequencies[position]!, list.documents[position]!);
        if (score > upper) upper = score;
      }
      this.postings.set(term, { ...list, upper });
    }
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
    const postings = new Map<string, Omit<Postings, 'upper'>>();
    for (const [term, id] of termIds) {
      postings.set(term, {
        documents: Int32Array.from(postingDocuments[id]!),
        frequencies: Int32Array.from(postingFrequencies[id]!),
      });
    }
    return new Bm25Index({ lengths, postings, parameters: { k1: 1.2, b: 0.75, ...parameters } });
  }

  /** Whether `document` contains the term (already tokenized): a binary search of its postings. */
  contains(term: string, document: number): boolean {
    const documents = this.postings.get(term)?.documents;
    return documents !== undefined && binarySearch(documents, document) >= 0;
  }

  /** How many terms `document` has (0 for a position outside the index). */
  documentLength(document: number): number {
    return this.lengths[document] ?? 0;
  }

  /** Number of documents containing the term (already tokenized). */
  documentFrequency(term: string): number {
    return this.postings.get(term)?.documents.length ?? 0;
  }

  /** Okapi inverse document frequency (the +1 form, never negative); 0 for unknown terms. */
  inverseDocumentFrequency(term: string): number {
    return this.idfOf(this.documentFrequency(term));
  }

  private idfOf(frequency: number): number {
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
   *
   * Exact top-k by MaxScore (Turtle & Flood 1995): terms are ordered by the most any one document can
   * get from them; once the k-th best score so far exceeds what the weakest terms can add together,
   * documents found only in those terms' postings cannot enter the top k, so those lists are no longer
   * walked, only probed for the documents the other terms bring up. A question's common words ("model",
   * "data") hold most of the postings, so at catalogue scale most postings are never touched. Returns
   * exactly what scoring every matching document would (same scores, same tie order: earlier first).
   */
  search(
    terms: readonly string[],
    options: { k: number; accept?: ((document: number) => boolean) | undefined },
  ): Bm25Match[] {
    const lists: Array<Postings & { idf: number; upper: number }> = [];
    for (const term of new Set(terms)) {
      const list = this.postings.get(term);
      if (list) lists.push({ ...list, idf: this.inverseDocumentFrequency(term) });
    }
    const best = new TopMatches(options.k);
    if (lists.length === 0 || options.k < 1) return [];
    // Weakest first; `reach[i]` bounds what lists 0..i can add to any one document. The small margin
    // keeps rounding in the sums from ever pruning a document that would tie the k-th score.
    lists.sort((left, right) => left.upper - right.upper);
    const reach = new Float64Array(lists.length);
    let sum = 0;
    lists.forEach((list, position) => {
      sum += list.upper;
      reach[position] = sum * (1 + 1e-9);
    });
    const cursors = new Int32Array(lists.length);
    const { k1 } = this.parameters;
    const lengthNorms = this.lengthNorms;
    const accept = options.accept;
    // A head start: the k-th best exact score among the documents of the rarest terms is a score the final
    // k-th must reach, so pruning can begin before the walk (in document order) has filled the heap.
    const floor = this.primingFloor(lists, options.k, accept);
    let threshold = floor;
    // Lists below `firstEssential` are probed only; a document must appear in one at or above it.
    let firstEssential = 0;
    for (;;) {
      let document = 0x7fffffff;
      for (let position = firstEssential; position < lists.length; position++) {
        const cursor = cursors[position]!;
        const documents = lists[position]!.documents;
        if (cursor < documents.length && documents[cursor]! < document) document = documents[cursor]!;
      }
      if (document === 0x7fffffff) break;
      let score = 0;
      for (let position = lists.length - 1; position >= firstEssential; position--) {
        const list = lists[position]!;
        const cursor = cursors[position]!;
        if (list.documents[cursor] === document) {
          const frequency = list.frequencies[cursor]!;
          score += (list.idf * frequency * (k1 + 1)) / (frequency + lengthNorms[document]!);
          cursors[position] = cursor + 1;
        }
      }
      if (accept && !accept(document)) continue;
      let pruned = false;
      for (let position = firstEssential - 1; position >= 0; position--) {
        if (score + reach[position]! < threshold) {
          pruned = true;
          break;
        }
        const list = lists[position]!;
        const cursor = seek(list.documents, cursors[position]!, document);
        cursors[position] = cursor;
        if (list.documents[cursor] === document) {
          const frequency = list.frequencies[cursor]!;
          score += (list.idf * frequency * (k1 + 1)) / (frequency + lengthNorms[document]!);
        }
      }
      if (pruned) continue;
      if (best.offer(document, score)) {
        threshold = Math.max(floor, best.threshold());
        while (firstEssential < lists.length && reach[firstEssential]! < threshold) firstEssential++;
      }
    }
    return best.sorted();
  }

  /**
   * The same result as `search`, by scoring every document that contains a query term (term at a
   * time, into an array the size of the index). The reference `search` is tested and benched against.
   */
  searchExhaustive(
    terms: readonly string[],
    options: { k: number; accept?: ((document: number) => boolean) | undefined },
  ): Bm25Match[] {
    const scores = this.scoreAll(terms);
    const best = new TopMatches(options.k);
    if (options.k < 1) return [];
    scores.forEach((score, document) => {
      if (score > 0 && (!options.accept || options.accept(document))) best.offer(document, score);
    });
    return best.sorted();
  }

  /**
   * The k-th best exact score among the documents of the query's rarest terms (−∞ when they hold
   * fewer than k accepted documents): a lower bound on the k-th best score over all documents.
   */
  private primingFloor(
    lists: ReadonlyArray<Postings & { idf: number }>,
    k: number,
    accept: ((document: number) => boolean) | undefined,
  ): number {
    const rarest = [...lists].sort((left, right) => left.documents.length - right.documents.length);
    let budget = 0;
    let used = 0;
    // Enough rare postings to hold k documents, but never a common term's whole list.
    while (used < rarest.length && budget < k) budget += rarest[used++]!.documents.length;
    if (budget < k || budget > 8 * k) return Number.NEGATIVE_INFINITY;
    const seen = new Set<number>();
    const top = new TopMatches(k);
    const { k1 } = this.parameters;
    for (let which = 0; which < used; which++) {
      for (const document of rarest[which]!.documents) {
        if (seen.has(document)) continue;
        seen.add(document);
        if (accept && !accept(document)) continue;
        let score = 0;
        for (let position = lists.length - 1; position >= 0; position--) {
          const list = lists[position]!;
          const at = binarySearch(list.documents, document);
          if (at < 0) continue;
          const frequency = list.frequencies[at]!;
          score += (list.idf * frequency * (k1 + 1)) / (frequency + this.lengthNorms[document]!);
        }
        top.offer(document, score);
      }
    }
    return top.threshold();
  }

  /**
   * Every document's BM25 score for the query terms, by document number (0 where it shares none).
   * For small indexes that need all scores (the whole-episode match): no heap, no sort, no objects.
   */
  scoreAll(terms: readonly string[]): Float64Array {
    const scores = new Float64Array(this.documentCount);
    for (const term of new Set(terms)) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = this.inverseDocumentFrequency(term);
      const { documents, frequencies } = list;
      for (let position = 0; position < documents.length; position++) {
        const document = documents[position]!;
        scores[document] = scores[document]! + this.termScore(idf, frequencies[position]!, document);
      }
    }
    return scores;
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

/** First position at or after `from` whose document is ≥ `target` (galloping, then binary search). */
function seek(sorted: Int32Array, from: number, target: number): number {
  if (from >= sorted.length || sorted[from]! >= target) return from;
  let low = from;
  let step = 1;
  let high = from + step;
  while (high < sorted.length && sorted[high]! < target) {
    low = high;
    step *= 2;
    high = from + step;
  }
  if (high > sorted.length) high = sorted.length;
  // sorted[low] < target; the answer is in (low, high].
  while (low + 1 < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < target) low = middle;
    else high = middle;
  }
  return high;
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

  /** Keeps the match if it is among the k best so far; says whether it was kept. */
  offer(document: number, score: number): boolean {
    const heap = this.heap;
    if (heap.length < this.k) {
      heap.push({ document, score });
      this.siftUp(heap.length - 1);
      return true;
    }
    if (heap.length > 0 && worse(heap[0]!, { document, score })) {
      heap[0] = { document, score };
      this.siftDown(0);
      return true;
    }
    return false;
  }

  /** The score a new match must beat once k are held (−∞ before). */
  threshold(): number {
    return this.heap.length < this.k ? Number.NEGATIVE_INFINITY : this.heap[0]!.score;
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
