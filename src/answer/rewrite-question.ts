/**
 * Follow-up questions ("what did he mean by that?") retrieve nothing on their own. Before retrieval
 * they are rewritten into a standalone question: by the LLM when one is configured, otherwise (and
 * whenever the LLM fails) by a heuristic that carries the earlier question's key terms forward.
 */
import type { ChatMessage } from '../domain.js';
import type { ChatModel } from '../llm/openai-chat.js';
import { STOPWORDS, splitWords, tokenize } from '../retrieval/tokenize.js';
import type { PromptTemplate } from './load-prompts.js';

/** Words that point back into the conversation instead of naming what they mean. */
const REFERRING_WORDS: ReadonlySet<string> = new Set([
  'he',
  'she',
  'him',
  'her',
  'his',
  'hers',
  'they',
  'them',
  'their',
  'it',
  'its',
  'that',
  'this',
  'those',
  'these',
  'there',
  'then',
  'former',
  'latter',
  'same',
  'else',
]);

/** Openers of a question that continues the previous one. */
const FOLLOW_UP_OPENER =
  /^\s*(?:and|but|so|also|what about|how about|why|how come|what else|anything else|tell me more|say more|more on|elaborate)\b/i;

/** A follow-up names at most this many topical terms of its own. */
const MAX_OWN_TERMS = 3;
/** Most terms carried over from the conversation. */
const MAX_CARRIED_TERMS = 8;

/** True when a question leans on the conversation to be understood. */
export function isFollowUp(question: string): boolean {
  const ownTerms = tokenize(question);
  if (ownTerms.length === 0) return true;
  if (ownTerms.length > MAX_OWN_TERMS) return false;
  if (FOLLOW_UP_OPENER.test(question)) return true;
  return splitWords(question).some((word) => REFERRING_WORDS.has(word));
}

/**
 * Key words of a message as written: names (capitalised, not first in a sentence) first, then other
 * words that are neither stopwords nor too short.
 */
function keyWords(text: string): string[] {
  const names: string[] = [];
  const others: string[] = [];
  const pattern = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;
  let sentenceStart = true;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const between = text.slice(last, match.index);
    if (/[.!?]/u.test(between)) sentenceStart = true;
    last = (match.index ?? 0) + match[0].length;
    const word = match[0].replace(/['’]s$/u, '');
    const lower = splitWords(word)[0] ?? '';
    const isName = /^\p{Lu}/u.test(word) && !sentenceStart;
    sentenceStart = false;
    if (STOPWORDS.has(lower) || REFERRING_WORDS.has(lower)) continue;
    if (isName) names.push(word);
    else if (word.length > 2) others.push(word);
  }
  return [...names, ...others];
}

/** People the last answer quoted ("Felix said: …") — what "he"/"she" most likely refers to. */
function quotedSpeakers(answer: string): string[] {
  return [...answer.matchAll(/(\p{Lu}[\p{L}'’-]*(?: \p{Lu}[\p{L}'’-]*)*) (?:said|says|starts)\b/gu)].map(
    (match) => match[1] ?? '',
  );
}

/**
 * Heuristic rewrite: a standalone question is returned unchanged; a follow-up gets the key terms of
 * the earlier user question(s) — names first — and the people the latest answer that quoted anyone quoted, so
 * "what did he mean by that?" after "What did Felix say about local machines?" retrieves like
 * "what did he mean by that? Felix local machines".
 */
export function rewriteQuestionHeuristically(options: { question: string; history: ChatMessage[] }): string {
  const question = options.question.trim();
  if (options.history.length === 0 || !isFollowUp(question)) return question;
  const seen = new Set(splitWords(question));
  const carried: string[] = [];
  const carry = (word: string) => {
    const key = word.toLowerCase();
    if (seen.has(key) || carried.length >= MAX_CARRIED_TERMS) return;
    seen.add(key);
    carried.push(word);
  };
  const userMessages = options.history.filter((message) => message.role === 'user').reverse();
  for (const message of userMessages) {
    for (const word of keyWords(message.content)) carry(word);
    // An earlier follow-up carries little; keep going back until a question with substance.
    if (!isFollowUp(message.content)) break;
  }
  const answers = options.history.filter((message) => message.role === 'assistant').reverse();
  const lastQuoted = answers.map((message) => quotedSpeakers(message.content)).find((names) => names.length > 0);
  for (const speaker of lastQuoted ?? []) carry(speaker);
  return carried.length === 0 ? question : `${question} ${carried.join(' ')}`;
}

/** Renders the conversation for the rewrite prompt, one `Role: text` line block per message. */
function formatHistory(history: ChatMessage[]): string {
  return history.map((message) => `${message.role === 'user' ? 'User' : 'Assistant'}: ${message.content}`).join('\n');
}

/** The longest rewritten question accepted from the LLM; anything longer is an answer, not a question. */
const MAX_REWRITE_CHARS = 500;

/**
 * Standalone form of `question` for retrieval. With no history the question is returned as is.
 * With `chat` and `prompt` the LLM rewrites it; any LLM failure or an implausible reply falls back
 * to `rewriteQuestionHeuristically`. Rethrows nothing except when `signal` was aborted.
 */
export async function rewriteQuestion(options: {
  question: string;
  history: ChatMessage[];
  chat?: ChatModel | undefined;
  prompt?: PromptTemplate<'history' | 'question'> | undefined;
  signal?: AbortSignal | undefined;
  /** Told about an LLM failure that the heuristic covered for (the caller may count it as a failed try). */
  onLlmError?: ((error: unknown) => void) | undefined;
}): Promise<string> {
  const { question, history, chat, prompt, signal } = options;
  if (history.length === 0) return question.trim();
  if (chat && prompt) {
    try {
      const reply = await chat.complete({
        messages: [{ role: 'user', content: prompt.render({ history: formatHistory(history), question }) }],
        signal,
        maxTokens: 200,
      });
      const firstLine = reply
        .trim()
        .split('\n')[0]
        ?.trim()
        .replace(/^["'“]|["'”]$/gu, '');
      if (firstLine && firstLine.length <= MAX_REWRITE_CHARS) return firstLine;
    } catch (error) {
      if (signal?.aborted) throw error;
      options.onLlmError?.(error);
    }
  }
  return rewriteQuestionHeuristically({ question, history });
}
