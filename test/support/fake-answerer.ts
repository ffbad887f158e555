import type { AnswerEvent, Answerer, ChatAnswer, ChatRequest, Citation } from '../../src/domain.js';

/** A citation for tests; fields can be overridden. */
export function fakeCitation(overrides: Partial<Citation> = {}): Citation {
  return {
    n: 1,
    chunkId: 'episode-one#0',
    episodeId: 'episode-one',
    episodeTitle: 'Episode One',
    speaker: 'Alice',
    start: 65,
    end: 70,
    timestampLabel: '01:05',
    approximate: false,
    url: 'https://example.com/one.mp3#t=65',
    quote: 'Vector search is only half of retrieval.',
    ...overrides,
  };
}

/** The answer the fake gives unless told otherwise. */
export function fakeChatAnswer(overrides: Partial<ChatAnswer> = {}): ChatAnswer {
  return {
    answer: 'Alice said vector search is only half of retrieval [1].',
    answerable: true,
    mode: 'extractive',
    citations: [fakeCitation()],
    ...overrides,
  };
}

export interface FakeAnswererOptions {
  /** The final answer (the `end` event). */
  answer?: ChatAnswer;
  /** Text deltas streamed between `sources` and `end`; default: the answer split after "said". */
  deltas?: string[];
  /** Throw this error after emitting this many events (0 = before the first event). */
  failWith?: { error: unknown; afterEvents: number };
  /** When true, pause after `sources` until `release()` is called or the signal aborts. */
  hold?: boolean;
  /** Wait this long before each event after the first (a slow answer, for shutdown tests). */
  delayMs?: number;
}

/**
 * A scripted `Answerer` for HTTP and CLI tests. It records every request and signal, and when
 * holding it observes the abort signal the way a real answerer must (stops and throws).
 */
export class FakeAnswerer implements Answerer {
  readonly mode: 'extractive' | 'llm';
  readonly requests: ChatRequest[] = [];
  readonly signals: (AbortSignal | undefined)[] = [];
  /** Set when the answerer saw its signal abort while it was working. */
  abortObserved = false;
  private readonly options: FakeAnswererOptions;
  private releaseHold: (() => void) | undefined;
  private readonly holdingWaiters: (() => void)[] = [];
  private holding = false;

  constructor(options: FakeAnswererOptions = {}) {
    this.options = options;
    this.mode = options.answer?.mode ?? 'extractive';
  }

  /** Lets a held answer continue. */
  release(): void {
    this.releaseHold?.();
  }

  /** Resolves once an answer is paused on `hold` (i.e. the `sources` event has gone out). */
  whenHolding(): Promise<void> {
    if (this.holding) return Promise.resolve();
    return new Promise((resolve) => this.holdingWaiters.push(resolve));
  }

  async *answer(request: ChatRequest, options: { signal?: AbortSignal | undefined }): AsyncIterable<AnswerEvent> {
    this.requests.push(request);
    this.signals.push(options.signal);
    const answer = this.options.answer ?? fakeChatAnswer();
    const deltas = this.options.deltas ?? ['Alice said', answer.answer.slice('Alice said'.length)];
    const events: AnswerEvent[] = [
      { type: 'sources', citations: answer.citations },
      ...deltas.map((text) => ({ type: 'text-delta' as const, text })),
      { type: 'end', answer },
    ];
    for (const [position, event] of events.entries()) {
      if (this.options.failWith && this.options.failWith.afterEvents === position) throw this.options.failWith.error;
      if (position > 0 && this.options.delayMs)
        await new Promise((resolve) => setTimeout(resolve, this.options.delayMs));
      options.signal?.throwIfAborted();
      yield event;
      if (position === 0 && this.options.hold) await this.waitForRelease(options.signal);
    }
  }

  private waitForRelease(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.abortObserved = true;
        reject(signal?.reason);
      };
      this.releaseHold = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.holding = true;
      for (const waiter of this.holdingWaiters.splice(0)) waiter();
    });
  }
}
