import { expect, test } from 'vitest';
import type { EpisodeSummary } from '../../../web/src/api-schemas.js';
import { cleanTitle, starterQuestions, topicOf } from '../../../web/src/starter-questions.js';

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

test('questions a listener would ask: a chapter by its time, a question-shaped chapter, the guest, the subject', () => {
  const episodes = [
    episode('Old show: Retrieval basics', '2020-01-01'),
    episode('New show: Agents in production — with Grace Hopper', '2025-01-01', [
      'Intro',
      'Why Evaluation Sets Matter',
      'Enterprise Deployment and Privacy',
      'Wrap Up and Thanks',
    ]),
    episode('Middle show: Retrieval basics', '2023-01-01', ['Welcome and Guests']),
  ];
  expect(starterQuestions(episodes, 6)).toStrictEqual([
    'When do they get to “Enterprise Deployment and Privacy”?',
    'What do they say about Retrieval basics?',
    'Why evaluation sets matter?',
    'Who is Grace Hopper, and what are they working on?',
    'What do they say about Agents in production?',
  ]);
  expect(starterQuestions([], 4)).toStrictEqual([]);
});

test('emoji, control and format characters never reach a question (they would show as boxes)', () => {
  const questions = starterQuestions(
    [
      episode(
        '🔬Why There Is No "AlphaFold for Materials" — AI for Materials Discovery with Heather Kulik',
        '2026-03-24',
      ),
      episode('Tools\u0007 and\u200b agents\u{1F680}: Building the\u0000 future', '2026-03-01', [
        'Scaling\u0085 Context ✨ for TTS',
      ]),
    ],
    8,
  );
  expect(questions.length).toBeGreaterThan(0);
  for (const question of questions) {
    expect(question).not.toMatch(/[\p{Extended_Pictographic}\p{Cc}\p{Cf}]/u);
  }
  expect(questions).toContain('Who is Heather Kulik, and what are they working on?');
  expect(questions).toContain('When do they get to “Scaling Context for TTS”?');
  expect(cleanTitle('🔬Why There Is No')).toBe('Why There Is No');
});
