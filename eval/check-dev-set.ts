/**
 * Checks a QA set written against the Practical AI corpus: every evidence's episode must be the title
 * the Markdown parser gives one of the files, and its quote must be in that file (on the line given,
 * when one is) and survive parsing — inside the text of one parsed turn, or retrieval could never find it.
 *
 * Usage: npx tsx eval/check-dev-set.ts QA.jsonl CORPUS_DIR
 * (e.g. eval/practical-ai-dev.jsonl and the folder of the 299 Practical AI transcripts, which the
 * repository does not bundle). Exit 1 on any problem, 2 on a usage error.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMarkdownTranscript } from '../ingest/parsers/markdown.js';
import { normalizeForMatch } from '../src/eval/normalize-for-match.js';
import { loadQaSet } from '../src/eval/qa-set.js';
import { quoteVariants } from '../src/eval/quote-matching.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [qaArgument, corpusArgument] = process.argv.slice(2);
if (qaArgument === undefined || corpusArgument === undefined) {
  process.stderr.write(
    'Usage: npx tsx eval/check-dev-set.ts QA.jsonl CORPUS_DIR\n' +
      `  e.g. npx tsx eval/check-dev-set.ts ${path.relative(process.cwd(), path.join(root, 'eval/practical-ai-dev.jsonl'))} path/to/practical-ai\n`,
  );
  process.exit(2);
}
const qaPath = path.resolve(qaArgument);
const corpusDir = path.resolve(corpusArgument);

const items = await loadQaSet(qaPath);
const problems: string[] = [];

// Titles come from the parser (these files carry none, so it derives one from the file name):
// parse every file so the set is checked against exactly what ingest will index. They are compared
// normalised, as the eval's gold matcher compares them (the parser capitalises "Practical AI 5").
const byTitle = new Map<string, { fileName: string; lines: string[]; turns: string[] }>();
for (const fileName of (await readdir(corpusDir)).filter((name) => name.endsWith('.md')).sort()) {
  const text = await readFile(path.join(corpusDir, fileName), 'utf8');
  for (const episode of parseMarkdownTranscript(text, { fileName })) {
    byTitle.set(normalizeForMatch(episode.title), {
      fileName,
      lines: text.split('\n').map(normalizeForMatch),
      turns: episode.turns.map((turn) => normalizeForMatch(turn.text)),
    });
  }
}

for (const item of items) {
  if (item.kind === 'unanswerable' && item.evidence.length > 0)
    problems.push(`${item.id}: unanswerable but has evidence`);
  if (item.kind !== 'unanswerable' && item.evidence.length === 0) problems.push(`${item.id}: no evidence`);
  for (const evidence of item.evidence) {
    const file = byTitle.get(normalizeForMatch(evidence.episode));
    if (!file) {
      problems.push(`${item.id}: no file in ${corpusDir} parses to the title "${evidence.episode}"`);
      continue;
    }
    const variants = quoteVariants(evidence.quote);
    if (!variants.some((variant) => file.turns.some((turn) => turn.includes(variant)))) {
      problems.push(`${item.id}: quote not in any parsed turn of ${file.fileName}: "${evidence.quote}"`);
    }
    if (evidence.line != null) {
      const line = file.lines[evidence.line - 1] ?? '';
      if (!variants.some((variant) => line.includes(variant))) {
        problems.push(`${item.id}: quote not on line ${evidence.line} of ${file.fileName}: "${evidence.quote}"`);
      }
    }
  }
}

const kinds = new Map<string, number>();
for (const item of items) kinds.set(item.kind, (kinds.get(item.kind) ?? 0) + 1);
const episodes = new Set(items.flatMap((item) => item.evidence.map((evidence) => evidence.episode)));
process.stdout.write(
  `${items.length} questions (${[...kinds].map(([kind, count]) => `${count} ${kind}`).join(', ')}) over ${episodes.size} episodes\n`,
);
if (problems.length > 0) {
  process.stdout.write(`${problems.length} problem(s):\n${problems.map((problem) => `  ${problem}`).join('\n')}\n`);
  process.exitCode = 1;
} else {
  process.stdout.write('every quote is in its file, on its line, and inside a parsed turn\n');
}
