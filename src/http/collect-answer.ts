import type { AnswerEvent, ChatAnswer } from '../domain.js';
import { PodciteError } from '../errors.js';

/** Drains an answer stream and returns the `end` event's answer (the JSON body of POST /api/chat). */
export async function collectAnswer(events: AsyncIterable<AnswerEvent>): Promise<ChatAnswer> {
  return (await collectEndEvent(events)).answer;
}

/** Drains an answer stream and returns its `end` event (the answer and any token usage). */
export async function collectEndEvent(
  events: AsyncIterable<AnswerEvent>,
): Promise<Extract<AnswerEvent, { type: 'end' }>> {
  for await (const event of events) {
    if (event.type === 'end') return event;
  }
  throw new PodciteError('internal:answerer', 'The answerer finished without an answer.');
}
