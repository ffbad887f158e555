import { describe, expect, test } from 'vitest';
import { formatIngestReport } from '../../ingest/format-ingest-report.js';
import type { IngestFileReport, IngestReport } from '../../ingest/ingest-paths.js';

function report(files: IngestFileReport[], written: boolean): IngestReport {
  const added = files.filter((file) => file.status === 'ok').map((_, position) => `episode-${position}`);
  return {
    indexDir: '/tmp/index',
    embedder: 'local:use-lite',
    files,
    episodes: { added, updated: [], unchanged: [], removed: [], kept: [] },
    chunks: files.reduce((sum, file) => sum + file.chunks, 0),
    embedded: files.reduce((sum, file) => sum + file.embedded, 0),
    reused: 0,
    rebuilt: false,
    written,
  };
}

const broken: IngestFileReport = {
  path: 'broken.vtt',
  status: 'failed',
  episodes: 0,
  chunks: 0,
  embedded: 0,
  reason: 'broken.vtt: no cues found',
};
const good: IngestFileReport = { path: 'good.srt', status: 'ok', episodes: 1, chunks: 12, embedded: 12 };

describe('formatIngestReport', () => {
  test('names each file with its outcome, then the index, then the failures', () => {
    expect(formatIngestReport(report([good, broken], true), { seconds: 2 })).toStrictEqual([
      'ok                 good.srt    1 episode, 12 chunks (12 embedded)',
      'failed             broken.vtt  broken.vtt: no cues found',
      'Index written at /tmp/index: 1 episode (1 added, 0 updated, 0 unchanged, 0 removed), 12 chunks; embedded 12, reused 0 in 2.0 s.',
      '1 file failed; the other files were indexed.',
    ]);
  });

  test('a run that only removed a show reports the removal, not a search for files', () => {
    const removal = {
      ...report([], true),
      episodes: { added: [], updated: [], unchanged: [], removed: ['bees'], kept: ['other'] },
    };
    expect(formatIngestReport(removal)).toStrictEqual([
      'Index written at /tmp/index: 1 episode (0 added, 0 updated, 0 unchanged, 1 removed, 1 kept as they were (outside these paths, or their file failed)), 0 chunks; embedded 0, reused 0.',
      'Removed: bees',
    ]);
    expect(formatIngestReport(report([], false))[0]).toBe('No transcript files found.');
  });

  test('does not claim other files were indexed when every file failed', () => {
    expect(formatIngestReport(report([broken], false)).at(-1)).toBe('1 file failed.');
  });
});
