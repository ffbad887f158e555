import type { ParsedTurn, TimeMark } from '../../src/domain.js';

/** Closing punctuation that attaches to the previous fragment without a space (word-level transcripts). */
const ATTACHES_LEFT = /^[,.;:!?%)\]}…»”’]/u;

interface OpenTurn {
  speaker: string | null;
  text: string;
  marks: TimeMark[];
  chapter: string | undefined;
  role: string | undefined;
}

/**
 * Accumulates speaker turns for the line- and cue-based parsers, keeping the `ParsedTurn`
 * invariants in one place: whitespace collapsed, marks sorted by offset, times never going
 * backwards (a mark earlier than the one before it is dropped, its text kept), no empty turns.
 */
export class TurnBuilder {
  /** Chapter heading in force; stamped on each turn when it starts. */
  chapter: string | undefined;

  private readonly turns: ParsedTurn[] = [];
  private current: OpenTurn | undefined;
  /** A time read before the text it belongs to (e.g. a timestamp alone on a line). */
  private pendingSeconds: number | undefined;
  private lastSeconds = Number.NEGATIVE_INFINITY;

  /** Speaker of the open turn; `undefined` before the first turn. */
  get currentSpeaker(): string | null | undefined {
    return this.current?.speaker;
  }

  /** Closes the open turn (dropped when it has no text) and opens one for `speaker`. */
  startTurn(speaker: string | null, options: { role?: string | undefined } = {}): void {
    this.endTurn();
    this.current = { speaker, text: '', marks: [], chapter: this.chapter, role: options.role };
  }

  /**
   * Records a time for the next text appended. A later call before any text replaces it: the
   * newer time is the closer one to the words that follow.
   */
  mark(seconds: number | null | undefined): void {
    if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return;
    this.pendingSeconds = seconds;
  }

  /**
   * Appends words to the open turn (opening a speaker-less one when none is open). `seconds`,
   * when given, is the time at which this text starts.
   */
  append(text: string, seconds?: number | null): void {
    if (seconds !== undefined) this.mark(seconds);
    const words = text.replace(/\s+/g, ' ').trim();
    if (!words) return;
    if (!this.current) this.startTurn(null);
    const turn = this.current as OpenTurn;
    if (turn.text && !ATTACHES_LEFT.test(words)) turn.text += ' ';
    const offset = turn.text.length;
    turn.text += words;
    if (this.pendingSeconds !== undefined) {
      if (this.pendingSeconds >= this.lastSeconds) {
        turn.marks.push({ offset, seconds: this.pendingSeconds });
        this.lastSeconds = this.pendingSeconds;
      }
      this.pendingSeconds = undefined;
    }
  }

  /** The finished turns; the builder should not be used afterwards. */
  finish(): ParsedTurn[] {
    this.endTurn();
    return this.turns;
  }

  /**
   * Closes the open turn (dropped when it has no text), at a section heading say: text appended next
   * opens a speaker-less one.
   */
  endTurn(): void {
    const turn = this.current;
    this.current = undefined;
    if (!turn?.text) return;
    const parsed: ParsedTurn = { speaker: turn.speaker, text: turn.text, marks: turn.marks };
    if (turn.chapter !== undefined) parsed.chapter = turn.chapter;
    if (turn.role !== undefined) parsed.role = turn.role;
    this.turns.push(parsed);
  }
}
