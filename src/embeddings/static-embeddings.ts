import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PodciteError } from '../errors.js';
import { PodciteEmbeddings } from './podcite-embeddings.js';
import { SentencePieceTokenizer } from './sentence-piece-tokenizer.js';
import { decodeStaticTable, type StaticTable } from './static-table.js';
import { readUseLiteVocabulary } from './use-lite-files.js';

/** Width of the static embedder's vectors (PCA components kept by `npm run distill`). */
export const STATIC_COMPONENTS = 256;
/** SIF weighting constant `a` in `a / (a + p)` (see `scripts/distill-embedder.ts`). */
export const STATIC_SIF_COEFFICIENT = 1e-4;
/** Manifest identity; a new recipe gets a new id, so indexes built with an older table are refused. */
export const STATIC_EMBEDDER_ID = `local:use-lite-static-${STATIC_COMPONENTS}-v1`;
/** The generated table, relative to the repository root (`npm run distill` writes it). */
export const STATIC_TABLE_FILE = `models/use-lite-static-${STATIC_COMPONENTS}.bin`;

const tableUrl = new URL(`../../${STATIC_TABLE_FILE}`, import.meta.url);

interface Loaded {
  table: StaticTable;
  tokenizer: SentencePieceTokenizer;
}

/**
 * The default offline embedder (`EMBEDDINGS=local`): a static token table distilled from Universal Sentence
 * Encoder lite (`npm run distill`). A text's vector is the sum of its SentencePiece pieces' rows,
 * L2-normalised, 256 floats; embedding costs a tokenisation and a few hundred additions per piece
 * (microseconds), so it runs in the calling thread: no model, no workers, nothing to warm but a 2 MB file.
 * Unlike USE lite it reads the whole text, not only its first 128 pieces.
 */
export class StaticEmbeddings extends PodciteEmbeddings {
  readonly id = STATIC_EMBEDDER_ID;
  readonly dimension = STATIC_COMPONENTS;
  private loading: Promise<Loaded> | undefined;

  constructor() {
    // Nothing to cache: embedding a question costs less than hashing it into a cache would save.
    super({ queryCacheSize: 0 });
  }

  override async embedDocuments(documents: string[]): Promise<number[][]> {
    const loaded = await this.load();
    return documents.map((document) => Array.from(embedText(loaded, document)));
  }

  override async embedQuery(document: string): Promise<number[]> {
    return Array.from(embedText(await this.load(), document));
  }

  override async embedDocumentsPacked(documents: string[]): Promise<Float32Array[]> {
    const loaded = await this.load();
    return documents.map((document) => embedText(loaded, document));
  }

  override async warmUp(): Promise<void> {
    await this.load();
  }

  private load(): Promise<Loaded> {
    this.loading ??= loadTable().catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }
}

async function loadTable(): Promise<Loaded> {
  const vocabulary = await readUseLiteVocabulary();
  let bytes: Buffer;
  try {
    bytes = await readFile(fileURLToPath(tableUrl));
  } catch (error) {
    throw new PodciteError(
      'unavailable:embeddings',
      `The static embedder's table ${STATIC_TABLE_FILE} is missing. Regenerate it with \`npm run distill\`, or set EMBEDDINGS=use-lite.`,
      { cause: error },
    );
  }
  const table = decodeStaticTable(bytes, vocabulary);
  if (table.header.id !== STATIC_EMBEDDER_ID || table.header.dimension !== STATIC_COMPONENTS) {
    throw new PodciteError(
      'unavailable:embeddings',
      `${STATIC_TABLE_FILE} holds "${table.header.id}", not "${STATIC_EMBEDDER_ID}". Regenerate it with \`npm run distill\`.`,
    );
  }
  return { table, tokenizer: new SentencePieceTokenizer(vocabulary) };
}

function embedText(loaded: Loaded, text: string): Float32Array {
  const { table, tokenizer } = loaded;
  const width = table.header.dimension;
  const rows = table.vectors;
  const sum = new Float32Array(width);
  for (const id of tokenizer.encode(text)) {
    const offset = id * width;
    for (let k = 0; k < width; k++) sum[k]! += rows[offset + k]!;
  }
  let squared = 0;
  for (let k = 0; k < width; k++) squared += sum[k]! * sum[k]!;
  if (squared === 0) {
    // An empty text (or only pieces with zero rows) still needs a unit vector: cosine of a zero vector is undefined.
    sum[0] = 1;
    return sum;
  }
  const scale = 1 / Math.sqrt(squared);
  for (let k = 0; k < width; k++) sum[k]! *= scale;
  return sum;
}
