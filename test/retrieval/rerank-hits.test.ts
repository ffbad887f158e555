import { describe, expect, test } from 'vitest';
import { createRetriever } from '../../src/retrieval/create-retriever.js';
import {
  RERANK_FEATURES,
  type RERANK_WEIGHTS,
  type RerankFeature,
  rerankFeatures,
  rerankHits,
  rerankQuestion,
} from '../../src/retrieval/rerank-hits.js';
import { tokenizeQuery } from '../../src/retrieval/tokenize.js';
import { HashingEmbeddings } from '../support/hashing-embeddings.js';
import { createInMemoryIndex } from '../support/in-memory-index.js';
import { makeChunk } from './chunk-factory.js';

// A guest's turn cut into three chunks: the first names the topic, the second answers it.
// Elsewhere, one chunk repeats the question's words without answering.
const chunks = [
  makeChunk({ episodeId: 'farm', ordinal: 0, speaker: 'Host', text: 'Welcome to the show, Pete.' }),
  makeChunk({
    episodeId: 'farm',
    ordinal: 1,
    speaker: 'Pete',
    text: 'The cassava photos came from farmers in Tanzania, over many seasons.',
  }),
  makeChunk({
    episodeId: 'farm',
    ordinal: 2,
    speaker: 'Pete',
    text: 'Gathering them took us about two years of visits, field by field, with local partners.',
  }),
  makeChunk({ episodeId: 'other', ordinal: 0, speaker: 'Chris', text: 'Cassava? I have no photos of it at all.' }),
  makeChunk({ episodeId: 'other', ordinal: 1, speaker: 'Chris', text: 'Anyway, back to language models.' }),
];

async function setUp() {
  const embeddings = new HashingEmbeddings();
  const index = await createInMemoryIndex({ chunks, embeddings });
  return { index, embeddings };
}

function questionFor(index: Awaited<ReturnType<typeof setUp>>['index'], text: string, named: string[] = []) {
  return rerankQuestion({
    question: text,
    terms: tokenizeQuery(text),
    bm25: index.lexical.bm25,
    named: new Set(named),
  });
}

function featureOf(row: number[], feature: RerankFeature): number {
  return row[RERANK_FEATURES.indexOf(feature)]!;
}

describe('rerankFeatures', () => {
  test('coverage counts the passage, context coverage its neighbours too, each by IDF weight', async () => {
    const { index } = await setUp();
    const text = 'How long did gathering the cassava photos take?';
    const question = questionFor(index, text, ['Pete']);
    const answer = index.chunkById.get('farm#2')!;
    const echo = index.chunkById.get('other#0')!;
    const [answerRow, echoRow] = rerankFeatures({
      question,
      candidates: [
        { chunk: answer, score: 2, lexical: 0.3 },
        { chunk: echo, score: 1, lexical: 0.9 },
      ],
      index,
    });
    // farm#2 says only "gathering"; with its neighbour farm#1 it says "cassava" and "photos" as well.
    expect(featureOf(answerRow!, 'coverage')).toBeGreaterThan(0);
    expect(featureOf(answerRow!, 'contextCoverage')).toBeGreaterThan(featureOf(answerRow!, 'coverage'));
    expect(featureOf(answerRow!, 'contextCoverage')).toBeLessThanOrEqual(1);
    expect(featureOf(answerRow!, 'namedSpeaker')).toBe(1);
    expect(featureOf(echoRow!, 'namedSpeaker')).toBe(0);
    expect(featureOf(answerRow!, 'fused')).toBe(1);
    expect(featureOf(echoRow!, 'fused')).toBe(0.5);
    expect(featureOf(echoRow!, 'lexical')).toBe(0.9);
    // A longer passage gets a larger length feature.
    expect(featureOf(answerRow!, 'length')).toBeGreaterThan(featureOf(echoRow!, 'length'));
  });

  test('a neighbour from another episode is not context', async () => {
    const { index } = await setUp();
    const text = 'language models';
    const question = questionFor(index, text);
    // farm#2 is the farm episode's last chunk; other#0 (the next chunk in index order) is another episode.
    const [row] = rerankFeatures({
      question,
      candidates: [{ chunk: index.chunkById.get('farm#2')!, score: 1, lexical: 0 }],
      index,
    });
    expect(featureOf(row!, 'contextCoverage')).toBe(0);
  });
});

describe('rerankHits', () => {
  test('a passage whose turn carries the question outranks a stronger fused match that only echoes it', async () => {
    const { index } = await setUp();
    const text = 'How long did gathering the cassava photos take?';
    const question = questionFor(index, text);
    const candidates = [
      { chunk: index.chunkById.get('other#0')!, score: 1, lexical: 0.6 },
      { chunk: index.chunkById.get('farm#2')!, score: 0.9, lexical: 0.2 },
    ];
    const reranked = rerankHits({ question, candidates, index });
    expect(reranked.map((hit) => hit.chunk.chunkId)).toStrictEqual(['farm#2', 'other#0']);
    // Scores stay on the fused scale, position by position: still best first.
    expect(reranked.map((hit) => hit.score)).toStrictEqual([1, 0.9]);
    // With weight only on the fused score, the fused order stands.
    const fusedOnly = Object.fromEntries(RERANK_FEATURES.map((feature) => [feature, feature === 'fused' ? 1 : 0]));
    const unchanged = rerankHits({ question, candidates, index, weights: fusedOnly as typeof RERANK_WEIGHTS });
    expect(unchanged.map((hit) => hit.chunk.chunkId)).toStrictEqual(['other#0', 'farm#2']);
  });
});

test('show notes keep their place; the transcript passages around them are reordered', async () => {
  const { index } = await setUp();
  const text = 'How long did gathering the cassava photos take?';
  const question = questionFor(index, text);
  const notes = makeChunk({
    episodeId: 'farm',
    ordinal: 9,
    kind: 'shownotes',
    speaker: null,
    text: 'Pete on gathering cassava photos for a long, long time.',
  });
  const reranked = rerankHits({
    question,
    candidates: [
      { chunk: index.chunkById.get('other#0')!, score: 1, lexical: 0.6 },
      { chunk: notes, score: 0.95, lexical: 1 },
      { chunk: index.chunkById.get('farm#2')!, score: 0.9, lexical: 0.2 },
    ],
    index,
  });
  expect(reranked.map((hit) => hit.chunk.chunkId)).toStrictEqual(['farm#2', 'farm#9', 'other#0']);
  // Scores stay on the fused scale, position by position.
  expect(reranked.map((hit) => hit.score)).toStrictEqual([1, 0.95, 0.9]);
});

describe('the hybrid retriever with and without the second stage', () => {
  test('hybrid reranks by default, its plain modes and rerank: false do not, and every result stays best first', async () => {
    const { index, embeddings } = await setUp();
    const text = 'How long did gathering the cassava photos take?';
    const hybrid = createRetriever({ index, embeddings, tuning: { neighbourPenalty: 1 } });
    const plain = createRetriever({ index, embeddings, tuning: { neighbourPenalty: 1, rerank: false } });
    expect(hybrid.tuning.rerank).toBe(true);
    expect(createRetriever({ index, embeddings, mode: 'lexical' }).tuning.rerank).toBe(false);
    const reranked = await hybrid.search(text, { k: 5 });
    const fused = await plain.search(text, { k: 5 });
    expect(new Set(reranked.map((hit) => hit.chunk.chunkId))).toStrictEqual(
      new Set(fused.map((hit) => hit.chunk.chunkId)),
    );
    for (const hits of [reranked, fused]) {
      for (let at = 1; at < hits.length; at++) expect(hits[at - 1]!.score).toBeGreaterThanOrEqual(hits[at]!.score);
    }
    // The answering chunk ranks higher once its neighbours' words count.
    const rankOf = (hits: typeof reranked) => hits.findIndex((hit) => hit.chunk.chunkId === 'farm#2');
    expect(rankOf(reranked)).toBeLessThan(rankOf(fused));
  });
});
