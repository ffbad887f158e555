/**
 * The LLM answerer: retrieval picks numbered sources, a chat model writes the answer from them with
 * `[n]` markers, and the markers are checked against the sources before anyone sees them.
 * When the model is slow, failing or cut off, it is retried once, then the extractive answerer
 * answers instead (with a notice).
 */
import type { LlmConfig } from '../config.js';
import type { AnswerEvent, Answerer, ChatRequest, Citation, Retriever, SearchHit, TokenUsage } from '../domain.js';
import {
  type ChatModel,
  type ChatModelMessage,
  createOpenAIChat,
  isRetryableLlmError,
  retryAfterSeconds,
} from '../llm/openai-chat.js';
import type { IndexTables } from '../tables/index-tables.js';
import { formatTimestamp } from '../util/time-label.js';
import { boundHistory } from './bound-history.js';
import { buildCitation, createMarkerRewriter } from './citations.js';
import { DEFAULT_TOP_K } from './extractive-answerer.js';
import type { Prompts } from './load-prompts.js';
import { rewriteQuestion } from './rewrite-question.js';
import { scoreSentences } from './score-sentences.js';

/** The sentence the system prompt tells the model to answer with when the sources say nothing. */
export const LLM_REFUSAL_TEXT = "The episodes don't cover this.";

/** Shown with an answer that had to be extracted because the model failed. */
export const FALLBACK_NOTICE =
  'The language model was unavailable, so this answer was extracted directly from the transcripts.';

/** Default wait before the one retry; a `retry-after` from the server is honoured up to `MAX_RETRY_DELAY_MS`. */
const DEFAULT_RETRY_DELAY_MS = 500;
const MAX_RETRY_DELAY_MS = 2000;

/** Phrases of a model saying the sources do not answer, when it words the refusal its own way. */
const REFUSAL_PATTERN =
  /\b(?:(?:don't|do not|doesn't|does not|didn't|did not)\s+(?:cover|mention|say|discuss|address|answer|contain)|not\s+(?:covered|mentioned|discussed|addressed)\s+in|no information|(?:can't|cannot|can not)\s+(?:answer|find))\b/i;

function normalise(text: string): string {
  return text.replace(/[‘’]/g, "'").trim().toLowerCase();
}

/** True when a reply is a refusal: it opens with the prompted refusal, or it cites nothing and says it cannot answer. */
export function isRefusal(options: { text: string; citations: Citation[] }): boolean {
  const text = normalise(options.text);
  if (text.startsWith(normalise(LLM_REFUSAL_TEXT).replace(/\.$/, ''))) return true;
  return options.citations.length === 0 && REFUSAL_PATTERN.test(text.replace(/’/g, "'"));
}

/** Escapes text placed inside the `<source>` delimiters so a transcript cannot close them early. */
function escapeSourceText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The caller's instructions, appended to podcite's system prompt below its rules. Their text is
 * escaped like a source's, so it cannot close the `<caller-instructions>` block and pose as rules.
 */
function systemPrompt(prompts: Prompts, instructions: string | undefined): string {
  const rules = prompts['answer-system'].render({ refusal: LLM_REFUSAL_TEXT });
  if (instructions === undefined || instructions.trim() === '') return rules;
  return `${rules}\n\n${prompts['caller-instructions'].render({ instructions: escapeSourceText(instructions.trim()) })}`;
}

function escapeAttribute(text: string): string {
  return escapeSourceText(text).replace(/"/g, '&quot;');
}

/** The numbered sources as the model sees them: each chunk's text inside `<source n="…">…</source>`. */
export function formatSources(hits: SearchHit[]): string {
  return hits
    .map((hit, position) => {
      const { chunk } = hit;
      const attributes = [
        `n="${position + 1}"`,
        `episode="${escapeAttribute(chunk.episodeTitle)}"`,
        ...(chunk.speaker ? [`speaker="${escapeAttribute(chunk.speaker)}"`] : []),
        ...(chunk.start === null ? [] : [`time="${formatTimestamp(chunk.start)}"`]),
      ];
      return `<source ${attributes.join(' ')}>\n${escapeSourceText(chunk.text)}\n</source>`;
    })
    .join('\n\n');
}

/**
 * Re-aims each citation at the sentence of its chunk that best matches the answer text that cites
 * it, so quote and time point at the supporting sentence rather than the retrieval match.
 */
function aimCitations(options: { text: string; citations: Citation[]; index: IndexTables }): Citation[] {
  const claims = options.text.split(/(?<=[.!?])\s+/u);
  return options.citations.map((citation) => {
    const chunk = options.index.chunkById.get(citation.chunkId);
    const marker = new RegExp(`\\[(?:\\d+\\s*,\\s*)*${citation.n}(?:\\s*,\\s*\\d+)*\\]`);
    const claim = claims.filter((sentence) => marker.test(sentence)).join(' ');
    if (!chunk || claim === '') return citation;
    const best = scoreSentences({ question: claim, hits: [{ chunk, score: 1 }], index: options.index })[0];
    if (!best || best.coverage === 0) return citation;
    return buildCitation({
      n: citation.n,
      chunk,
      span: { start: best.sentence.start, end: best.sentence.end },
      manifest: options.index.manifest,
      speaker: best.sentence.speaker,
    });
  });
}

function sleep(milliseconds: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, milliseconds);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export interface LlmAnswererOptions {
  retriever: Retriever;
  index: IndexTables;
  llm: LlmConfig;
  /** Answers when the model fails twice (normally the extractive answerer). */
  fallback: Answerer;
  prompts: Prompts;
  /** The chat model; default `createOpenAIChat(llm)`. */
  chat?: ChatModel | undefined;
  /** Chunks retrieved and numbered as sources (default 8). */
  topK?: number | undefined;
  /** Wait before the retry, in ms (default 500); a server's `retry-after` wins, up to 2 s. */
  retryDelayMs?: number | undefined;
}

/**
 * The LLM answerer. Events: `sources` — one candidate citation per retrieved chunk, `n` being the
 * source number the model saw; then `text-delta`s — the model's text as it streams, with markers
 * already checked and renumbered in order of first use (a marker naming no source is dropped), so
 * the deltas of a successful first attempt concatenate to `end.answer.answer`; then `end`, whose
 * `citations` are numbered as the text's markers.
 *
 * A slow (`llm.timeoutMs` without a token), failing (5xx, 429, connection) or cut-off stream is
 * retried once after a back-off (not when the follow-up rewrite just failed the same way); a retry's text is forwarded only past what the failed attempt
 * already sent and only while it repeats it, so the stream never contains the same words twice. If
 * the retry fails too, the `fallback` answers: its `text-delta`s (after a blank line when a failed
 * attempt already streamed text) and `end` are forwarded (its `sources` is not — there already was one), with `mode: "extractive"` and a `notice`. In every
 * case `end.answer` is the authoritative text. Aborting `signal` cancels the upstream request and
 * ends the stream without an `end` event (nobody is listening).
 */
export function createLlmAnswerer(options: LlmAnswererOptions): Answerer {
  const { retriever, index, fallback, prompts } = options;
  const upstream = options.chat ?? createOpenAIChat(options.llm);
  const topK = options.topK ?? DEFAULT_TOP_K;
  const retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;

  async function* answer(
    request: ChatRequest,
    { signal }: { signal?: AbortSignal | undefined },
  ): AsyncGenerator<AnswerEvent> {
    const history = boundHistory(request.history);
    // Tokens the server reports for this answer's calls (the rewrite and every attempt).
    let usage: TokenUsage | undefined;
    const addUsage = (reported: TokenUsage) => {
      usage = {
        promptTokens: (usage?.promptTokens ?? 0) + reported.promptTokens,
        completionTokens: (usage?.completionTokens ?? 0) + reported.completionTokens,
      };
    };
    const chat: ChatModel = {
      model: upstream.model,
      stream: (call) => upstream.stream({ ...call, onUsage: addUsage }),
      complete: (call) => upstream.complete({ ...call, onUsage: addUsage }),
    };
    let question: string;
    // An upstream that already failed the rewrite gets one answer attempt, not two, so a dead server
    // costs at most two timeouts before the extractive fallback.
    let attempts = 2;
    try {
      question = await rewriteQuestion({
        question: request.message,
        history,
        chat,
        prompt: prompts['rewrite-question'],
        signal,
        onLlmError: (error) => {
          if (isRetryableLlmError(error)) attempts = 1;
        },
      });
    } catch (error) {
      if (signal?.aborted) return;
      throw error;
    }
    const hits = await retriever.search(question, { k: topK, episodeIds: request.episodeIds });
    if (signal?.aborted) return;

    const scored = scoreSentences({ question, hits, index });
    const sources = hits.map((hit, position) => {
      const best = scored.find((entry) => entry.chunk.chunkId === hit.chunk.chunkId);
      return buildCitation({
        n: position + 1,
        chunk: hit.chunk,
        span: best ? { start: best.sentence.start, end: best.sentence.end } : { start: 0, end: hit.chunk.text.length },
        manifest: index.manifest,
        speaker: best ? best.sentence.speaker : hit.chunk.speaker,
      });
    });
    yield { type: 'sources', citations: sources };

    if (hits.length === 0) {
      yield { type: 'text-delta', text: LLM_REFUSAL_TEXT };
      yield { type: 'end', answer: { answer: LLM_REFUSAL_TEXT, answerable: false, mode: 'llm', citations: [] } };
      return;
    }

    const messages: ChatModelMessage[] = [
      { role: 'system', content: systemPrompt(prompts, request.instructions) },
      // Earlier answers' markers point at earlier sources; left in, the model would reuse their numbers.
      ...history.map((message) => ({
        role: message.role,
        content:
          message.role === 'assistant' ? message.content.replace(/[ \t]*\[\d+(?:\s*,\s*\d+)*\]/g, '') : message.content,
      })),
      {
        role: 'user',
        content: prompts['answer-user'].render({ sources: formatSources(hits), question: request.message }),
      },
    ];

    // Text already sent to the client across attempts; a retry may only extend it.
    let forwarded = '';
    for (let attempt = 0; attempt < attempts; attempt++) {
      const rewriter = createMarkerRewriter(sources);
      let attemptText = '';
      let diverged = false;
      const forward = (addition: string): string | undefined => {
        attemptText += addition;
        if (diverged) return undefined;
        if (!attemptText.startsWith(forwarded) && !forwarded.startsWith(attemptText)) {
          diverged = true;
          return undefined;
        }
        if (attemptText.length <= forwarded.length) return undefined;
        const text = attemptText.slice(forwarded.length);
        forwarded = attemptText;
        return text;
      };
      try {
        for await (const delta of chat.stream({ messages, signal })) {
          const text = forward(rewriter.push(delta));
          if (text) yield { type: 'text-delta', text };
        }
        const tail = forward(rewriter.flush());
        if (tail) yield { type: 'text-delta', text: tail };
      } catch (error) {
        if (signal?.aborted) return;
        if (attempt === attempts - 1 || !isRetryableLlmError(error)) break;
        const asked = retryAfterSeconds(error);
        await sleep(asked === null ? retryDelayMs : Math.min(asked * 1000, MAX_RETRY_DELAY_MS), signal);
        if (signal?.aborted) return;
        continue;
      }
      const citations = rewriter.citations();
      const refused = isRefusal({ text: attemptText, citations });
      yield {
        type: 'end',
        answer: {
          answer: attemptText,
          answerable: !refused,
          mode: 'llm',
          citations: refused ? [] : aimCitations({ text: attemptText, citations, index }),
        },
        usage,
      };
      return;
    }

    // Set the extractive text apart from whatever a failed attempt already streamed.
    let separated = forwarded === '';
    for await (const event of fallback.answer(request, { signal })) {
      if (event.type === 'sources') continue;
      if (event.type === 'text-delta' && !separated) {
        separated = true;
        yield { type: 'text-delta', text: '\n\n' };
      }
      if (event.type === 'end') {
        yield { type: 'end', answer: { ...event.answer, mode: 'extractive', notice: FALLBACK_NOTICE } };
      } else {
        yield event;
      }
    }
  }

  return { mode: 'llm', answer };
}
