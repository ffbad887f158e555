import type { IngestProgress } from './ingest-paths.js';

/** Redraws of the TTY bar at most this often; the embedder reports every slice. */
const REDRAW_MS = 100;
/** Without a TTY, a plain line at each tenth of the work or after this long, whichever comes first. */
const PLAIN_LINE_MS = 10_000;
const BAR_WIDTH = 24;

export interface ProgressReporter {
  onProgress(event: IngestProgress): void;
  /** Ends the bar's line so later output starts on a fresh one. */
  finish(): void;
}

/**
 * Renders ingest progress (episodes, chunks, rate, ETA) to `stream`: one redrawn line when the
 * stream is a TTY, plain lines otherwise (logs, CI, pipes), so captured output stays readable.
 */
export function createProgressReporter(
  stream: NodeJS.WritableStream & { isTTY?: boolean | undefined },
  options: { now?: () => number } = {},
): ProgressReporter {
  const now = options.now ?? Date.now;
  const tty = stream.isTTY === true;
  let lineOpen = false;
  let lastDraw = 0;
  let lastPlain = 0;
  let lastTenth = -1;
  let embedStart: number | undefined;
  let announcedParse = false;

  const write = (line: string) => {
    if (tty) {
      stream.write(`\r\x1b[2K${line}`);
      lineOpen = true;
    } else {
      stream.write(`${line}\n`);
    }
  };

  return {
    onProgress(event) {
      const time = now();
      if (event.phase === 'parse') {
        if (tty && time - lastDraw >= REDRAW_MS) {
          lastDraw = time;
          write(`Reading files ${event.filesDone + 1}/${event.filesTotal}  ${event.file}`);
        } else if (!tty && !announcedParse) {
          announcedParse = true;
          write(`Reading ${event.filesTotal} file${event.filesTotal === 1 ? '' : 's'}…`);
        }
        return;
      }
      if (event.phase === 'write') {
        write(`Writing the index: ${event.episodes} episodes, ${event.chunks} chunks…`);
        return;
      }
      embedStart ??= time;
      const { chunksDone, chunksTotal, episodesDone, episodesTotal } = event;
      const elapsedSeconds = (time - embedStart) / 1000;
      const rate = elapsedSeconds > 0 ? chunksDone / elapsedSeconds : 0;
      const eta = rate > 0 ? formatDuration((chunksTotal - chunksDone) / rate) : '–';
      const fraction = chunksTotal > 0 ? chunksDone / chunksTotal : 1;
      const details = `${chunksDone}/${chunksTotal} chunks · ${episodesDone}/${episodesTotal} episodes · ${rate.toFixed(1)} chunks/s · ETA ${eta}`;
      const finished = chunksDone === chunksTotal;
      if (tty) {
        if (!finished && time - lastDraw < REDRAW_MS) return;
        lastDraw = time;
        const filled = Math.round(fraction * BAR_WIDTH);
        write(`Embedding ${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)} ${details}`);
        return;
      }
      const tenth = Math.floor(fraction * 10);
      if (tenth > lastTenth || finished || time - lastPlain >= PLAIN_LINE_MS) {
        lastTenth = tenth;
        lastPlain = time;
        write(`Embedding ${Math.round(fraction * 100)}%: ${details}`);
      }
    },
    finish() {
      if (tty && lineOpen) stream.write('\n');
      lineOpen = false;
    },
  };
}

/** `m:ss` (or `h:mm:ss`) for an ETA. */
function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${secs}` : `${minutes}:${secs}`;
}
