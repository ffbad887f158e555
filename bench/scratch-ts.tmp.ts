import type { ParsedEpisode } from '../src/domain.js';
import type { ResolvedTurn } from '../ingest/resolve-timestamps.js';
import { measureTimestampEstimation } from './timestamp-estimation.js';

function resolveWeighted(episode: ParsedEpisode, weightOf: (word: string) => number): ResolvedTurn[] {
  const offsetsPer = episode.turns.map((t) => [...t.text.matchAll(/\S+/g)].map((m) => ({ offset: m.index, word: m[0] })));
  const raw: number[] = [];
  for (const o of offsetsPer) for (const w of o) raw.push(weightOf(w.word));
  const total = raw.reduce((a, b) => a + b, 0) || 1;
  const count = raw.length;
  const W = [0];
  for (const r of raw) W.push(W.at(-1)! + (r * count) / total);
  const bases: number[] = []; let c = 0; for (const o of offsetsPer) { bases.push(c); c += o.length; }
  const pts: { x: number; s: number }[] = [];
  episode.turns.forEach((t, i) => { for (const m of t.marks) { const within = offsetsPer[i]!.findIndex((o) => o.offset >= m.offset); const pos = bases[i]! + (within === -1 ? offsetsPer[i]!.length : within); const last = pts.at(-1); if (last && m.seconds < last.s) continue; pts.push({ x: W[pos]!, s: m.seconds }); } });
  const dur = episode.durationSeconds;
  const first = pts[0], last = pts.at(-1);
  let rate = 0.4;
  if (first && last && last.x - first.x >= 20 && last.s > first.s) rate = Math.min(1.5, Math.max(0.15, (last.s - first.s) / (last.x - first.x)));
  else if (dur) rate = dur / count;
  const tail = last && dur !== null && dur > last.s && count > last.x ? Math.min(rate, (dur - last.s) / (count - last.x)) : rate;
  const time = (x: number) => {
    if (!first || !last) return x * rate;
    if (x <= first.x) { const back = first.s - first.x * rate; return back >= 0 ? back + x * rate : first.x === 0 ? first.s : (first.s * x) / first.x; }
    if (x >= last.x) return last.s + (x - last.x) * tail;
    let k = 0; while (pts[k + 1]!.x < x) k++;
    const a = pts[k]!, b = pts[k + 1]!; return b.x === a.x ? a.s : a.s + ((x - a.x) / (b.x - a.x)) * (b.s - a.s);
  };
  return episode.turns.map((t, i) => { const words = offsetsPer[i]!.map((o, j) => ({ offset: o.offset, seconds: time(W[bases[i]! + j]!), approximate: true })); return { speaker: t.speaker, text: t.text, chapter: null, start: words[0]?.seconds ?? time(W[bases[i]!]!), end: time(W[bases[i]! + offsetsPer[i]!.length]!), approximate: true, words }; });
}
const syllables = (w: string) => Math.max(1, (w.toLowerCase().match(/[aeiouy]+/g) ?? []).length);
const letters = (w: string) => Math.max(1, w.replace(/[^\p{L}\p{N}]/gu, '').length);
for (const [name, f] of [['words', () => 1], ['letters', letters], ['letters+1', (w: string) => letters(w) + 1], ['syllables', syllables], ['syll+0.5', (w: string) => syllables(w) + 0.5]] as const) {
  const rows = await measureTimestampEstimation({ resolve: (e) => resolveWeighted(e, f as (w: string) => number) });
  console.log(name, rows.filter((r) => r.scenario === 'interpolation' || r.scenario.includes('duration only')).map((r) => `${r.corpus.replace('latent-space/', '')}:${r.marksHidden}:${r.scenario.includes('only') ? 'dur' : ''} ${r.medianErrorSeconds.toFixed(2)}/${r.p90ErrorSeconds.toFixed(1)}`).join('  '));
}
