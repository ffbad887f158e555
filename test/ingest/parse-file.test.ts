import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { detectFormat, type FormatName, parseFile } from '../../ingest/parse-file.js';
import { PodciteError } from '../../src/errors.js';

const fixtures = fileURLToPath(new URL('../fixtures/formats/', import.meta.url));
const fixture = (name: string) => path.join(fixtures, name);

describe('detectFormat', () => {
  test.each<[string, string, FormatName]>([
    ['talk.vtt', 'WEBVTT\n\n00:01.000 --> 00:02.000\nhi', 'webvtt'],
    ['talk.VTT', 'anything', 'webvtt'],
    ['talk.srt', '1\n00:00:01,000 --> 00:00:02,000\nhi', 'srt'],
    ['talk.md', '**A:** hi', 'markdown'],
    ['talk.markdown', 'text', 'markdown'],
    ['talk.html', '<cite>A:</cite>', 'html'],
    ['talk.htm', '<p>hi</p>', 'html'],
    ['talk.json', '{"version":"1.0.0","segments":[]}', 'podcasting-json'],
    ['talk.chapters.json', '{"version":"1.2.0","chapters":[{"startTime":0,"title":"a"}]}', 'podcasting-chapters'],
    ['talk.json', '{"title":"just metadata"}', 'unknown'],
    ['feed.xml', '<?xml version="1.0"?>\n<rss version="2.0"><channel/></rss>', 'rss'],
    ['feed.rss', '<rss><channel/></rss>', 'rss'],
    ['page.xml', '<html><body>hi</body></html>', 'html'],
    ['talk.txt', '\uFEFFWEBVTT\n\n00:01.000 --> 00:02.000\nhi', 'webvtt'],
    ['talk.txt', '1\r\n00:00:01,000 --> 00:00:02,000\r\nhi', 'srt'],
    ['talk.txt', '  {"segments": []}', 'podcasting-json'],
    ['feed', '<?xml version="1.0"?><!-- generated --><rss><channel/></rss>', 'rss'],
    ['talk.txt', '<!DOCTYPE html><html><body><p>hi</p></body></html>', 'html'],
    ['page.txt', 'Podcasts\n\n  • Show\n\n    Title\n\n    02-04-2026 | 48 Min.\n    Notes', 'scraped-page'],
    ['talk.txt', '**Ann:** hello\n\n**Bob:** hi', 'markdown'],
    ['talk.txt', '[00:00:01] Ann: hello\n[00:00:05] Bob: hi\n[00:00:09] Ann: bye', 'bracketed-transcript'],
    ['talk.txt', 'Ann\nHost\nHello there (00:12) and more.\nBob: hi', 'mixed-transcript'],
    ['talk.txt', 'Ann: hello\nBob: hi\nAnn: bye', 'plain-speaker-transcript'],
    ['notes', 'Ann: hello', 'plain-speaker-transcript'],
  ])('%s holding %j is %s', (fileName, text, format) => {
    expect(detectFormat(fileName, text)).toBe(format);
  });
});

test('property: detectFormat never throws and always names a format', () => {
  const formats: FormatName[] = [
    'webvtt',
    'srt',
    'podcasting-json',
    'podcasting-chapters',
    'markdown',
    'html',
    'rss',
    'scraped-page',
    'bracketed-transcript',
    'mixed-transcript',
    'plain-speaker-transcript',
    'unknown',
  ];
  fc.assert(
    fc.property(
      fc.constantFrom('a.txt', 'a.json', 'a.xml', 'a', 'a.srt'),
      fc.string({ maxLength: 200 }),
      (name, text) => {
        expect(formats).toContain(detectFormat(name, text));
      },
    ),
  );
});

describe('parseFile', () => {
  test('a transcript takes metadata from its sidecar <stem>.json and chapters from <stem>.chapters.json', async () => {
    const [episode] = await parseFile(fixture('interview.vtt'));
    expect({ ...episode, turns: episode?.turns.map((turn) => turn.speaker) }).toStrictEqual({
      episodeId: 'ada-on-engines',
      title: 'Ada on Engines',
      date: '2026-03-14',
      durationSeconds: 3730,
      url: 'https://example.com/media/ada.mp3',
      showNotes: 'Ada Lovelace on the Analytical Engine.',
      chapters: [
        { start: 0, title: 'Welcome' },
        { start: 9, title: 'Ada joins' },
        { start: 3723.5, title: 'Wrap-up' },
      ],
      turns: ['Grace Hopper', 'Ada Lovelace', 'Grace Hopper'],
      people: ['Grace Hopper', 'Ada Lovelace'],
    });
  });

  test('a file with no metadata anywhere is named after the file', async () => {
    const [episode] = await parseFile(fixture('debate.srt'));
    expect([episode?.episodeId, episode?.title, episode?.turns.length]).toStrictEqual(['debate', 'Debate', 3]);
  });

  test('dispatches a .txt dialect to the sample-page parsers', async () => {
    const [episode] = await parseFile(fixture('nested/tunnel.txt'));
    expect(episode?.turns.map((turn) => [turn.speaker, turn.text])).toStrictEqual([
      ['Mary Jackson', 'Wind tunnels first. Then the math.'],
      ['Dorothy Vaughan', 'And then FORTRAN.'],
    ]);
  });

  test('an RSS feed: one episode per item, linked files resolved beside the feed, enclosure as url', async () => {
    const episodes = await parseFile(fixture('feed.xml'));
    expect(
      episodes.map((episode) => ({
        ...episode,
        turns: episode.turns.map((turn) => `${turn.speaker}: ${turn.text}`),
      })),
    ).toStrictEqual([
      {
        episodeId: 'hopping-frequencies',
        title: 'Hopping frequencies',
        date: '2026-03-01',
        durationSeconds: 300,
        url: 'https://example.com/media/hedy.mp3',
        showNotes: 'Hedy Lamarr explains frequency hopping.\nLinks & notes.',
        // From the JSON transcript, preferred over the HTML one that is not here.
        chapters: [
          { start: 0, title: 'Welcome' },
          { start: 9, title: 'Ada joins' },
          { start: 3723.5, title: 'Wrap-up' },
        ],
        turns: ['Hedy: Frequency hopping works. Trust me!', 'George: Show me how.'],
        people: ['Hedy Lamarr'],
      },
      {
        // A remote transcript URL is found by its file name beside the feed.
        episodeId: 'can-machines-think',
        title: 'Can machines think?',
        date: '2026-02-01',
        durationSeconds: 3605,
        url: 'https://example.com/media/turing.mp3',
        showNotes: null,
        chapters: [],
        turns: [
          'Alan Turing: Can machines think? That is the question I want to ask today.',
          'Joan Clarke: It depends on what you mean by think. And by machines.',
          'Alan Turing: Let us find out.',
        ],
        people: ['Grace Hopper'],
      },
      {
        episodeId: 'notes-only',
        title: 'Notes only',
        date: null,
        durationSeconds: null,
        url: null,
        showNotes: 'No transcript for this one.',
        chapters: [],
        turns: [],
        people: ['Grace Hopper'],
      },
    ]);
  });

  describe('rejects files that cannot be transcripts', () => {
    let directory: string;
    beforeAll(async () => {
      directory = await mkdtemp(path.join(tmpdir(), 'podcite-parse-file-'));
    });
    afterAll(async () => {
      await rm(directory, { recursive: true, force: true });
    });

    async function rejection(name: string, content: string | Buffer | null, size?: number): Promise<PodciteError> {
      const filePath = path.join(directory, name);
      if (content !== null) await writeFile(filePath, content);
      if (size !== undefined) await truncate(filePath, size);
      try {
        await parseFile(filePath);
      } catch (error) {
        expect(error).toBeInstanceOf(PodciteError);
        return error as PodciteError;
      }
      throw new Error(`${name} was accepted`);
    }

    test.each<[string, string | Buffer | null, number | undefined, string, RegExp]>([
      ['missing.vtt', null, undefined, 'parse:missing', /missing\.vtt: cannot read/],
      ['empty.md', '', undefined, 'parse:empty', /empty\.md: the file is empty/],
      ['blank.srt', ' \n\n \t', undefined, 'parse:empty', /blank\.srt: the file is empty/],
      ['huge.txt', 'x', 20 * 1024 * 1024 + 1, 'parse:too_large', /huge\.txt: 20\.0 MB is over the 20 MB limit/],
      [
        'cover.md',
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
        undefined,
        'parse:binary',
        /binary data/,
      ],
      [
        'chapters.json',
        '{"chapters":[{"startTime":0,"title":"a"}]}',
        undefined,
        'parse:unsupported',
        /a chapters file/,
      ],
      ['meta.json', '{"title":"x"}', undefined, 'parse:unsupported', /neither a Podcasting 2.0 transcript/],
      ['broken.vtt', 'WEBVTT\n\n00:aa.000 --> 00:01.000\nhi', undefined, 'parse:webvtt', /broken\.vtt line 3/],
      ['broken.json', '{"segments": 3}', undefined, 'parse:podcasting-json', /unexpected JSON at segments/],
    ])('%s', async (name, content, size, code, message) => {
      const error = await rejection(name, content, size);
      expect(error.code).toBe(code);
      expect(error.message).toMatch(message);
    });

    test('UTF-16 with a byte order mark and Windows-1252 are read as text', async () => {
      const utf16 = path.join(directory, 'utf16.srt');
      await writeFile(
        utf16,
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('1\n00:00:01,000 --> 00:00:02,000\nCafé\n', 'utf16le')]),
      );
      const latin = path.join(directory, 'latin.srt');
      await writeFile(latin, Buffer.from('1\n00:00:01,000 --> 00:00:02,000\nCaf\xe9 \x93ok\x94\n', 'latin1'));
      expect((await parseFile(utf16))[0]?.turns[0]?.text).toBe('Café');
      expect((await parseFile(latin))[0]?.turns[0]?.text).toBe('Café “ok”');
    });
  });
});
