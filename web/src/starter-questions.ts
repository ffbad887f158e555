/**
 * Starter questions drawn from the corpus itself, phrased the way a listener would ask: a chapter
 * title becomes "When do they get to "Enterprise Deployment and Privacy"?" (answered with the
 * time), a title that is already a question ("Why Build World Models") is asked as one, the guest
 * named in an episode title becomes "Who is David Singleton, and what are they working on?", and
 * an episode's subject "What do they say about …?". Nothing is hard-coded, so a different podcast
 * gets questions about its own episodes. Titles are cleaned of emoji, control and format
 * characters first: a glyph the reader's fonts lack would show as a box.
 */
import type { EpisodeSummary } from './api-schemas.js';

/**
 * Up to `count` questions, spread over the catalogue (newest first) rather than all from one
 * episode, one of each kind in turn. Deterministic for a given catalogue so the page does not
 * reshuffle on reload.
 */
export function starterQuestions(episodes: readonly EpisodeSummary[], count = 4): string[] {
  const sorted = [...episodes].sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''));
  const makers: Array<(episode: EpisodeSummary) => string | null> = [
    whenQuestion,
    chapterQuestion,
    guestQuestion,
    subjectQuestion,
  ];
  const questions: string[] = [];
  const seen = new Set<string>();
  const add = (question: string | null) => {
    if (!question || seen.has(question.toLowerCase()) || questions.length >= count) return false;
    seen.add(question.toLowerCase());
    questions.push(question);
    return true;
  };
  // Each round asks one question per episode, newest first; episodes take turns at which kind they
  // try first, so four episodes give four kinds of question, and an episode without chapters or a
  // named guest falls back to the next kind it can make.
  for (let round = 0; round < makers.length && questions.length < count; round++) {
    for (const [position, episode] of sorted.entries()) {
      for (let step = 0; step < makers.length; step++) {
        if (add(makers[(position + round + step) % makers.length]!(episode))) break;
      }
      if (questions.length >= count) break;
    }
  }
  return questions;
}

/** Emoji, pictographs, variation selectors, control, format, private-use and unassigned characters. */
const UNRENDERABLE = /\p{Extended_Pictographic}|[\p{Cc}\p{Cf}\p{Co}\p{Cn}]|[\u{FE00}-\u{FE0F}]|\u{20E3}/gu;

/** A title without characters that may not render (see `UNRENDERABLE`), whitespace collapsed. */
export function cleanTitle(title: string): string {
  return title.replace(UNRENDERABLE, ' ').replace(/\s+/gu, ' ').trim();
}

/** Chapter titles that name no topic. */
const GENERIC_CHAPTER =
  /^(?:intro(?:duction)?s?|outro|welcome(?: and guests)?|wrap[- ]?up(?: and thanks)?|closing(?: thoughts)?|thanks|conclusion|q&a|chapter \d+|untitled|cold open|sponsors?|ads?)$/iu;

/** A chapter of the episode that names a topic, from the middle of the list (not the intro or the outro). */
function topicalChapter(episode: EpisodeSummary, offset = 0): string | null {
  const chapters = (episode.chapters ?? [])
    .map((chapter) => cleanTitle(chapter.title))
    .filter((title) => title.length >= 8 && title.length <= 70 && !GENERIC_CHAPTER.test(title));
  if (chapters.length === 0) return null;
  return chapters[(Math.floor(chapters.length / 2) + offset) % chapters.length] ?? null;
}

const QUESTION_OPENER = /^(?:why|how|what|when|who|which|where|should|can|could|is|are|does|do|will|would)\b/iu;

/** "When do they get to "Enterprise Deployment and Privacy"?" — a chapter asked for by its time. */
function whenQuestion(episode: EpisodeSummary): string | null {
  const chapter = topicalChapter(episode);
  if (!chapter || QUESTION_OPENER.test(chapter)) return null;
  return `When do they get to “${chapter.replace(/[.!?…:]+$/u, '')}”?`;
}

/**
 * Titles that read as a question as they stand: one ending in "?", or opening with "Why" or an
 * auxiliary ("Should Claude have its own computer"). "What Makes Small Models" or "How Anthropic
 * built Cowork" are headings, not questions, and are left to `whenQuestion`.
 */
const ASKS_AS_IS = /^(?:why|should|can|could|is|are|does|do|will|would)\b|\?$/iu;

/** A chapter title that is already a question ("Why Build World Models"), asked as one. */
function chapterQuestion(episode: EpisodeSummary): string | null {
  for (const chapter of (episode.chapters ?? []).map((candidate) => cleanTitle(candidate.title))) {
    if (!ASKS_AS_IS.test(chapter) || chapter.length > 70 || chapter.split(' ').length < 3) continue;
    return `${sentenceCase(chapter.replace(/[.!?…:]+$/u, ''))}?`;
  }
  return null;
}

/** "Who is David Singleton, and what are they working on?" for a guest the title names. */
function guestQuestion(episode: EpisodeSummary): string | null {
  const title = cleanTitle(episode.title);
  const match =
    /(?:\s[—–-]\s*(?:with\s+|w\/\s*)?|\s(?:with|ft\.?|feat\.?|featuring)\s+)([\p{Lu}][\p{L}'’.-]+(?:\s[\p{Lu}][\p{L}'’.-]+){1,2})(?=$|\s(?:of|from|at|and|&)\s|[,;])/u.exec(
      title,
    );
  const guest = match?.[1];
  return guest ? `Who is ${guest}, and what are they working on?` : null;
}

/** "What do they say about causal world models?" for the subject of an episode title. */
function subjectQuestion(episode: EpisodeSummary): string | null {
  const topic = topicOf(episode.title);
  if (!topic || QUESTION_OPENER.test(topic)) return null;
  return `What do they say about ${topic}?`;
}

/**
 * The first word kept, later words lower-cased unless they look like names or acronyms ("TTS",
 * "OpenAI", "GPT-4"): chapter titles are in Title Case, a question is not.
 */
function sentenceCase(text: string): string {
  return text
    .split(' ')
    .map((word, position) => {
      if (position === 0) return word;
      if (/\p{N}/u.test(word) || /^.+\p{Lu}/u.test(word) || /^\p{Lu}{2,}$/u.test(word)) return word;
      return word.toLowerCase();
    })
    .join(' ');
}

/**
 * The subject of a title: guests (`— with …`, `ft. …`) and episode numbers dropped; for
 * `Brand: Subject` titles the longer side is usually the subject. Null when nothing usable is left.
 */
export function topicOf(title: string): string | null {
  let topic = cleanTitle(title)
    .replace(/\s+(?:[—–-]\s*)?(?:with|ft\.?|feat\.?|featuring)\s.*$/i, '')
    .replace(/\s+[—–]\s.*$/u, '')
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
