import { describe, expect, test } from 'vitest';
import {
  applyMetadata,
  normaliseDate,
  parseDuration,
  parseFrontMatter,
  parseSidecarMetadata,
} from '../../../ingest/parsers/front-matter.js';
import type { ParsedEpisode } from '../../../src/domain.js';
import { PodciteError } from '../../../src/errors.js';

const options = { fileName: 'episode.md' };

describe('parseFrontMatter', () => {
  test('reads quoted values, inline and block lists, and aliases; returns the body after it', () => {
    const text = [
      '---',
      'title: "Compilers: a love story"',
      "published: '2024-02-29'",
      'enclosure: https://example.com/a.mp3 # the audio',
      'duration: 01:02:03',
      'guests: [Grace Hopper, "Jean Sammet"]',
      'hosts:',
      '  - Ada Lovelace',
      'summary: Notes here',
      '---',
      '**A:** hi',
    ].join('\n');
    expect(parseFrontMatter(text, options)).toStrictEqual({
      metadata: {
        title: 'Compilers: a love story',
        date: '2024-02-29',
        url: 'https://example.com/a.mp3',
        durationSeconds: 3723,
        showNotes: 'Notes here',
        people: ['Ada Lovelace', 'Grace Hopper', 'Jean Sammet'],
      },
      body: '**A:** hi',
    });
  });

  test('reads what the old line-by-line reader could not: a list of chapter mappings and a block scalar', () => {
    const text = [
      '---',
      'title: Ep 7',
      'description: |',
      '  Two lines',
      '  of notes.',
      'chapters:',
      '  - start: "0:00"',
      '    title: Intro',
      '  - start: 90',
      '    title: "Part two: details"',
      '---',
      'body',
    ].join('\n');
    expect(parseFrontMatter(text, options)).toStrictEqual({
      metadata: {
        title: 'Ep 7',
        showNotes: 'Two lines\nof notes.',
        chapters: [
          { start: 0, title: 'Intro' },
          { start: 90, title: 'Part two: details' },
        ],
      },
      body: 'body',
    });
  });

  test('an empty block is no metadata', () => {
    expect(parseFrontMatter('---\n---\nbody', options)).toStrictEqual({ metadata: {}, body: 'body' });
  });

  test.each([
    [
      'invalid YAML',
      '---\ntitle: Episode 12: The Return\n---\nx',
      /^episode\.md: the front matter is not valid YAML \(.+\); quote values that contain ": "/,
    ],
    ['a list, not a mapping', '---\n- a\n- b\n---\nx', /^episode\.md: the front matter must be a YAML mapping/],
    ['a wrong type for a known key', '---\ntitle: [a, b]\n---\nx', /^episode\.md: unexpected metadata at title/],
  ])('%s is a parse:front-matter error naming the file', (_name, text, message) => {
    try {
      parseFrontMatter(text, options);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PodciteError);
      expect((error as PodciteError).code).toBe('parse:front-matter');
      expect((error as PodciteError).message).toMatch(message);
    }
  });

  test('text without front matter comes back unchanged', () => {
    expect(parseFrontMatter('# Title\n---\ntext', options)).toStrictEqual({ metadata: {}, body: '# Title\n---\ntext' });
  });
});

describe('parseSidecarMetadata', () => {
  test('reads the same keys from JSON, with people as objects or names', () => {
    expect(
      parseSidecarMetadata(
        JSON.stringify({
          name: 'Ep 3',
          pubDate: 'Mon, 06 Jan 2025 08:00:00 GMT',
          audioUrl: 'https://x/3.mp3',
          durationSeconds: 95.5,
          people: [{ name: 'Ann' }, 'Bob'],
          chapters: [{ startTime: '1:00', title: 'One' }],
        }),
        { fileName: 'ep3.json' },
      ),
    ).toStrictEqual({
      title: 'Ep 3',
      date: '2025-01-06',
      url: 'https://x/3.mp3',
      durationSeconds: 95.5,
      people: ['Ann', 'Bob'],
      chapters: [{ start: 60, title: 'One' }],
    });
  });

  test.each([
    ['invalid JSON', '{', /^ep\.json: not valid JSON/],
    ['a wrong type', '{"title": ["a"]}', /^ep\.json: unexpected metadata at title/],
  ])('rejects %s with parse:sidecar', (_name, text, message) => {
    try {
      parseSidecarMetadata(text, { fileName: 'ep.json' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PodciteError);
      expect((error as PodciteError).code).toBe('parse:sidecar');
      expect((error as PodciteError).message).toMatch(message);
    }
  });
});

describe('normaliseDate and parseDuration', () => {
  test.each([
    ['2026-04-02', '2026-04-02'],
    ['2026-04-02T23:30:00-05:00', '2026-04-02'],
    ['Tue, 02 Apr 2026 23:30:00 -0500', '2026-04-02'],
    ['2 April 2026', '2026-04-02'],
    ['2026-02-30', null],
    ['soon', null],
    ['', null],
  ])('normaliseDate(%j) is %j', (input, expected) => {
    expect(normaliseDate(input)).toBe(expected);
  });

  test.each([
    ['3605', 3605],
    ['05:00', 300],
    ['1:02:03', 3723],
    ['12.5', 12.5],
    ['an hour', null],
  ])('parseDuration(%j) is %j', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });
});

describe('applyMetadata', () => {
  const episode: ParsedEpisode = {
    episodeId: 'ep-1',
    title: 'ep 1',
    date: null,
    durationSeconds: 100,
    url: 'https://own/url.mp3',
    showNotes: null,
    chapters: [],
    turns: [],
  };

  test('fills what the transcript lacks, renames a file-name title, prefers the metadata duration', () => {
    expect(
      applyMetadata(episode, {
        metadata: { title: 'The Real Title', date: '2025-01-01', url: 'https://meta/url.mp3', durationSeconds: 120 },
        titleFromFileName: true,
      }),
    ).toStrictEqual({
      ...episode,
      episodeId: 'the-real-title',
      title: 'The Real Title',
      date: '2025-01-01',
      durationSeconds: 120,
    });
  });

  test('keeps a title the transcript gave itself', () => {
    expect(applyMetadata(episode, { metadata: { title: 'Other' }, titleFromFileName: false }).title).toBe('ep 1');
  });
});
