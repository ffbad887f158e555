import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseRssChannel, parseRssFeed } from '../../../ingest/parsers/rss.js';
import { PodciteError } from '../../../src/errors.js';

const fixture = readFileSync(new URL('../../fixtures/formats/feed.xml', import.meta.url), 'utf8');
const options = { fileName: 'feed.xml' };

describe('parseRssFeed', () => {
  test('reads every item: title, date, enclosure, duration, notes, people, transcript and chapter references', () => {
    expect(parseRssFeed(fixture, options)).toStrictEqual([
      {
        title: 'Hopping frequencies',
        guid: 'pioneers-1',
        // The calendar date as written in the feed's own time zone, not shifted to UTC.
        date: '2026-03-01',
        url: 'https://example.com/media/hedy.mp3',
        mediaType: 'audio/mpeg',
        mediaBytes: 1234,
        durationSeconds: 300,
        showNotes: 'Hedy Lamarr explains frequency hopping.\nLinks & notes.',
        people: ['Hedy Lamarr'],
        transcripts: [
          { url: 'https://example.com/transcripts/words.html', type: 'text/html', language: null },
          { url: 'words.json', type: 'application/json', language: 'en' },
        ],
        chapters: { url: 'interview.chapters.json', type: 'application/json+chapters', language: null },
      },
      {
        title: 'Can machines think?',
        guid: null,
        date: '2026-02-01',
        url: 'https://example.com/media/turing.mp3',
        mediaType: 'audio/mpeg',
        mediaBytes: null,
        durationSeconds: 3605,
        showNotes: null,
        people: ['Grace Hopper'],
        transcripts: [
          { url: 'https://example.com/transcripts/debate.srt', type: 'application/x-subrip', language: null },
        ],
        chapters: null,
      },
      {
        title: 'Notes only',
        guid: null,
        date: null,
        url: null,
        mediaType: null,
        mediaBytes: null,
        durationSeconds: null,
        showNotes: 'No transcript for this one.',
        people: ['Grace Hopper'],
        transcripts: [{ url: 'missing/nowhere.vtt', type: 'text/vtt', language: null }],
        chapters: null,
      },
    ]);
  });

  test('a channel with no items has no episodes', () => {
    expect(parseRssFeed('<rss version="2.0"><channel><title>Empty</title></channel></rss>', options)).toStrictEqual([]);
  });

  test('parseRssChannel reads the show: title, author, image', () => {
    const feed = `<rss xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>Pioneers</title>
      <itunes:author>Grace Hopper</itunes:author><itunes:image href="https://example.com/art.jpg"/></channel></rss>`;
    expect(parseRssChannel(feed, options)).toStrictEqual({
      show: { title: 'Pioneers', author: 'Grace Hopper', image: 'https://example.com/art.jpg' },
      items: [],
    });
    const plain =
      '<rss><channel><title>Plain</title><image><url>https://example.com/a.png</url></image></channel></rss>';
    expect(parseRssChannel(plain, options).show).toStrictEqual({
      title: 'Plain',
      author: null,
      image: 'https://example.com/a.png',
    });
  });

  test('hostile XML fails fast: entity expansion and deep nesting are refused', () => {
    const entity = `<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><rss><channel><item><title>${'&a;'.repeat(20_000)}</title></item></channel></rss>`;
    expect(() => parseRssFeed(entity, options)).toThrow(/Entity expansion count limit exceeded/);
    const laughs =
      '<!DOCTYPE x [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>' +
      '<rss><channel><item><title>&c;</title></item></channel></rss>';
    // Entities inside entity values are not expanded: no exponential growth.
    expect(parseRssFeed(laughs, options)[0]!.title!.length).toBeLessThan(100);
    const deep = `<rss><channel>${'<a>'.repeat(50_000)}${'</a>'.repeat(50_000)}</channel></rss>`;
    expect(() => parseRssFeed(deep, options)).toThrow(/Maximum nested tags exceeded/);
  });

  test.each([
    ['unclosed tags', '<rss><channel><item>', /^feed\.xml: malformed XML/],
    ['text that is not XML', 'just words', /^feed\.xml: malformed XML/],
    ['XML that is not a feed', '<html><body>hi</body></html>', 'feed.xml: not an RSS feed (no <rss><channel>)'],
  ])('rejects %s with parse:rss', (_name, text, message) => {
    const run = () => parseRssFeed(text, options);
    expect(run).toThrow(PodciteError);
    expect(run).toThrow(message);
  });

  test('property: any text parses or throws a parse: PodciteError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        for (const input of [text, `<rss><channel><item><title>${text}</title></item></channel></rss>`]) {
          try {
            parseRssFeed(input, options);
          } catch (error) {
            expect(error).toBeInstanceOf(PodciteError);
            expect((error as PodciteError).code).toBe('parse:rss');
          }
        }
      }),
    );
  });
});
