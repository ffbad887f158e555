/** Small helpers shared by the benchmarks: percentiles, aligned tables, a seeded PRNG. */

/** The p-th percentile (0..100) by nearest rank; NaN for an empty list. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Prints rows of equal keys as an aligned plain-text table. */
export function printTable(rows: Array<Record<string, string | number>>): void {
  const first = rows[0];
  if (!first) return;
  const headers = Object.keys(first);
  const widths = headers.map((header) => Math.max(header.length, ...rows.map((row) => String(row[header]).length)));
  const line = (cells: string[]) => cells.map((cell, index) => cell.padStart(widths[index]!)).join('  ');
  console.log(line(headers));
  for (const row of rows) console.log(line(headers.map((header) => String(row[header]))));
}

/**
 * Exact (brute-force) top-k by dot product — cosine for unit vectors — the ground truth ANN
 * recall is measured against. `vectorAt(label)` gives vector `label` of `count`.
 */
export function exactTopK(options: {
  count: number;
  vectorAt: (label: number) => ArrayLike<number>;
  query: ArrayLike<number>;
  k: number;
}): number[] {
  const { count, vectorAt, query, k } = options;
  const best: Array<{ label: number; score: number }> = [];
  for (let label = 0; label < count; label++) {
    const vector = vectorAt(label);
    let dot = 0;
    for (let index = 0; index < vector.length; index++) dot += (vector[index] ?? 0) * (query[index] ?? 0);
    if (best.length < k) {
      best.push({ label, score: dot });
      best.sort((a, b) => b.score - a.score);
    } else if (dot > best[k - 1]!.score) {
      best[k - 1] = { label, score: dot };
      best.sort((a, b) => b.score - a.score);
    }
  }
  return best.map((entry) => entry.label);
}

/** Deterministic PRNG (mulberry32): the same seed gives the same sequence, so runs are comparable. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
