import { describe, expect, test } from 'vitest';
import { createPromptTemplate } from '../../src/answer/load-prompts.js';
import { isFollowUp, rewriteQuestion, rewriteQuestionHeuristically } from '../../src/answer/rewrite-question.js';
import type { ChatMessage } from '../../src/domain.js';
import { PodciteError } from '../../src/errors.js';
import type { ChatModel } from '../../src/llm/openai-chat.js';

const felix: ChatMessage[] = [
  { role: 'user', content: 'What did Felix say about local machines?' },
  { role: 'assistant', content: 'Felix said: "I still buy a laptop with a lot of memory." [1]' },
];

describe('rewriteQuestionHeuristically', () => {
  test.each<[string, ChatMessage[], string]>([
    ['What did he mean by that?', felix, 'What did he mean by that? Felix local machines'],
    [
      'Why?',
      [{ role: 'user', content: 'Is Felix a fan of having AI agents book flights?' }],
      'Why? Felix AI fan agents book flights',
    ],
    ['What about Mistral?', felix, 'What about Mistral? Felix local machines'],
    // A standalone question is left alone even with history.
    [
      'What storage does each Dreamer agent get automatically?',
      felix,
      'What storage does each Dreamer agent get automatically?',
    ],
    // No history: nothing to carry.
    ['What did he mean by that?', [], 'What did he mean by that?'],
    // The last user turn was itself a follow-up: keep going back to a question with substance.
    [
      'And then?',
      [
        { role: 'user', content: 'How did Moonlake pick its bowling demo?' },
        { role: 'assistant', content: 'Fan-yun Sun said: "okay it prompted to create a bowling game" [1]' },
        { role: 'user', content: 'Why that?' },
        { role: 'assistant', content: 'Sorry — the episodes do not cover this.' },
      ],
      'And then? Moonlake pick bowling demo Fan-yun Sun',
    ],
  ])('%s → %s', (question, history, expected) => {
    expect(rewriteQuestionHeuristically({ question, history })).toBe(expected);
  });
});

describe('isFollowUp', () => {
  test.each([
    ['what did he mean by that?', true],
    ['Tell me more', true],
    ['How does it compare?', true],
    ['Who are David Singleton’s co-founders at Dreamer?', false],
    ['Which Anthropic colleague created skills and what was the prototype?', false],
  ])('%s → %s', (question, expected) => {
    expect(isFollowUp(question)).toBe(expected);
  });
});

describe('rewriteQuestion', () => {
  const prompt = createPromptTemplate({
    name: 'rewrite',
    template: 'History:\n{{history}}\nQ: {{question}}',
    variables: ['history', 'question'],
  });

  function chatReplying(reply: () => Promise<string>): ChatModel & { prompts: string[] } {
    const prompts: string[] = [];
    return {
      model: 'fake',
      prompts,
      stream: () => {
        throw new Error('not used');
      },
      complete: async ({ messages }) => {
        prompts.push(messages.map((message) => message.content).join('\n'));
        return reply();
      },
    };
  }

  test('asks the LLM with the conversation and takes its one-line rewrite', async () => {
    const chat = chatReplying(async () => '"What did Felix mean by local machines still mattering?"\nextra');
    const rewritten = await rewriteQuestion({ question: 'What did he mean?', history: felix, chat, prompt });
    expect(rewritten).toBe('What did Felix mean by local machines still mattering?');
    expect(chat.prompts).toStrictEqual([
      'History:\nUser: What did Felix say about local machines?\nAssistant: Felix said: "I still buy a laptop with a lot of memory." [1]\nQ: What did he mean?',
    ]);
  });

  test('falls back to the heuristic when the LLM fails', async () => {
    const chat = chatReplying(async () => {
      throw new PodciteError('unavailable:llm', 'down');
    });
    expect(await rewriteQuestion({ question: 'What did he mean by that?', history: felix, chat, prompt })).toBe(
      'What did he mean by that? Felix local machines',
    );
  });

  test('does not call the LLM without history', async () => {
    const chat = chatReplying(async () => 'never');
    expect(await rewriteQuestion({ question: ' Who is Felix? ', history: [], chat, prompt })).toBe('Who is Felix?');
    expect(chat.prompts).toStrictEqual([]);
  });
});
