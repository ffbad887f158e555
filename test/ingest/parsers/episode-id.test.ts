import { describe, expect, test } from 'vitest';
import { episodeIdFromTitle, titleFromFileName } from '../../../ingest/parsers/episode-id.js';

describe('titleFromFileName', () => {
  test.each([
    ['practical-ai-12.md', 'Practical AI 12'],
    ['/shows/the_end-of-ml.srt', 'The End of ML'],
    ['episode-3-go-big.vtt', 'Episode 3 Go Big'],
    ['Deep Dive with GPT-4.txt', 'Deep Dive with GPT 4'],
    ['a-talk-on-llms.json', 'A Talk on Llms'],
    ['---.md', 'Untitled episode'],
  ])('%s → %s', (fileName, title) => {
    expect(titleFromFileName(fileName)).toBe(title);
  });

  test('the episode id does not depend on how the title is cased', () => {
    expect(episodeIdFromTitle(titleFromFileName('practical-ai-12.md'))).toBe(episodeIdFromTitle('practical ai 12'));
  });
});
