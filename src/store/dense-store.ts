import { SynchronousInMemoryDocstore } from '@langchain/community/stores/doc/in_memory';
import { HNSWLib } from '@langchain/community/vectorstores/hnswlib';
import { Document } from '@langchain/core/documents';
import { Embeddings, type EmbeddingsInterface } from '@langchain/core/embeddings';
import hnswlib from 'hnswlib-node';

const { HierarchicalNSW } = hnswlib;
/** hnswlib-node's index, as LangChain's `HNSWLib` holds it. */
export type HnswIndex = InstanceType<typeof HierarchicalNSW>;

/** HNSW graph degree: hnswlib's default, written down so a library change cannot move it. */
const HNSW_M = 16;
/**
 * HNSW build breadth. Building is most of a catalogue ingest's time once embedding is cheap, and it
 * scales with this. Measured on 37,868 chunks of a synthetic catalogue (static embedder, 256-d; 200
 * distinct questions; recall of the 100 candidates the retriever fuses, searched at ef 100, against
 * exact search; load ~10): 200 → 45.7 s, recall 0.884; 100 → 27.7 s, 0.866; 64 → 15.3 s, 0.841;
 * 40 → 9.6 s, 0.808. Dense evidence weighs 0.1 in the fusion, and 64 changed no dev or held-out
 * metric (see bench/RESULTS.md), so 64: three times faster for 4 % fewer dense candidates.
 */
const HNSW_EF_CONSTRUCTION = 64;
/** Fixed seed: the same chunks and vectors give the same graph. */
const HNSW_SEED = 100;

/**
 * The dense side of an index as LangChain's `HNSWLib` vector store. Its docstore holds each label's
 * chunk id only (`pageContent` = chunk id, no metadata): the chunk texts live once, in `chunks.jsonl`.
 * Saved through `HNSWLib.save`, so `HNSWLib.load(dir, embeddings)` opens a podcite index.
 *
 * Builds the graph itself (hnswlib-node) rather than through `HNSWLib.addVectors`, to fix the
 * construction breadth and seed; `ids[i]` and `vectors[i]` get label `i`.
 */
export function buildDenseStore(options: {
  /** Held by `HNSWLib` for its text methods; the ingest passes none (it has the vectors already). */
  embeddings?: EmbeddingsInterface | undefined;
  dimension: number;
  ids: readonly string[];
  vectors: readonly ArrayLike<number>[];
}): HNSWLib {
  const { ids, vectors, dimension } = options;
  const index = new HierarchicalNSW('cosine', dimension);
  // hnswlib cannot initialise an index for zero elements; an empty corpus still gets a loadable index.
  index.initIndex({
    maxElements: Math.max(1, ids.length),
    m: HNSW_M,
    efConstruction: HNSW_EF_CONSTRUCTION,
    randomSeed: HNSW_SEED,
  });
  // hnswlib-node takes plain arrays only; each vector is copied into one just for its insert.
  vectors.forEach((vector, label) => {
    index.addPoint(Array.isArray(vector) ? (vector as number[]) : Array.from(vector), label);
  });
  const docstore = new SynchronousInMemoryDocstore(
    new Map(ids.map((id, label) => [String(label), new Document({ pageContent: id, metadata: {} })])),
  );
  return wrap({ embeddings: options.embeddings ?? new VectorsOnly({}), dimension, index, docstore });
}

/**
 * Wraps an hnswlib index read from disk in `HNSWLib` with a docstore that makes each label's
 * Document from `chunkIds` when asked (nothing held per chunk besides the ids the chunks already have).
 */
export function wrapDenseIndex(options: {
  /** Held by `HNSWLib` for its text methods; default: none (search it with vectors). */
  embeddings?: EmbeddingsInterface | undefined;
  dimension: number;
  index: HnswIndex;
  chunkIds: (label: number) => string | undefined;
}): HNSWLib {
  return wrap({
    embeddings: options.embeddings ?? new VectorsOnly({}),
    dimension: options.dimension,
    index: options.index,
    docstore: new ChunkIdDocstore(options.chunkIds),
  });
}

function wrap(options: {
  embeddings: EmbeddingsInterface;
  dimension: number;
  index: HnswIndex;
  docstore: SynchronousInMemoryDocstore;
}): HNSWLib {
  const store = new HNSWLib(options.embeddings, {
    space: 'cosine',
    numDimensions: options.dimension,
    index: options.index,
    docstore: options.docstore,
  });
  // `save` writes `args` as args.json; keep it to what `HNSWLib.load` reads back (it sets index and docstore itself).
  store.args = { space: 'cosine', numDimensions: options.dimension };
  return store;
}

/** A read-only docstore answering label → Document(chunk id) from the loaded chunks. */
class ChunkIdDocstore extends SynchronousInMemoryDocstore {
  constructor(private readonly chunkId: (label: number) => string | undefined) {
    super();
  }

  override search(label: string): Document {
    const id = this.chunkId(Number(label));
    if (id === undefined) throw new Error(`ID ${label} not found.`);
    return new Document({ pageContent: id, metadata: {} });
  }

  override add(): void {
    throw new Error('The index is read-only; re-ingest to change it.');
  }
}

/** What a store built from ready vectors holds as its embedder: asked to embed text, it says why it cannot. */
class VectorsOnly extends Embeddings {
  embedDocuments(): Promise<number[][]> {
    return Promise.reject(new Error('This store was built from stored vectors; search it with vectors.'));
  }

  embedQuery(): Promise<number[]> {
    return Promise.reject(new Error('This store was built from stored vectors; search it with vectors.'));
  }
}
