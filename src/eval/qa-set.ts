import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { PodciteError } from '../errors.js';

export const evidenceSchema = z.object({
  /** Episode title as the parser produces it (mapped to an episodeId through the manifest). */
  episode: z.string().min(1),
  speaker: z.string().nullable().optional(),
  /** `hh:mm:ss` where the quote is said, or null (show notes, untimed transcripts). */
  timestamp: z.string().nullable().optional(),
  /** Line of the source file, for people checking the set. */
  line: z.number().int().nullable().optional(),
  /** Verbatim words from the transcript or show notes. */
  quote: z.string().min(1),
});
export type Evidence = z.infer<typeof evidenceSchema>;

export const qaItemSchema = z.object({
  id: z.string().min(1),
  /** factual, attribution, when, shownotes, multi, unanswerable (others are accepted and reported as-is). */
  kind: z.string().min(1),
  question: z.string().min(1),
  answer: z.string().optional(),
  evidence: z.array(evidenceSchema),
  keywords: z.array(z.string()).default([]),
});
export type QaItem = z.infer<typeof qaItemSchema>;

/** Parses a QA JSONL text (one `qaItemSchema` object per non-empty line). Errors name the line. */
export function parseQaSet(text: string, source = 'QA set'): QaItem[] {
  const items: QaItem[] = [];
  text.split('\n').forEach((line, position) => {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw new PodciteError('bad_request:qa_set', `${source} line ${position + 1} is not JSON.`, { cause: error });
    }
    const parsed = qaItemSchema.safeParse(json);
    if (!parsed.success) {
      const reason = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
      throw new PodciteError('bad_request:qa_set', `${source} line ${position + 1}: ${reason}`);
    }
    items.push(parsed.data);
  });
  return items;
}

/** Reads and parses a QA JSONL file. */
export async function loadQaSet(filePath: string): Promise<QaItem[]> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    throw new PodciteError('not_found:qa_set', `Cannot read the QA set ${filePath}.`, { cause: error });
  }
  return parseQaSet(text, filePath);
}

/** A question is answerable when the set gives evidence for it. */
export function isAnswerable(item: QaItem): boolean {
  return item.kind !== 'unanswerable' && item.evidence.length > 0;
}
