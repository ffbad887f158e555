import { describe, expect, test } from 'vitest';
import {
  decodeStaticTable,
  encodeStaticTable,
  type StaticTableHeader,
  vocabularyDigest,
} from '../../src/embeddings/static-table.js';
import type { UseLiteVocabulary } from '../../src/embeddings/use-lite-files.js';

const vocabulary: UseLiteVocabulary = [
  ['<unk>', 0],
  ['▁a', -2],
  ['▁b', -3],
];

function header(overrides: Partial<StaticTableHeader> = {}): StaticTableHeader {
  return {
    format: 'podcite-static-embeddings',
    version: 1,
    id: 'test:static',
    vocabularySize: 3,
    dimension: 4,
    vocabularySha256: vocabularyDigest(vocabulary),
    recipe: {},
    ...overrides,
  };
}

describe('static table encoding', () => {
  test('round-trips rows to within one int8 step of each row’s scale', () => {
    const rows = Float64Array.from([0, 0, 0, 0, 1, -0.5, 0.25, 0.125, -3, 2, 1, -0.001]);
    const { vectors } = decodeStaticTable(encodeStaticTable(header(), rows), vocabulary);
    expect(Array.from(vectors.subarray(0, 4))).toStrictEqual([0, 0, 0, 0]);
    for (const row of [1, 2]) {
      const scale = Math.max(...Array.from(rows.subarray(row * 4, row * 4 + 4), Math.abs)) / 127;
      for (let k = 0; k < 4; k++) {
        expect(Math.abs(vectors[row * 4 + k]! - rows[row * 4 + k]!)).toBeLessThanOrEqual(scale / 2 + 1e-7);
      }
    }
  });

  test.each([
    [
      'another vocabulary',
      (bytes: Buffer) => bytes,
      [...vocabulary, ['▁c', -4]] as UseLiteVocabulary,
      'made for another vocabulary',
    ],
    ['a cut-short file', (bytes: Buffer) => bytes.subarray(0, bytes.length - 1), vocabulary, 'wrong length'],
    ['a file with no header', () => Buffer.from('no newline at all'), vocabulary, 'no header'],
  ])('refuses %s with a message naming npm run distill', (_name, damage, readWith, reason) => {
    const bytes = damage(encodeStaticTable(header(), new Float64Array(12)));
    expect(() => decodeStaticTable(bytes, readWith)).toThrow(
      expect.objectContaining({
        code: 'unavailable:embeddings',
        message: `The static embedder's table is unusable (${reason}). Regenerate it with \`npm run distill\`.`,
      }),
    );
  });
});
