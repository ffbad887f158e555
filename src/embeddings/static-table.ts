/**
 * The static embedder's token table on disk: one vector per SentencePiece id, stored as int8 with one
 * float32 scale per row (a quarter of float32's size; dequantised once at load).
 *
 * Layout: a one-line JSON header (`StaticTableHeader`) ending in `\n`, then `vocabularySize` float32
 * scales (little-endian), then `vocabularySize × dimension` int8 values, row by row.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { PodciteError } from '../errors.js';
import type { UseLiteVocabulary } from './use-lite-files.js';

export const staticTableHeaderSchema = z.object({
  format: z.literal('podcite-static-embeddings'),
  version: z.literal(1),
  /** Embedder identity written to index manifests; changes whenever the table's recipe does. */
  id: z.string(),
  vocabularySize: z.number().int().positive(),
  dimension: z.number().int().positive(),
  /** sha256 of the vocabulary's JSON as `vocabularyDigest` computes it: the table's rows are its ids. */
  vocabularySha256: z.string(),
  /** How the table was made, for the record (model, components, weighting); not read back. */
  recipe: z.record(z.string(), z.unknown()),
});
export type StaticTableHeader = z.infer<typeof staticTableHeaderSchema>;

/** The table in memory: row `id` is `vectors[id·dimension … (id+1)·dimension)`. */
export interface StaticTable {
  header: StaticTableHeader;
  vectors: Float32Array;
}

/** Digest of a vocabulary, so a table made for one vocabulary is never read with another. */
export function vocabularyDigest(vocabulary: UseLiteVocabulary): string {
  return createHash('sha256').update(JSON.stringify(vocabulary)).digest('hex');
}

/** Serialises a table: `rows` is `vocabularySize × dimension` floats; each row is quantised to int8 with its own scale. */
export function encodeStaticTable(header: StaticTableHeader, rows: Float32Array | Float64Array): Buffer {
  const { vocabularySize, dimension } = header;
  if (rows.length !== vocabularySize * dimension) throw new Error('Row data does not match the header.');
  const headerBytes = Buffer.from(`${JSON.stringify(header)}\n`, 'utf8');
  const scales = Buffer.alloc(vocabularySize * 4);
  const values = Buffer.alloc(vocabularySize * dimension);
  for (let row = 0; row < vocabularySize; row++) {
    let largest = 0;
    for (let k = 0; k < dimension; k++) largest = Math.max(largest, Math.abs(rows[row * dimension + k]!));
    const scale = largest / 127;
    scales.writeFloatLE(scale, row * 4);
    for (let k = 0; k < dimension; k++) {
      values.writeInt8(scale === 0 ? 0 : Math.round(rows[row * dimension + k]! / scale), row * dimension + k);
    }
  }
  return Buffer.concat([headerBytes, scales, values]);
}

/**
 * Reads a table written by `encodeStaticTable` and checks it was made for `vocabulary`.
 * @throws PodciteError `unavailable:embeddings` when the bytes are not such a table or the vocabulary differs.
 */
export function decodeStaticTable(bytes: Buffer, vocabulary: UseLiteVocabulary): StaticTable {
  const broken = (reason: string) =>
    new PodciteError(
      'unavailable:embeddings',
      `The static embedder's table is unusable (${reason}). Regenerate it with \`npm run distill\`.`,
    );
  const newline = bytes.indexOf(0x0a);
  if (newline < 0) throw broken('no header');
  let header: StaticTableHeader;
  try {
    header = staticTableHeaderSchema.parse(JSON.parse(bytes.subarray(0, newline).toString('utf8')));
  } catch {
    throw broken('bad header');
  }
  const { vocabularySize, dimension } = header;
  if (bytes.length !== newline + 1 + vocabularySize * 4 + vocabularySize * dimension) throw broken('wrong length');
  if (vocabularySize !== vocabulary.length || header.vocabularySha256 !== vocabularyDigest(vocabulary)) {
    throw broken('made for another vocabulary');
  }
  const scalesStart = newline + 1;
  const valuesStart = scalesStart + vocabularySize * 4;
  const vectors = new Float32Array(vocabularySize * dimension);
  for (let row = 0; row < vocabularySize; row++) {
    const scale = bytes.readFloatLE(scalesStart + row * 4);
    for (let k = 0; k < dimension; k++) {
      vectors[row * dimension + k] = bytes.readInt8(valuesStart + row * dimension + k) * scale;
    }
  }
  return { header, vectors };
}
