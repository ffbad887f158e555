import type { IngestReport } from './ingest-paths.js';

/**
 * The human-readable report of an ingest: one line per file (status, counts, or the reason it
 * failed), then a summary of what happened to the index.
 */
export function formatIngestReport(report: IngestReport, options: { seconds?: number } = {}): string[] {
  const lines: string[] = [];
  const width = Math.max(0, ...report.files.map((file) => file.path.length));
  for (const file of report.files) {
    const name = file.path.padEnd(width);
    const requests = file.requests === undefined ? '' : `, ${plural(file.requests, 'request')}`;
    if (file.status === 'failed') {
      lines.push(`failed             ${name}  ${file.reason ?? ''}`);
    } else {
      const counts = `${plural(file.episodes, 'episode')}, ${plural(file.chunks, 'chunk')}`;
      const embedded =
        file.status === 'ok' ? ` (${file.embedded} embedded${requests})` : requests ? ` (${requests.slice(2)})` : '';
      lines.push(`${file.status.padEnd(19)}${name}  ${counts}${embedded}`);
    }
    for (const note of file.notes ?? []) lines.push(`  note: ${note}`);
  }
  // `--remove SHOW_ID` alone reads no files by design; the removal lines below are its report.
  if (report.files.length === 0 && report.episodes.removed.length === 0) lines.push('No transcript files found.');
  if (report.previousIndexProblem) {
    lines.push(`The previous index could not be read and was rebuilt: ${report.previousIndexProblem}`);
  }
  const { added, updated, unchanged, removed, kept } = report.episodes;
  const total = added.length + updated.length + unchanged.length + kept.length;
  const parts = [
    `${added.length} added`,
    `${updated.length} updated`,
    `${unchanged.length} unchanged`,
    `${removed.length} removed`,
  ];
  if (kept.length > 0) parts.push(`${kept.length} kept as they were (outside these paths, or their file failed)`);
  const failed = report.files.filter((file) => file.status === 'failed').length;
  const time = options.seconds === undefined ? '' : ` in ${options.seconds.toFixed(1)} s`;
  lines.push(
    `${report.written ? 'Index written' : 'Index unchanged'} at ${report.indexDir}: ${plural(total, 'episode')} (${parts.join(', ')}), ${plural(report.chunks, 'chunk')}; embedded ${report.embedded}, reused ${report.reused}${time}.`,
  );
  if (removed.length > 0) lines.push(`Removed: ${removed.join(', ')}`);
  if (failed > 0) {
    const others = failed < report.files.length ? '; the other files were indexed' : '';
    lines.push(`${plural(failed, 'file')} failed${others}.`);
  }
  return lines;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
