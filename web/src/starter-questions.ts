/**
 * Starter questions drawn from the corpus itself: chapter titles when the server sends them,
 * otherwise the topic part of episode titles. Nothing is hard-coded, so a different podcast gets
 * questions about its own episodes.
 */
import type { EpisodeSummary } from './api-schemas.js';

const TEMPLATES = [
  (topic: string) => `What was said about ${topic}?`,
  (topic: string) => `Who talked about ${topic}, and what was their view?`,
  (topic: string) => `What are the key points on ${topic}?`,
];

/**
 * Up to `count` questions, spread over the catalogue (newest first) rather than all from one
 * episode. Deterministic for a given catalogue so the page does not reshuffle on reload.
 */
export function starterQuestions(episodes: readonly EpisodeSummary[], count = 4): string[] {
  const sorted = [...episodes].sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''));
  const topics: string[] = [];
  const seen = new Set<string>();
  const addTopic = (raw: string) => {
    const topic = topicOf(raw);
    if (topic && !seen.has(topic.toLowerCase())) {
      seen.add(topic.toLowerCase());
      topics.push(topic);
    }
  };
  const step = Math.max(1, Math.floor(sorted.length / count));
  for (let index = 0; index < sorted.length && topics.length < count; index += step) {
    const episode = sorted[index]!;
    const chapter = episode.chapters?.find((candidate) => topicOf(candidate.title) !== null);
    addTopic(chapter?.title ?? episode.title);
  }
  return topics.map((topic, index) => TEMPLATES[index % TEMPLATES.length]!(topic));
}

/**
 * The subject of a title: guests (`— with …`, `ft. …`) and episode numbers dropped; for
 * `Brand: Subject` titles the longer side is usually the subject. Null when nothing usable is left.
 */
export function topicOf(title: string): string | null {
  let topic = title
    .replace(/\s+(?:[—–-]\s*)?(?:with|ft\.?|feat\.?|featuring)\s.*$/i, '')
    .replace(/^(?:episode|ep\.?)\s*#?\d+\s*[:.—–-]?\s*/i, '')
    .replace(/^#?\d+\s*[:.—–-]\s*/, '')
    .trim();
  const colon = topic.indexOf(':');
  if (colon !== -1) {
    const before = topic.slice(0, colon).trim();
    const after = topic.slice(colon + 1).trim();
    topic = after.length >= before.length ? after : before;
  }
  topic = topic.replace(/[.!?…]+$/, '').trim();
  if (topic.length < 3 || /^(?:intro|introduction|outro|chapter \d+|untitled)$/i.test(topic)) return null;
  if (topic.length > 70) topic = `${topic.slice(0, 67).replace(/\s+\S*$/, '')}…`;
  // Lower-case a leading capital unless the word looks like a name or acronym ("GPUs", "OpenAI").
  return /^[A-Z][a-z]+\b/.test(topic) && !/^[A-Z][a-z]+[A-Z]/.test(topic) ? lowerFirstWordIfCommon(topic) : topic;
}

function lowerFirstWordIfCommon(topic: string): string {
  const first = topic.split(/\s/)[0] ?? '';
  // Common words read better mid-sentence in lower case; proper nouns (unknown to us) keep case.
  const common =
    /^(?:the|a|an|how|why|what|when|building|scaling|making|running|using|inside|beyond|from|on|in|into|our|your|new)$/i;
  return common.test(first) ? topic[0]!.toLowerCase() + topic.slice(1) : topic;
}
