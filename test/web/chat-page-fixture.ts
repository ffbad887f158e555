/**
 * A small hand-made corpus for the chat page's browser tests: three episodes, one with a media URL
 * ("play from here"), one with estimated times and no URL ("copy reference", "≈"), and one whose
 * transcript quotes markup that must show up as literal text.
 */
import type { Chunk, Episode } from '../../src/domain.js';

export const VECTOR_EPISODE = 'vector-search';
export const AGENTS_EPISODE = 'evaluating-agents';
export const SECURITY_EPISODE = 'security-corner';

export const XSS_IMG = '<img src=x onerror=alert(1)>';
export const XSS_SCRIPT = '<script>alert(2)</script>';

const TITLES: Record<string, string> = {
  [VECTOR_EPISODE]: 'Vector Search in Practice — with Ada Byron',
  [AGENTS_EPISODE]: 'Evaluating Agents: Lessons from Production',
  [SECURITY_EPISODE]: 'Security Corner: Prompt Injection and Friends',
};

function chunk(
  fields: Pick<Chunk, 'chunkId' | 'episodeId' | 'text' | 'speaker' | 'start' | 'end'> & Partial<Chunk>,
): Chunk {
  const approximate = fields.approximate ?? false;
  return {
    episodeTitle: TITLES[fields.episodeId] ?? fields.episodeId,
    kind: 'transcript',
    speakers: fields.speaker ? [fields.speaker] : [],
    chapter: null,
    ordinal: 0,
    approximate,
    anchors: [{ offset: 0, seconds: fields.start ?? 0, approximate }],
    ...fields,
  };
}

export const CHAT_PAGE_CHUNKS: Chunk[] = [
  chunk({
    chunkId: `${VECTOR_EPISODE}#0`,
    episodeId: VECTOR_EPISODE,
    speaker: 'Ada Byron',
    start: 754,
    end: 790,
    text: 'Hybrid retrieval wins because keyword search catches the exact product names that vector search blurs together. We run both and fuse the scores before anything reaches the model.',
  }),
  chunk({
    chunkId: `${VECTOR_EPISODE}#1`,
    episodeId: VECTOR_EPISODE,
    speaker: 'Sam Host',
    ordinal: 1,
    start: 3725,
    end: 3760,
    text: 'Chunk size matters more than the embedding model for most teams. Three hundred words with a little overlap is where we landed after a month of evaluation.',
  }),
  chunk({
    chunkId: `${AGENTS_EPISODE}#0`,
    episodeId: AGENTS_EPISODE,
    speaker: 'Grace Tester',
    start: 1500,
    end: 1540,
    approximate: true,
    text: 'For our agents, keyword search over the tickets was the retrieval baseline that nothing beat for months. Evaluation sets of real user questions keep the agents honest.',
  }),
  chunk({
    chunkId: `${AGENTS_EPISODE}#1`,
    episodeId: AGENTS_EPISODE,
    speaker: 'Grace Tester',
    ordinal: 1,
    start: 1800,
    end: 1830,
    approximate: true,
    text: 'We review every failed agent run on Fridays and turn it into a regression test.',
  }),
  chunk({
    chunkId: `${SECURITY_EPISODE}#0`,
    episodeId: SECURITY_EPISODE,
    speaker: 'Mallory Guest',
    start: 300,
    end: 340,
    text: `The attacker pasted ${XSS_IMG} and ${XSS_SCRIPT} into the support chat box to test the renderer. A safe page shows those tags as plain text.`,
  }),
];

/** Catalogue entries the in-memory index reports (dates and media URL for the page to show). */
export const CHAT_PAGE_EPISODES: Episode[] = [
  episode(VECTOR_EPISODE, { date: '2025-03-01', url: 'https://media.example.com/vector-search.mp3' }),
  episode(AGENTS_EPISODE, { date: '2025-05-10', url: null, timestamps: 'estimated' }),
  episode(SECURITY_EPISODE, { date: '2025-06-20', url: null }),
];

function episode(episodeId: string, fields: Partial<Episode>): Episode {
  return {
    episodeId,
    title: TITLES[episodeId] ?? episodeId,
    date: null,
    durationSeconds: 4000,
    url: null,
    timestamps: 'exact',
    chunks: CHAT_PAGE_CHUNKS.filter((candidate) => candidate.episodeId === episodeId).length,
    contentHash: episodeId,
    source: 'memory',
    chapters: [],
    ...fields,
  };
}
