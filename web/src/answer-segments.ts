/**
 * Splits answer text into paragraphs of plain text and citation markers, so the page can turn
 * `[n]` into a chip without ever parsing the answer as HTML.
 */

export type AnswerSegment = { kind: 'text'; text: string } | { kind: 'citation'; n: number };

/**
 * Paragraphs are separated by blank lines. `[2]`, `[2][3]` and `[2, 3]` become citation segments
 * (one per number) only when every number in the brackets is in `knownCitations`; anything else
 * (`[2020]`, a marker whose source has not arrived yet) stays text.
 */
export function splitAnswer(answer: string, knownCitations: ReadonlySet<number>): AnswerSegment[][] {
  return answer
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph !== '')
    .map((paragraph) => splitParagraph(paragraph, knownCitations));
}

function splitParagraph(paragraph: string, knownCitations: ReadonlySet<number>): AnswerSegment[] {
  const segments: AnswerSegment[] = [];
  let pending = '';
  let position = 0;
  for (const match of paragraph.matchAll(/\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/g)) {
    const numbers = (match[1] ?? '').split(',').map((part) => Number(part.trim()));
    const index = match.index;
    pending += paragraph.slice(position, index);
    position = index + match[0].length;
    if (numbers.every((n) => knownCitations.has(n))) {
      if (pending) segments.push({ kind: 'text', text: pending });
      pending = '';
      for (const n of numbers) segments.push({ kind: 'citation', n });
    } else {
      pending += match[0];
    }
  }
  pending += paragraph.slice(position);
  if (pending) segments.push({ kind: 'text', text: pending });
  return segments;
}
