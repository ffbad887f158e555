import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseHtmlTranscript } from '../../../ingest/parsers/html.js';
import { PodciteError } from '../../../src/errors.js';
import { formatTimestamp } from '../../../src/util/time-label.js';
import {
  episodeWords,
  expectWellFormed,
  parsesOrRejects,
  phraseArbitrary,
  secondsArbitrary,
  speakerArbitrary,
  wordsOf,
} from './parser-properties.js';

const fixture = readFileSync(new URL('../../fixtures/formats/page.html', import.meta.url), 'utf8');
const options = { fileName: 'page.html' };

describe('parseHtmlTranscript', () => {
  test('reads the fixture: cite/time/p turns, entities decoded, head, scripts and styles ignored', () => {
    expect(parseHtmlTranscript(fixture, options)).toStrictEqual([
      {
        episodeId: 'katherine-johnson-the-orbit',
        title: 'Katherine Johnson & the orbit',
        date: null,
        durationSeconds: null,
        url: null,
        showNotes: null,
        chapters: [{ start: 0, title: 'Trajectories' }],
        turns: [
          {
            speaker: 'Katherine Johnson',
            text: 'I counted every step to the church — and every dish I washed.',
            marks: [{ offset: 0, seconds: 0 }],
            chapter: 'Trajectories',
          },
          {
            speaker: 'Interviewer',
            text: "Even the orbit? That's a long shot.",
            marks: [
              { offset: 0, seconds: 7 },
              { offset: 16, seconds: 3723 },
            ],
            chapter: 'Trajectories',
          },
        ],
      },
    ]);
  });

  test('inline tags inside a word keep it whole; a time datetime attribute is read when its text is not a clock', () => {
    const html = '<cite>Ann:</cite><time datetime="PT1M5.5S">a minute in</time><p>un<b>believ</b>able</p>';
    expect(parseHtmlTranscript(html, options)[0]?.turns).toStrictEqual([
      { speaker: 'Ann', text: 'unbelievable', marks: [{ offset: 0, seconds: 65.5 }] },
    ]);
  });

  test('without <cite>, a bold Name: opening a paragraph names the speaker; the first <h1> is the title', () => {
    const html =
      '<h1>Episode 7</h1><p><strong>Ann Lee:</strong> Hello there.</p><p>More from Ann.</p><p><b>Bob:</b> Hi <b>Ann</b>.</p>';
    const [episode] = parseHtmlTranscript(html, options);
    expect([episode?.title, episode?.turns]).toStrictEqual([
      'Episode 7',
      [
        { speaker: 'Ann Lee', text: 'Hello there. More from Ann.', marks: [] },
        { speaker: 'Bob', text: 'Hi Ann.', marks: [] },
      ],
    ]);
  });

  test('rejects a page with no visible text with parse:html', () => {
    const run = () =>
      parseHtmlTranscript('<html><head><title>t</title></head><body><script>x()</script></body></html>', options);
    expect(run).toThrow(PodciteError);
    expect(run).toThrow('page.html: no transcript text in the page');
  });

  test('property: any text parses or throws a parse: PodciteError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        parsesOrRejects(() => parseHtmlTranscript(text, options));
        parsesOrRejects(() => parseHtmlTranscript(`<cite>A:</cite><time>0:01</time><p>${text}</p>`, options));
      }),
    );
  });

  test('property: generated cite/time/p blocks lose no word and times never go backwards', () => {
    const blockArbitrary = fc.record({ speaker: speakerArbitrary, seconds: secondsArbitrary, text: phraseArbitrary });
    fc.assert(
      fc.property(fc.array(blockArbitrary, { minLength: 1, maxLength: 10 }), (blocks) => {
        const html = blocks
          .map(
            (block) =>
              `<cite>${block.speaker}:</cite>\n<time>${formatTimestamp(block.seconds)}</time>\n<p>${block.text}</p>`,
          )
          .join('\n');
        const episodes = parseHtmlTranscript(`<body>${html}</body>`, options);
        expectWellFormed(episodes);
        expect(episodeWords(episodes)).toStrictEqual(blocks.flatMap((block) => wordsOf(block.text)));
        expect(episodes[0]?.turns.map((turn) => turn.speaker)).toStrictEqual(blocks.map((block) => block.speaker));
        // Each block's time is read unless it goes back before the previous one.
        let latest = Number.NEGATIVE_INFINITY;
        const kept = blocks.flatMap((block) => {
          const seconds = Math.floor(block.seconds);
          if (seconds < latest) return [];
          latest = seconds;
          return [seconds];
        });
        expect(episodes[0]?.turns.flatMap((turn) => turn.marks.map((mark) => mark.seconds))).toStrictEqual(kept);
      }),
    );
  });
});
