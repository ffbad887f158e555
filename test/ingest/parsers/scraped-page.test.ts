import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  detectTranscriptDialect,
  parseChapterList,
  parseDutchDuration,
  parseScrapedPage,
  parseTranscriptSection,
} from '../../../ingest/parsers/scraped-page.js';
import { timestampQuality } from '../../../ingest/resolve-timestamps.js';
import { PodciteError } from '../../../src/errors.js';

const page = readFileSync(new URL('../../../data/latent-space-episodes.txt', import.meta.url), 'utf8');
const episodes = parseScrapedPage(page, { fileName: 'latent-space-episodes.txt' });

/** Transcript sections cut from the page independently of the parser: after `Transcript`, before the boilerplate. */
function transcriptSections(text: string): string[][] {
  const lines = text.split('\n');
  const sections: string[][] = [];
  lines.forEach((line, index) => {
    if (line.trim() !== 'Transcript') return;
    const end = lines.findIndex((other, at) => at > index && other.includes('This is a public episode'));
    sections.push(lines.slice(index + 1, end));
  });
  return sections;
}

/** Words without time marks or edge punctuation, as a sorted list (a multiset). */
function words(text: string): string[] {
  return text
    .replace(/\[(?:\d{1,2}:)?\d{1,2}:\d{2}\]|\((?:\d{1,2}:)?\d{1,2}:\d{2}\)/g, ' ')
    .split(/\s+/)
    .map((word) => word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter(Boolean)
    .sort();
}

describe('parseScrapedPage on the bundled Latent Space page', () => {
  test('finds the five episodes, skipping page header and footer', () => {
    expect(
      episodes.map((episode) => ({
        episodeId: episode.episodeId,
        title: episode.title,
        date: episode.date,
        durationSeconds: episode.durationSeconds,
        url: episode.url,
      })),
    ).toStrictEqual([
      {
        episodeId: 'moonlake-causal-world-models-should-be-multimodal',
        title:
          'Moonlake: Causal World Models should be Multimodal, Interactive, and Efficient — with Chris Manning and Fan-yun Sun',
        date: '2026-04-02',
        durationSeconds: 3960,
        url: null,
      },
      {
        episodeId: 'mistral-voxtral-tts-forge-leanstral-whats-next-for-mistral-4',
        title:
          "Mistral: Voxtral TTS, Forge, Leanstral, & what's next for Mistral 4 — w/ Pavan Kumar Reddy & Guillaume Lample",
        date: '2026-03-30',
        durationSeconds: 2880,
        url: null,
      },
      {
        episodeId: 'why-there-is-no-alphafold-for-materials-ai-for-materials',
        title: '🔬Why There Is No "AlphaFold for Materials" — AI for Materials Discovery with Heather Kulik',
        date: '2026-03-24',
        durationSeconds: 2100,
        url: null,
      },
      {
        episodeId: 'dreamer-the-personal-agent-os-david-singleton',
        title: 'Dreamer: the Personal Agent OS — David Singleton',
        date: '2026-03-20',
        durationSeconds: 3780,
        url: null,
      },
      {
        episodeId: 'why-anthropic-thinks-ai-should-have-its-own-computer-felix',
        title:
          'Why Anthropic Thinks AI Should Have Its Own Computer — Felix Rieseberg of Claude Cowork & Claude Code Desktop',
        date: '2026-03-17',
        durationSeconds: 5160,
        url: null,
      },
    ]);
  });

  test('ids are ASCII slugs of at most 60 characters', () => {
    for (const episode of episodes) expect(episode.episodeId).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
    for (const episode of episodes) expect(episode.episodeId.length).toBeLessThanOrEqual(60);
  });

  test('each transcript is read in its own dialect; the show-notes-only episode has no turns', () => {
    const dialects = transcriptSections(page).map(detectTranscriptDialect);
    expect(dialects).toStrictEqual(['bracketed', 'mixed', 'bracketed', 'plain-speaker']);
    expect(episodes.map((episode) => episode.turns.length > 0)).toStrictEqual([true, true, false, true, true]);
  });

  test('timestamp quality: exact for the bracketed transcripts, partial mixed, estimated unlabelled, none without', () => {
    expect(episodes.map(timestampQuality)).toStrictEqual(['exact', 'partial', 'none', 'exact', 'estimated']);
  });

  test('speakers as written in each episode', () => {
    expect(episodes.map((episode) => [...new Set(episode.turns.map((turn) => turn.speaker))].sort())).toStrictEqual([
      ['Chris Manning', 'Fan-yun Sun', 'Vibhu', 'swyx'],
      ['Guillaume', 'Pavan', 'Vibhu', 'swyx'],
      [],
      ['David Singleton', 'swyx'],
      ['Alessio', 'Felix', 'swyx'],
    ]);
  });

  test('chapters come from the Timestamps list, else from the transcript headings', () => {
    const mistral = episodes[1]!;
    expect(mistral.chapters).toContainEqual({ start: 17 * 60 + 56, title: 'Enterprise Deployment and Privacy' });
    expect(mistral.chapters).toHaveLength(24);
    const felix = episodes[4]!;
    expect(felix.chapters[0]).toStrictEqual({ start: 0, title: 'Cheap execution and building all the candidates' });
    expect(felix.chapters).toContainEqual({ start: 3686, title: 'Windows 95 in JavaScript' });
    expect(felix.chapters.at(-1)).toStrictEqual({ start: 5165, title: 'Anthropic Labs and closing thoughts' });
    // Dreamer has no Timestamps list: its bracketed section headings are the chapters.
    expect(episodes[3]!.chapters.slice(0, 3)).toStrictEqual([
      { start: 0, title: 'Meet Dreamer Purple' },
      { start: 31, title: 'What Is Dreamer' },
      { start: 79, title: 'Sidekick And Waitlist' },
    ]);
    expect(episodes[2]!.chapters).toStrictEqual([]);
  });

  test('show notes stop before the Timestamps list, the transcript and the boilerplate', () => {
    for (const episode of episodes) {
      expect(episode.showNotes).not.toBeNull();
      expect(episode.showNotes).not.toMatch(/Transcript|This is a public episode|00:47 Meet/);
    }
    expect(episodes[2]!.showNotes!.split('\n').at(-1)).toBe('Is on Youtube!');
  });

  test('every word of every transcript section is a turn word, a heading or a speaker label', () => {
    const sections = transcriptSections(page);
    for (const section of sections) {
      const result = parseTranscriptSection(section);
      const accounted = words(
        [
          ...result.turns.map((turn) => turn.text),
          ...result.headings.map((heading) => heading.title),
          ...result.structure,
        ].join('\n'),
      );
      expect(accounted).toStrictEqual(words(section.join('\n')));
    }
  });

  test('throws parse:scraped-page when there is no episode block', () => {
    let error: unknown;
    try {
      parseScrapedPage('Just some text\n  • not an episode\n', { fileName: 'page.txt' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PodciteError);
    expect((error as PodciteError).code).toBe('parse:scraped-page');
  });
});

describe('page pieces', () => {
  test.each([
    ['1 u. 6 Min.', 3960],
    ['48 Min.', 2880],
    ['1 u. 26 Min.', 5160],
    ['2 u.', 7200],
    ['soon', null],
  ])('parseDutchDuration(%j) = %j', (text, seconds) => {
    expect(parseDutchDuration(text)).toBe(seconds);
  });

  test('parseChapterList splits glued lists, with or without dashes, past an hour', () => {
    expect(
      parseChapterList('00:00 Benchmarking Gets Hard00:47 Meet Moonlake Founders01:26 Why Build World Models'),
    ).toStrictEqual([
      { start: 0, title: 'Benchmarking Gets Hard' },
      { start: 47, title: 'Meet Moonlake Founders' },
      { start: 86, title: 'Why Build World Models' },
    ]);
    expect(
      parseChapterList(
        '58:06 — Should Claude have its own computer?1:01:26 — Windows 95 in JavaScript1:03:19 — VM tradeoffs',
      ),
    ).toStrictEqual([
      { start: 3486, title: 'Should Claude have its own computer?' },
      { start: 3686, title: 'Windows 95 in JavaScript' },
      { start: 3799, title: 'VM tradeoffs' },
    ]);
  });
});
