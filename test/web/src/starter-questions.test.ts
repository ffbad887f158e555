import { expect, test } from 'vitest';
import type { EpisodeSummary } from '../../../web/src/api-schemas.js';
import { starterQuestions, topicOf } from '../../../web/src/starter-questions.js';

function episode(title: string, date: string | null, chapters?: string[]): EpisodeSummary {
  return {
    episodeId: title,
    title,
    date,
    durationSeconds: null,
    chunks: 1,
    timestamps: 'exact',
    url: null,
    ...(chapters ? { chapters: chapters.map((chapterTitle) => ({ start: null, title: chapterTitle })) } : {}),
  };
}

test.each([
  [
    'Moonlake: Causal World Models should be Multimodal, Interactive, and Efficient — with Chris Manning and Fan-yun Sun',
    'Causal World Models should be Multimodal, Interactive, and Efficient',
  ],
  ['Episode 42: The Rise of the AI Engineer', 'the Rise of the AI Engineer'],
  ['#101 - GPUs for everyone ft. Jane Doe', 'GPUs for everyone'],
  ['OpenAI: Dev Day recap', 'Dev Day recap'],
  ['Intro', null],
  ['ab', null],
])('topicOf(%s) is %s', (title, expected) => {
  expect(topicOf(title)).toBe(expected);
});

test('questions spread over the newest episodes, prefer chapter titles and skip duplicates', () => {
  const episodes = [
    episode('Old show: Retrieval basics', '2020-01-01'),
    episode('New show: Agents in production', '2025-01-01', ['Intro', 'Evaluation sets that matter']),
    episode('Middle show: Retrieval basics', '2023-01-01'),
  ];
  expect(starterQuestions(episodes, 4)).toStrictEqual([
    'What was said about Evaluation sets that matter?',
    'Who talked about Retrieval basics, and what was their view?',
  ]);
  expect(starterQuestions([], 4)).toStrictEqual([]);
});
