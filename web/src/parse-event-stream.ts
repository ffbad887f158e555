/**
 * A server-sent events parser for `fetch` bodies: EventSource cannot POST, so the page reads the
 * `/api/chat` stream itself. Follows the WHATWG HTML "event stream interpretation" rules that
 * matter here: lines end in CRLF, LF or CR; `data:` lines join with LF; one leading space after
 * the colon is dropped; lines starting with `:` are comments; a blank line dispatches; an event
 * with no data is not dispatched; the event type defaults to `message`.
 * https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */

export interface ServerSentEvent {
  /** The `event:` field, or `message` when the server sent none. */
  event: string;
  /** The `data:` lines joined with `\n`. */
  data: string;
}

export interface EventStreamParser {
  /** Feeds decoded text (any split, even mid-line); returns the events it completed. */
  push(text: string): ServerSentEvent[];
  /** Ends the stream. Per the spec an event not yet closed by a blank line is dropped. */
  end(): ServerSentEvent[];
}

export function createEventStreamParser(): EventStreamParser {
  let buffer = '';
  let eventType = '';
  let dataLines: string[] = [];
  // A CR at the end of one chunk may be the first half of a CRLF split across chunks.
  let skipLeadingLineFeed = false;

  function processLine(line: string, completed: ServerSentEvent[]): void {
    if (line === '') {
      if (dataLines.length > 0) completed.push({ event: eventType || 'message', data: dataLines.join('\n') });
      eventType = '';
      dataLines = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') eventType = value;
    else if (field === 'data') dataLines.push(value);
    // `id` and `retry` only matter for EventSource reconnection, which a POST stream never does.
  }

  return {
    push(text) {
      const completed: ServerSentEvent[] = [];
      buffer += text;
      if (skipLeadingLineFeed && buffer.startsWith('\n')) buffer = buffer.slice(1);
      skipLeadingLineFeed = false;
      for (;;) {
        const match = /\r\n|\r|\n/.exec(buffer);
        if (!match) break;
        // A lone CR at the very end could still become CRLF: wait for the next chunk to decide.
        if (match[0] === '\r' && match.index === buffer.length - 1) {
          processLine(buffer.slice(0, match.index), completed);
          buffer = '';
          skipLeadingLineFeed = true;
          break;
        }
        processLine(buffer.slice(0, match.index), completed);
        buffer = buffer.slice(match.index + match[0].length);
      }
      return completed;
    },
    end() {
      buffer = '';
      eventType = '';
      dataLines = [];
      return [];
    },
  };
}

/** Decodes a byte stream as UTF-8 and yields its server-sent events as they complete. */
export async function* readEventStream(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const parser = createEventStreamParser();
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
    yield* parser.push(decoder.decode());
    yield* parser.end();
  } finally {
    reader.releaseLock();
  }
}
