/**
 * The only module that talks to a chat model through the `openai` SDK (OpenAI, or any server that
 * speaks the Chat Completions protocol: Ollama, vLLM, llama.cpp). Vendor errors are wrapped here
 * into `PodciteError('unavailable:llm')` with the vendor error kept as `cause`.
 */
import OpenAI, { APIError } from 'openai';
import type { LlmConfig } from '../config.js';
import type { TokenUsage } from '../domain.js';
import { PodciteError } from '../errors.js';

export interface ChatModelMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A chat model as the answerers need it: streamed deltas, or one whole reply. */
export interface ChatModel {
  readonly model: string;
  /**
   * Streams the reply's text deltas. Throws `PodciteError('unavailable:llm')` when the server fails,
   * sends nothing for `timeoutMs` (before the first delta or between two), or ends the stream without
   * a finish reason (cut short). Aborting `signal` cancels the upstream request.
   */
  stream(options: {
    messages: ChatModelMessage[];
    signal?: AbortSignal | undefined;
    /** Called with the server's token counts when it reports them (asked for with `stream_options.include_usage`). */
    onUsage?: ((usage: TokenUsage) => void) | undefined;
  }): AsyncIterable<string>;
  /** The whole reply, with the same errors and time limit as `stream`. */
  complete(options: {
    messages: ChatModelMessage[];
    signal?: AbortSignal | undefined;
    maxTokens?: number | undefined;
    onUsage?: ((usage: TokenUsage) => void) | undefined;
  }): Promise<string>;
}

/**
 * True when trying the same request again may succeed: timeouts, broken streams, connection
 * errors, 408/409/429 and 5xx. A 400/401/403/404 will fail again the same way.
 */
export function isRetryableLlmError(error: unknown): boolean {
  if (!(error instanceof PodciteError) || error.code !== 'unavailable:llm') return false;
  const cause = error.cause;
  if (cause instanceof APIError && typeof cause.status === 'number') {
    return cause.status === 408 || cause.status === 409 || cause.status === 429 || cause.status >= 500;
  }
  return true;
}

/** Seconds a 429/503 asked us to wait (`retry-after`), when the vendor error says so. */
export function retryAfterSeconds(error: unknown): number | null {
  const cause = error instanceof Error ? error.cause : undefined;
  if (!(cause instanceof APIError)) return null;
  const value = cause.headers?.get('retry-after');
  if (value === null || value === undefined) return null;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

/** The server's `usage`, when it sent one with sensible numbers. */
function tokenUsage(
  usage: { prompt_tokens?: unknown; completion_tokens?: unknown } | null | undefined,
): TokenUsage | undefined {
  const promptTokens = usage?.prompt_tokens;
  const completionTokens = usage?.completion_tokens;
  if (typeof promptTokens !== 'number' || typeof completionTokens !== 'number') return undefined;
  if (!(promptTokens >= 0 && completionTokens >= 0)) return undefined;
  return { promptTokens, completionTokens };
}

function describe(error: unknown): string {
  if (error instanceof APIError && typeof error.status === 'number') {
    return `the language model server answered ${error.status}`;
  }
  return `the language model server could not be reached (${error instanceof Error ? error.message : String(error)})`;
}

/**
 * A chat model over the Chat Completions protocol. The SDK's own retries are off
 * (`maxRetries: 0`): the answerer decides about retrying and falling back.
 */
export function createOpenAIChat(llm: LlmConfig): ChatModel {
  const client = new OpenAI({ apiKey: llm.apiKey, baseURL: llm.baseURL, maxRetries: 0, timeout: llm.timeoutMs });

  /**
   * Runs `body` with an AbortController that fires when the caller aborts or when `arm` is not
   * called again within `timeoutMs` — the SDK's own timeout stops at the response headers, so a
   * server that stalls mid-stream would otherwise hang the answer.
   */
  async function* guarded<T>(
    signal: AbortSignal | undefined,
    body: (controller: AbortController, arm: () => void) => AsyncGenerator<T>,
  ): AsyncGenerator<T> {
    const controller = new AbortController();
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort(new Error('timeout'));
      }, llm.timeoutMs);
    };
    const onAbort = () => controller.abort(signal?.reason);
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    arm();
    try {
      yield* body(controller, arm);
    } catch (error) {
      if (timedOut) {
        throw new PodciteError('unavailable:llm', `The language model sent nothing for ${llm.timeoutMs} ms.`, {
          cause: error,
        });
      }
      if (signal?.aborted) {
        throw new PodciteError('unavailable:llm', 'The request to the language model was cancelled.', {
          cause: error,
        });
      }
      if (error instanceof PodciteError) throw error;
      throw new PodciteError('unavailable:llm', `The language model is unavailable: ${describe(error)}.`, {
        cause: error,
      });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      // Ends the upstream request when the consumer stopped reading early.
      controller.abort();
    }
  }

  return {
    model: llm.chatModel,
    stream({ messages, signal, onUsage }) {
      return guarded(signal, async function* (controller, arm) {
        // include_usage: the server sends its token counts in one last chunk with no choices.
        const stream = await client.chat.completions.create(
          { model: llm.chatModel, messages, stream: true, stream_options: { include_usage: true } },
          { signal: controller.signal },
        );
        let finished = false;
        for await (const chunk of stream) {
          arm();
          const usage = tokenUsage(chunk.usage);
          if (usage) onUsage?.(usage);
          const choice = chunk.choices[0];
          const delta = choice?.delta?.content;
          if (delta) yield delta;
          if (choice?.finish_reason) finished = true;
        }
        // Servers end a complete reply with a finish reason; without one the stream was cut.
        if (!finished) {
          throw new PodciteError('unavailable:llm', 'The language model stream ended before the answer was complete.');
        }
      });
    },
    async complete({ messages, signal, maxTokens, onUsage }) {
      let text = '';
      const parts = guarded(signal, async function* (controller) {
        const completion = await client.chat.completions.create(
          { model: llm.chatModel, messages, ...(maxTokens === undefined ? {} : { max_tokens: maxTokens }) },
          { signal: controller.signal },
        );
        const usage = tokenUsage(completion.usage);
        if (usage) onUsage?.(usage);
        yield completion.choices[0]?.message?.content ?? '';
      });
      for await (const part of parts) text += part;
      return text;
    },
  };
}
