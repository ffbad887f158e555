import { parseClock } from '../../src/util/time-label.js';

export interface CueTiming {
  start: number;
  /** Null when the line gives no end time (tolerated: the next cue's start bounds it anyway). */
  end: number | null;
  /** Whatever follows the end time: WebVTT cue settings, SRT display coordinates. */
  settings: string;
}

/**
 * Reads a caption timing line, `start --> end [settings]`, shared by WebVTT and SRT. Both `.` and
 * `,` fractions, `mm:ss` and `hh:mm:ss` are accepted. Returns null when the line has no `-->`;
 * throws a plain `Error` naming the bad time, for the caller to wrap in its format's error.
 */
export function parseCueTiming(line: string): CueTiming | null {
  const arrow = line.indexOf('-->');
  if (arrow < 0) return null;
  const startText = line.slice(0, arrow).trim();
  const start = parseClock(startText);
  if (start === null) throw new Error(`cannot read the start time "${startText}"`);
  const [endText = '', ...rest] = line
    .slice(arrow + 3)
    .trim()
    .split(/\s+/);
  // A token made only of digits and separators is meant as a time; anything else (e.g.
  // `align:start`) is a setting on a cue whose end time is missing.
  if (/^[\d:.,]+$/.test(endText)) {
    const end = parseClock(endText);
    if (end === null) throw new Error(`cannot read the end time "${endText}"`);
    return { start, end: end >= start ? end : null, settings: rest.join(' ') };
  }
  return { start, end: null, settings: [endText, ...rest].join(' ').trim() };
}
