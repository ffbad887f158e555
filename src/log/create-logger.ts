/**
 * The server's structured log: pino, one JSON object a line on stderr, or the same records as short
 * readable lines (`LOG_FORMAT=pretty`). stdout stays free for the "listening on" line and for the
 * CLIs' results.
 */
import { pino } from 'pino';
import type { LogLevel } from '../config.js';
import { formatPrettyLine } from './format-pretty-line.js';

export type Logger = pino.Logger;

/** Where log lines go: anything with a `write(line)` (each call is one complete line with its `\n`). */
export interface LogDestination {
  write(line: string): void;
}

const stderr: LogDestination = { write: (line) => process.stderr.write(line) };

/**
 * A logger at `level` writing `format` lines to `destination` (default stderr). Writes are
 * synchronous so that nothing is lost when the process exits right after logging (a failed start,
 * the end of a graceful shutdown).
 */
export function createLogger(options: {
  level: LogLevel;
  format: 'json' | 'pretty';
  destination?: LogDestination | undefined;
}): Logger {
  const target = options.destination ?? stderr;
  const destination: LogDestination =
    options.format === 'pretty' ? { write: (line) => target.write(formatPrettyLine(line)) } : target;
  return pino(
    {
      level: options.level,
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      // The level's name ("info"), not pino's number (30): readable by people and log tools alike.
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/** A logger whose lines go to a plain `(line) => void` callback (tests, and callers that collect lines). */
export function loggerForLines(options: { log: (line: string) => void; level?: LogLevel | undefined }): Logger {
  return createLogger({
    level: options.level ?? 'info',
    format: 'json',
    destination: { write: (line) => options.log(line.trimEnd()) },
  });
}
