import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { createEmbeddings } from '../../src/embeddings/create-embeddings.js';
import {
  STATIC_COMPONENTS,
  STATIC_EMBEDDER_ID,
  STATIC_TABLE_FILE,
  StaticEmbeddings,
} from '../../src/embeddings/static-embeddings.js';
import { decodeStaticTable, vocabularyDigest } from '../../src/embeddings/static-table.js';
import { UniversalSentenceEncoderEmbeddings } from '../../src/embeddings/universal-sentence-encoder.js';
import { readUseLiteVocabulary } from '../../src/embeddings/use-lite-files.js';
import { loadConfig } from '../../src/config.js';

const dot = (left: number[], right: number[]) => left.reduce((sum, value, index) => sum + value * right[index]!, 0);

describe('StaticEmbeddings (the real distilled table)', () => {
  const embeddings = new StaticEmbeddings();

  test('is what EMBEDDINGS=local selects; EMBEDDINGS=use-lite selects the transformer', async () => {
    const local = createEmbeddings(loadConfig({ EMBEDDINGS: 'local' }));
    const useLite = createEmbeddings(loadConfig({ EMBEDDINGS: 'use-lite' }));
    expect([local instanceof StaticEmbeddings, local.id, local.dimension]).toStrictEqual([
      true,
      STATIC_EMBEDDER_ID,
      STATIC_COMPONENTS,
    ]);
    expect([useLite instanceof UniversalSentenceEncoderEmbeddings, useLite.id]).toStrictEqual([true, 'local:use-lite']);
    await Promise.all([local.close(), useLite.close()]);
  });

  test('the committed table was made for the vocabulary the package ships', async () => {
    const vocabulary = await readUseLiteVocabulary();
    const table = decodeStaticTable(await readFile(STATIC_TABLE_FILE), vocabulary);
    expect(table.header).toMatchObject({
      id: STATIC_EMBEDDER_ID,
      dimension: STATIC_COMPONENTS,
      vocabularySize: vocabulary.length,
      vocabularySha256: vocabularyDigest(vocabulary),
    });
  });

  test('returns one 256-long unit vector per text, the same for the same text, packed or not', async () => {
    const texts = ['Rockets need good engine nozzles.', 'Tomatoes need sun.', ''];
    const vectors = await embeddings.embedDocuments(texts);
    expect(vectors.map((vector) => vector.length)).toStrictEqual([256, 256, 256]);
    for (const vector of vectors) expect(Math.abs(Math.hypot(...vector) - 1)).toBeLessThan(1e-5);
    expect(await embeddings.embedQuery(texts[0]!)).toStrictEqual(vectors[0]);
    const packed = await embeddings.embedDocumentsPacked(texts);
    expect(packed.map((vector) => Array.from(vector))).toStrictEqual(vectors);
  });

  test('reads the whole text, not only its first 128 pieces as USE lite does', async () => {
    const long = Array.from({ length: 200 }, () => 'the same words again').join(' ');
    const [short, longer] = await embeddings.embedDocuments([long, `${long} but then volcanoes erupt`]);
    expect(dot(short!, longer!)).toBeLessThan(0.999999);
  });

  test('ranks a paraphrase of a passage above an unrelated passage', async () => {
    const [question, related, unrelated] = await embeddings.embedDocuments([
      'How do rocket engines keep their nozzles from melting?',
      'The hardest part of building a rocket is cooling the engine nozzle so it does not melt.',
      'Tomatoes want six hours of sun and deep watering twice a week.',
    ]);
    expect(dot(question!, related!)).toBeGreaterThan(dot(question!, unrelated!) + 0.1);
  });
});
