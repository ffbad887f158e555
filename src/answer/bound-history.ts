import type { ChatMessage } from '../domain.js';

/** Most messages of earlier conversation an answer looks at. */
export const MAX_HISTORY_MESSAGES = 10;
/** Most characters of earlier conversation an answer looks at (all messages together). */
export const MAX_HISTORY_CHARS = 8000;

/**
 * The most recent part of a conversation that fits both limits, oldest first. Whole messages are
 * dropped from the oldest end; when even the latest message alone is too long, its end is kept
 * (the end of a long answer is what a follow-up usually refers to).
 */
export function boundHistory(
  history: ChatMessage[],
  limits: { maxMessages?: number; maxChars?: number } = {},
): ChatMessage[] {
  const maxMessages = limits.maxMessages ?? MAX_HISTORY_MESSAGES;
  const maxChars = limits.maxChars ?? MAX_HISTORY_CHARS;
  const kept: ChatMessage[] = [];
  let chars = 0;
  for (let index = history.length - 1; index >= 0 && kept.length < maxMessages; index--) {
    const message = history[index]!;
    if (chars + message.content.length > maxChars) {
      if (kept.length === 0) kept.push({ role: message.role, content: message.content.slice(-maxChars) });
      break;
    }
    kept.push(message);
    chars += message.content.length;
  }
  return kept.reverse();
}
