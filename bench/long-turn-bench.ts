/**
 * Preparing one very long turn (parse, timestamps, chunks; no embedding): an unlabelled transcript of
 * a long show arrives as a single turn of tens of thousands of words. The cost per word should stay
 * flat as the turn grows; it once grew with the turn's length (5–7 s for 30,000 words).
 */
import { performance } from 'node:perf_hooks';
import { parsePlainSpeakerTranscript } from '../ingest/parsers/plain-speaker-transcript.js';
import { prepareEpisode } from '../ingest/prepare-episode.js';
import { printTable } from './bench-util.js';

const WORDS = [
  'so',
  'the',
  'model',
  'learns',
  'from',
  'speech',
  'data',
  'and',
  'we',
  'think',
  'that',
  'really',
  'matters',
];

/** Three shapes of talk: no punctuation at all (raw captions), sentences, and sentences full of "Dr." stops. */
const STYLES = {
  unpunctuated: (index: number) => WORDS[index % WORDS.length]!,
  sentences: (index: number) => `${WORDS[index % WORDS.length]}${index % 14 === 13 ? '.' : ''}`,
  abbreviations: (index: number) =>
    index % 14 === 13 ? (index % 28 === 27 ? 'Dr.' : 'end.') : WORDS[index % WORDS.length]!,
} satisfies Record<string, (index: number) => string>;

function transcript(words: number, style: (index: number) => string): string {
  return Array.from({ length: words }, (_, index) => style(index)).join(' ');
}

/** Median of three runs: single runs of tens of milliseconds swing with the collector and the JIT. */
function prepareMs(text: string): { ms: number; chunks: number } {
  const times: number[] = [];
  let chunks = 0;
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    const [episode] = parsePlainSpeakerTranscript(text, { fileName: 'long-turn.txt' });
    chunks = prepareEpisode(episode!, { source: 'long-turn.txt' }).chunks.length;
    times.push(performance.now() - started);
  }
  return { ms: times.sort((a, b) => a - b)[1]!, chunks };
}

export function runLongTurnBench(): void {
  console.log('\n### one long unlabelled turn (parse + chunk, no embedding)\n');
  const sizes = [10_000, 30_000, 100_000];
  const rows: Array<Record<string, string | number>> = [];
  for (const [name, style] of Object.entries(STYLES)) {
    prepareMs(transcript(2_000, style)); // warm up the JIT
    const perWord = sizes.map((words) => {
      const { ms, chunks } = prepareMs(transcript(words, style));
      rows.push({
        style: name,
        words,
        chunks,
        'median ms': ms.toFixed(0),
        'µs/word': ((ms * 1000) / words).toFixed(1),
      });
      return ms / words;
    });
    rows.push({
      style: name,
      words: '100k / 10k',
      chunks: '',
      'median ms': '',
      'µs/word': `${(perWord.at(-1)! / perWord[0]!).toFixed(2)}x`,
    });
  }
  printTable(rows);
}
