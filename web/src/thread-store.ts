/**
 * The conversation kept across reloads in localStorage. A thread saved by another version of the
 * page, or edited by hand, is validated and dropped if it does not fit rather than half-rendered.
 */
import * as z from 'zod/mini';
import { citationSchema } from './api-schemas.js';

const STORAGE_KEY = 'podcite.thread.v1';

export const turnStatusSchema = z.enum(['streaming', 'done', 'stopped', 'error']);

const threadTurnSchema = z.object({
  id: z.string(),
  question: z.string(),
  /** Episodes the question was scoped to; empty means all. */
  episodeIds: z.array(z.string()),
  /** The answer text so far (the whole answer once `status` is `done`), with `[n]` markers. */
  answer: z.string(),
  /** Null until the `end` event says. */
  answerable: z.nullable(z.boolean()),
  notice: z.nullable(z.string()),
  /** Citations of the finished answer (from `end`). */
  citations: z.array(citationSchema),
  /** Candidate passages from the `sources` event: the nearest passages even when not answerable. */
  candidates: z.array(citationSchema),
  status: turnStatusSchema,
  error: z.nullable(z.object({ code: z.string(), message: z.string() })),
});
export type ThreadTurn = z.infer<typeof threadTurnSchema>;

const threadSchema = z.object({ turns: z.array(threadTurnSchema) });

/** Reads the saved thread; an absent, unreadable or outdated one yields an empty thread. */
export function loadThread(storage: Storage): ThreadTurn[] {
  let raw: string | null;
  try {
    raw = storage.getItem(STORAGE_KEY);
  } catch {
    return [];
  }
  if (raw === null) return [];
  try {
    const parsed = threadSchema.safeParse(JSON.parse(raw));
    if (!parsed.success) return [];
    // A reload cuts a stream off; what was received is kept and marked as stopped.
    return parsed.data.turns.map((turn) => (turn.status === 'streaming' ? { ...turn, status: 'stopped' } : turn));
  } catch {
    return [];
  }
}

/** Saves the thread; a full or disabled storage (private mode) is ignored: the thread still works in memory. */
export function saveThread(storage: Storage, turns: readonly ThreadTurn[]): void {
  try {
    storage.setItem(STORAGE_KEY, JSON.stringify({ turns }));
  } catch {
    // Quota exceeded or storage disabled: keeping the page working matters more than persistence.
  }
}

export function clearThread(storage: Storage): void {
  try {
    storage.removeItem(STORAGE_KEY);
  } catch {
    // See saveThread.
  }
}
