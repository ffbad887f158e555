import type { Config } from '../config.js';
import type { Answerer, Retriever } from '../domain.js';
import type { ChatModel } from '../llm/openai-chat.js';
import type { IndexTables } from '../tables/index-tables.js';
import { createExtractiveAnswerer } from './extractive-answerer.js';
import { createLlmAnswerer } from './llm-answerer.js';
import type { Prompts } from './load-prompts.js';

/**
 * The answerer the configuration asks for: the LLM answerer (with the extractive one as its
 * fallback) when `config.llm` is set, otherwise the offline extractive answerer. `prompts` comes
 * from `loadPrompts()` at start-up; it is only used in LLM mode. `chat` replaces the OpenAI client
 * (tests).
 */
export function createAnswerer(options: {
  config: Pick<Config, 'llm'>;
  retriever: Retriever;
  index: IndexTables;
  prompts: Prompts;
  chat?: ChatModel | undefined;
}): Answerer {
  const { config, retriever, index, prompts } = options;
  const extractive = createExtractiveAnswerer({ retriever, index });
  if (config.llm === undefined) return extractive;
  return createLlmAnswerer({ retriever, index, llm: config.llm, fallback: extractive, prompts, chat: options.chat });
}
