import { type Chunk, chunkIdOf, type Retriever, type SearchHit, type SearchOptions } from '../domain.js';
import type { PodciteEmbeddings } from '../embeddings/podcite-embeddings.js';
import { PodciteError } from '../errors.js';
import type { IndexTables } from '../tables/index-tables.js';
import { embeddingText } from '../util/chunk-text.js';
import { Bm25Index, type Bm25Parameters } from './bm25-index.js';
import { createSpeakerMatcher } from './detect-speaker-intent.js';
import { diversifyHits } from './diversify-hits.js';
import { type DenseNormalisation, type FusionCandidate, type FusionWeights, fuseScores } from './fuse-scores.js';
import { RERANK_DEPTH, rerankHits, rerankQuestion } from './rerank-hits.js';
import { tokenize, tokenizeQuery } from './tokenize.js';

/**
 * Which evidence ranks chunks: both plus the extras in `RetrieverTuning` (the shipped default), or
 * one side alone with no extras (the baselines `npm run eval` compares against).
 */
export type RetrievalMode = 'hybrid' | 'lexical' | 'dense';

/** Knobs of the hybrid retriever; defaults were chosen on the Latent Space dev set (see `npm run eval`). */
export interface RetrieverTuning {
  weights: FusionWeights;
  denseNormalisation: DenseNormalisation;
  /** Cap on the normalised lexical score (BM25 / score of a document containing each query term once). */
  lexicalCap: number;
  /** How many candidates the lexical side contributes before fusion. */
  candidates: number;
  /** How many candidates the dense side contributes (undefined = `candidates`). */
  denseCandidates: number | undefined;
  /** Discount factor per already-chosen neighbouring chunk (1 = no diversification; see `diversifyHits`). */
  neighbourPenalty: number;
  /** Added (in normalised score units) to chunks spoken mainly by a speaker the question names. */
  speakerBoost: number;
  /** Share of `speakerBoost` a chunk gets when the named speaker speaks in it but is not its main speaker. */
  chimeInShare: number;
  /**
   * Words of their own a named speaker who is not the chunk's main speaker must say in it for the whole
   * `speakerBoost` (a sentence, not a "Yeah." or "Right."); fewer get `chimeInShare` of it. Undefined = never.
   */
  speakingWords: number | undefined;
  /**
   * Share of the better neighbouring chunk's fused score added to a chunk's own. Chunk boundaries
   * cut topics; a chunk next to a strong match is more likely to hold the answer than a stray one.
   */
  contextWeight: number;
  /** How many chunks either side count as context; a neighbour d chunks away counts 1/d. */
  contextWindow: number;
  /**
   * Weight of the episode's own match: BM25 of the question against whole episodes (title and
   * every chunk), relative to the best episode. Questions often name the episode's subject
   * ("Moonlake", "Common Voice") in words the answering chunk never repeats.
   */
  episodeWeight: number;
  /** Added to show-notes chunks when the question asks about the episode's description or show notes. */
  showNotesBoost: number;
  /**
   * HNSW search breadth of the dense side (hnswlib searches at least `candidates` wide); undefined =
   * the index's own `efSearch`, what dense-only retrieval uses.
   */
  denseEf: number | undefined;
  /** Embed the question without its leading interrogative ("When does …?" → "…"), closer to how transcripts state things. */
  declarativeDenseQuery: boolean;
  /** Reorder the best `RERANK_DEPTH` (or k) fused candidates by the fitted second stage (`rerankHits`). */
  rerank: boolean;
}

export const DEFAULT_RETRIEVER_TUNING: RetrieverTuning = {
  // Plain dense finds the gold chunk in the top 5 for 12–41 % of questions (both embedders, three sets),
  // plain BM25 for 68–74 %: dense is a tie-breaker here, not an equal partner.
  weights: { lexical: 0.9, dense: 0.1 },
  // Issue 13, third round: chosen on the three held-out sets (Latent Space, Practical AI a and b: our own
  // questions over episodes no dev set uses) by `bench/fusion-study.ts --grid` (96 settings of dense pool,
  // normalisation, context weight, chime-in share and speaking words), the best held-out R@5 + MRR among the
  // settings where the hybrid is nowhere below BM25 alone; of the four tied, the smaller dense pool (cheaper).
  // Held-out R@1/R@5/MRR vs BM25: Latent Space 0.65/0.80/0.70 (0.60/0.80/0.67; before 0.50/0.80/0.62),
  // Practical AI 0.51/0.83/0.66 (0.51/0.74/0.64), Practical AI b 0.58/1.00/0.76 (0.50/0.83/0.68).
  // A dense list of uniformly weak matches stays weak (`floor`) instead of its best being stretched to 1.
  denseNormalisation: 'floor',
  lexicalCap: 1.5,
  candidates: 100,
  // Dense weighs 0.1 and the static embedder's 31st+ neighbours rarely hold the answer: 30 candidates at
  // ef 50 scored the same on every held-out set as 100 at ef 100, for about half the HNSW time.
  denseCandidates: 30,
  // Diversification (0.9) cost recall on both Practical AI sets: in a turn cut into several chunks that
  // all match, it pushed the one holding the answer below its neighbours (held-out R@5 0.76 vs 0.80).
  neighbourPenalty: 1,
  speakerBoost: 0.15,
  chimeInShare: 0.5,
  // A named guest who answers inside a chunk of short turns grouped under the host says a sentence or more
  // there; "Yeah." is chiming in. Neutral on every held-out set; on the Practical AI dev set it lifts the
  // one question (p014) whose hybrid R@5 was below BM25's.
  speakingWords: 10,
  contextWeight: 0.15,
  contextWindow: 2,
  episodeWeight: 0.3,
  declarativeDenseQuery: true,
  showNotesBoost: 0.2,
  // The index searches at ef 200 so dense-only recall holds; the hybrid's 30 candidates need far less.
  denseEf: 50,
  rerank: true,
};

/** What `lexical` and `dense` modes run with: only their own signal ranks. */
const PLAIN_TUNING: RetrieverTuning = {
  ...DEFAULT_RETRIEVER_TUNING,
  neighbourPenalty: 1,
  speakerBoost: 0,
  contextWeight: 0,
  episodeWeight: 0,
  declarativeDenseQuery: false,
  showNotesBoost: 0,
  denseEf: undefined,
  rerank: false,
};

/** The lexical side, built once per index (`IndexTables.lexical`) and shared by everything over it. */
export interface ChunkLexicalIndex {
  bm25: Bm25Index;
  /** Position of each chunk in the index's `chunks` (= its BM25 document number). */
  positionById: Map<string, number>;
  /** Every speaker named in the index, for matching names in questions. */
  speakers: Set<string>;
  /** The index's speakers a question names (`createSpeakerMatcher` over `speakers`, built once). */
  namedSpeakers: (question: string) => string[];
  /** BM25 over whole episodes (title + all chunk text); document n is `episodeIds[n]`. */
  episodes: Bm25Index;
  episodeIds: string[];
}

/** A `Retriever` that also exposes what it was built from, so callers can reuse or inspect it. */
export interface HybridRetriever extends Retriever {
  readonly mode: RetrievalMode;
  readonly lexicalIndex: ChunkLexicalIndex;
  readonly tuning: RetrieverTuning;
}

/** Builds the BM25 index over `embeddingText(chunk)` for every chunk, in index order. */
export function buildChunkLexicalIndex(
  chunks: readonly Chunk[],
  parameters: Partial<Bm25Parameters> = {},
): ChunkLexicalIndex {
  const speakers = new Set<string>();
  // Tokenize once: the chunk index and the whole-episode index share the terms.
  const chunkTerms = chunks.map((chunk) => tokenize(embeddingText(chunk)));
  const episodeTerms = new Map<string, string[]>();
  chunks.forEach((chunk, position) => {
    for (const speaker of chunk.speakers) speakers.add(speaker);
    let terms = episodeTerms.get(chunk.episodeId);
    if (!terms) {
      terms = tokenize(chunk.episodeTitle);
      episodeTerms.set(chunk.episodeId, terms);
    }
    for (const term of chunkTerms[position]!) terms.push(term);
  });
  return {
    bm25: Bm25Index.fromTerms(chunkTerms, parameters),
    positionById: new Map(chunks.map((chunk, position) => [chunk.chunkId, position])),
    speakers,
    namedSpeakers: createSpeakerMatcher(speakers),
    episodes: Bm25Index.fromTerms([...episodeTerms.values()], parameters),
    episodeIds: [...episodeTerms.keys()],
  };
}

/** "According to the episode description…", "in the show notes": the answer is in the notes, not the talk. */
const SHOW_NOTES_INTENT = /\b(?:show\s*notes|episode\s+(?:description|notes|summary|page)|description|write-?up)\b/iu;

/** Largest `k` a search accepts (the HTTP contract's limit). */
export const MAX_SEARCH_K = 50;

/**
 * Hybrid retriever: BM25 over chunk text plus the index's dense search, fused by weighted
 * normalised scores, nudged towards speakers the question names, then diversified so
 * neighbouring chunks of one turn do not fill the top k. Episode filters apply inside both
 * searches. The lexical side is the index's own (`IndexTables.lexical`), built once.
 */
export function createRetriever(options: {
  index: IndexTables;
  embeddings: PodciteEmbeddings;
  /** Default `hybrid`. */
  mode?: RetrievalMode | undefined;
  tuning?: Partial<RetrieverTuning> | undefined;
}): HybridRetriever {
  const { index, embeddings } = options;
  const mode = options.mode ?? 'hybrid';
  // A single-method mode is the plain baseline the hybrid is measured against: one signal, no extras.
  const tuning: RetrieverTuning =
    mode === 'hybrid' ? { ...DEFAULT_RETRIEVER_TUNING, ...options.tuning } : { ...PLAIN_TUNING, ...options.tuning };
  const lexicalIndex = index.lexical;
  const { bm25, positionById } = lexicalIndex;
  const chunks = index.chunks;
  const { namedSpeakers } = lexicalIndex;
  const neighbours =
    tuning.contextWeight > 0 ? neighbourPositions({ chunks, positionById, window: tuning.contextWindow }) : [];

  async function search(query: string, searchOptions: SearchOptions): Promise<SearchHit[]> {
    const k = searchOptions.k;
    if (!Number.isInteger(k) || k < 1 || k > MAX_SEARCH_K) {
      throw new PodciteError('bad_request:search', `k must be an integer from 1 to ${MAX_SEARCH_K} (got ${k}).`);
    }
    const episodeIds = searchOptions.episodeIds;
    const allowed = episodeIds ? new Set(episodeIds) : undefined;
    const pool = Math.max(tuning.candidates, k * 3);
    const densePool = Math.max(tuning.denseCandidates ?? tuning.candidates, k * 3);
    const terms = tokenizeQuery(query);
    const reference = bm25.referenceScore(terms);

    const accept = allowed ? (document: number) => allowed.has(chunks[document]!.episodeId) : undefined;
    // A store that ranks text itself (PostgreSQL) gives the lexical candidates, already relative to the
    // reference (so fusion divides by 1); otherwise the in-memory BM25, exact for every chunk.
    const storeLexical = index.lexicalSearch;
    const lexicalMatches =
      mode === 'dense'
        ? []
        : storeLexical
          ? await storeLexicalMatches({ storeLexical, query, k: pool, episodeIds, positionById })
          : reference === 0
            ? []
            : bm25.search(terms, { k: pool, accept });
    const denseHits =
      mode === 'lexical'
        ? []
        : await index.denseSearch(
            await embeddings.embedQuery(tuning.declarativeDenseQuery ? declarative(query) : query),
            { k: densePool, episodeIds, ef: tuning.denseEf },
          );

    const candidates = new Map<number, FusionCandidate>();
    for (const match of lexicalMatches) {
      candidates.set(match.document, { id: match.document, lexical: match.score, dense: undefined });
    }
    for (const hit of denseHits) {
      const position = positionById.get(hit.chunk.chunkId);
      if (position === undefined) continue;
      if (allowed && !allowed.has(hit.chunk.episodeId)) continue;
      const existing = candidates.get(position);
      if (existing) existing.dense = hit.score;
      else
        candidates.set(position, {
          id: position,
          lexical: storeLexical ? 0 : bm25.score(terms, position),
          dense: hit.score,
        });
    }
    // Dense-only candidates get their exact lexical score from the store too, as the in-memory BM25 gives it.
    const unscored = storeLexical
      ? [...candidates.values()].filter((candidate) => candidate.lexical === 0 && candidate.dense !== undefined)
      : [];
    if (storeLexical && mode !== 'dense' && unscored.length > 0) {
      const chunkIds = unscored.map((candidate) => chunks[candidate.id]!.chunkId);
      for (const hit of await storeLexical(query, { k: chunkIds.length, episodeIds, chunkIds })) {
        const candidate = candidates.get(positionById.get(hit.chunk.chunkId) ?? -1);
        if (candidate) candidate.lexical = hit.score;
      }
    }

    const weights: FusionWeights =
      mode === 'lexical' ? { lexical: 1, dense: 0 } : mode === 'dense' ? { lexical: 0, dense: 1 } : tuning.weights;
    const fused = fuseScores({
      candidates: [...candidates.values()],
      weights,
      lexicalReference: storeLexical ? 1 : reference,
      lexicalCap: tuning.lexicalCap,
      denseNormalisation: tuning.denseNormalisation,
    });

    const episodeBonus = tuning.episodeWeight > 0 ? episodeScores({ terms, lexicalIndex }) : new Map<string, number>();
    const named = new Set(namedSpeakers(query));
    const showNotes = SHOW_NOTES_INTENT.test(query) ? tuning.showNotesBoost : 0;
    const ranked: SearchHit[] = [];
    for (const [position, score] of fused) {
      const chunk = chunks[position]!;
      const context =
        tuning.contextWeight > 0 ? tuning.contextWeight * neighbourScore({ position, fused, neighbours }) : 0;
      const episode = tuning.episodeWeight * (episodeBonus.get(chunk.episodeId) ?? 0);
      ranked.push({
        chunk,
        score:
          score +
          context +
          episode +
          (chunk.kind === 'shownotes' ? showNotes : 0) +
          speakerBonus({ chunk, named, tuning }),
      });
    }
    ranked.sort((left, right) => right.score - left.score || compareChunks(left.chunk, right.chunk));
    if (!tuning.rerank) return diversifyHits(ranked, { k, neighbourPenalty: tuning.neighbourPenalty });
    // The second stage reorders the best candidates; scores keep the fused scale, position by position.
    const lexicalOf = (chunk: Chunk) => {
      const lexical = candidates.get(positionById.get(chunk.chunkId) ?? -1)?.lexical ?? 0;
      const relative = storeLexical ? lexical : reference > 0 ? lexical / reference : 0;
      return Math.min(tuning.lexicalCap, relative);
    };
    const reranked = rerankHits({
      question: rerankQuestion({ question: query, terms, bm25, named }),
      candidates: ranked.slice(0, Math.max(k, RERANK_DEPTH)).map((hit) => ({ ...hit, lexical: lexicalOf(hit.chunk) })),
      index,
    });
    return diversifyHits(
      reranked.map(({ chunk, score }) => ({ chunk, score })),
      { k, neighbourPenalty: tuning.neighbourPenalty },
    );
  }

  return { mode, lexicalIndex, tuning, search };
}

/** The store's lexical matches as BM25 document numbers (index positions) with their relevance. */
async function storeLexicalMatches(options: {
  storeLexical: NonNullable<IndexTables['lexicalSearch']>;
  query: string;
  k: number;
  episodeIds: string[] | undefined;
  positionById: ReadonlyMap<string, number>;
}): Promise<Array<{ document: number; score: number }>> {
  const hits = await options.storeLexical(options.query, { k: options.k, episodeIds: options.episodeIds });
  return hits.flatMap((hit) => {
    const document = options.positionById.get(hit.chunk.chunkId);
    return document === undefined ? [] : [{ document, score: hit.score }];
  });
}

/**
 * The question without its leading interrogative and auxiliary words and the question mark:
 * "When does David start demoing the app?" → "David start demoing the app". Falls back to the
 * question when nothing would be left.
 */
export function declarative(question: string): string {
  const stripped = question
    .trim()
    .replace(
      /^(?:(?:what|which|who|whom|whose|when|where|why|how|at|in|on|does|do|did|is|are|was|were|can|could|should|would|will|has|have|had|the|a|an)\b[\s,]*)+/iu,
      '',
    )
    .replace(/[?？]+\s*$/u, '')
    .trim();
  return stripped.length > 0 ? stripped : question;
}

/** Each episode's BM25 match for the query, divided by the best episode's (so 0..1), by episode id. */
function episodeScores(options: { terms: string[]; lexicalIndex: ChunkLexicalIndex }): Map<string, number> {
  const { terms, lexicalIndex } = options;
  // Every episode's score in one array: at 1,000 episodes, cheaper than a top-k heap of all of them.
  const all = lexicalIndex.episodes.scoreAll(terms);
  let best = 0;
  for (const score of all) if (score > best) best = score;
  const scores = new Map<string, number>();
  if (best <= 0) return scores;
  all.forEach((score, document) => {
    if (score > 0) scores.set(lexicalIndex.episodeIds[document]!, score / best);
  });
  return scores;
}

/**
 * For each distance d = 1..window, the index positions of the chunks d ordinals before and after
 * each chunk in its episode (-1 where there is none), looked up once per retriever.
 */
function neighbourPositions(options: {
  chunks: readonly Chunk[];
  positionById: ReadonlyMap<string, number>;
  window: number;
}): Array<{ before: Int32Array; after: Int32Array }> {
  const { chunks, positionById } = options;
  const lookup = (chunk: Chunk, ordinal: number) => positionById.get(chunkIdOf(chunk.episodeId, ordinal)) ?? -1;
  return Array.from({ length: Math.max(0, options.window) }, (_, step) => ({
    before: Int32Array.from(chunks, (chunk) => lookup(chunk, chunk.ordinal - step - 1)),
    after: Int32Array.from(chunks, (chunk) => lookup(chunk, chunk.ordinal + step + 1)),
  }));
}

/**
 * The best fused score among the chunks within the window of the chunk at `position` in its
 * episode, each divided by its distance (0 when none is a candidate).
 */
function neighbourScore(options: {
  position: number;
  fused: ReadonlyMap<number, number>;
  neighbours: ReadonlyArray<{ before: Int32Array; after: Int32Array }>;
}): number {
  const { position, fused, neighbours } = options;
  let best = 0;
  neighbours.forEach(({ before, after }, step) => {
    const distance = step + 1;
    for (const neighbour of [before[position]!, after[position]!]) {
      const score = neighbour < 0 ? undefined : fused.get(neighbour);
      if (score !== undefined && score / distance > best) best = score / distance;
    }
  });
  return best;
}

function speakerBonus(options: {
  chunk: Chunk;
  named: ReadonlySet<string>;
  tuning: Pick<RetrieverTuning, 'speakerBoost' | 'chimeInShare' | 'speakingWords'>;
}): number {
  const { chunk, named, tuning } = options;
  const boost = tuning.speakerBoost;
  if (named.size === 0 || boost === 0) return 0;
  if (chunk.speaker !== null && named.has(chunk.speaker)) return boost;
  if (chunk.speakers.some((speaker) => named.has(speaker))) {
    const speaks = tuning.speakingWords !== undefined && wordsSpokenBy(chunk, named) >= tuning.speakingWords;
    return speaks ? boost : boost * tuning.chimeInShare;
  }
  return 0;
}

/** Words in the chunk's turns prefixed by one of `named` (`Name: …` lines of a chunk that groups short turns). */
export function wordsSpokenBy(chunk: Pick<Chunk, 'text'>, named: ReadonlySet<string>): number {
  let words = 0;
  for (const line of chunk.text.split('\n')) {
    const colon = line.indexOf(': ');
    if (colon <= 0 || !named.has(line.slice(0, colon))) continue;
    words += line
      .slice(colon + 2)
      .split(/\s+/u)
      .filter(Boolean).length;
  }
  return words;
}

function compareChunks(left: Chunk, right: Chunk): number {
  if (left.episodeId !== right.episodeId) return left.episodeId < right.episodeId ? -1 : 1;
  return left.ordinal - right.ordinal;
}
