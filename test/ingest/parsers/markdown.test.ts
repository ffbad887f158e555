import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseMarkdownTranscript } from '../../../ingest/parsers/markdown.js';
import {
  episodeWords,
  expectWellFormed,
  parsesOrRejects,
  phraseArbitrary,
  speakerArbitrary,
  wordsOf,
} from './parser-properties.js';

const fixture = readFileSync(new URL('../../fixtures/formats/notes.md', import.meta.url), 'utf8');
// Four real Practical AI transcripts (CC BY-SA 4.0; see SOURCE.txt and LICENSE there).
const corpusDirectory = new URL('../../fixtures/practical-ai/', import.meta.url);

function turnsOf(text: string) {
  return parseMarkdownTranscript(text, { fileName: 'episode.md' })[0]?.turns;
}

describe('parseMarkdownTranscript', () => {
  test('reads the fixture: front matter, title heading, chapters, roles, marks, a break range', () => {
    expect(parseMarkdownTranscript(fixture, { fileName: 'notes.md' })).toStrictEqual([
      {
        episodeId: 'margaret-on-apollo',
        title: 'Margaret on Apollo',
        date: '2025-07-20',
        durationSeconds: null,
        url: 'https://example.com/media/apollo.mp3',
        showNotes: null,
        chapters: [
          { start: 0, title: 'Cold open' },
          { start: null, title: 'Priority displays' },
        ],
        turns: [
          {
            speaker: 'Host Person',
            text: "Welcome. Today's guest wrote the flight software & more.",
            marks: [{ offset: 0, seconds: 0 }],
            chapter: 'Cold open',
            role: 'Host',
          },
          {
            speaker: 'Margaret Hamilton',
            text: 'Thanks for having me. It was a long time ago.',
            marks: [],
            chapter: 'Cold open',
          },
          {
            // Speech resumes at the end of the break range (13:10).
            speaker: 'Host Person',
            text: 'Tell us about the alarms. The 1202 alarm, in particular.',
            marks: [
              { offset: 0, seconds: 790 },
              { offset: 26, seconds: 795 },
            ],
            chapter: 'Priority displays',
          },
          {
            speaker: 'Margaret Hamilton',
            text: 'The software did what it was designed to do.',
            marks: [{ offset: 0, seconds: 3723 }],
            chapter: 'Priority displays',
          },
        ],
        people: ['Margaret Hamilton', 'Host Person'],
      },
    ]);
  });

  test('reads the Changelog style: escaped marks, continuation paragraphs, break lines that are not speech', () => {
    const text = [
      '**Daniel Whitenack:** Welcome to the show.',
      '',
      '**Chris Benson:** \\[04:05\\] Glad to be here.',
      '',
      '\\[04:30\\] A second paragraph, same speaker.',
      '',
      '**Break:** \\[13:03\\]',
      '',
      'Break: \\[14:47\\] to \\[15:12\\]',
      '',
      '**Break** : \\[16:00\\]',
      '',
      '**Daniel Whitenack:** Back again &#39;quoted&quot;.',
      '',
      '**Chris Benson: I**ndeed, I do.',
    ].join('\n');
    expect(turnsOf(text)).toStrictEqual([
      { speaker: 'Daniel Whitenack', text: 'Welcome to the show.', marks: [] },
      {
        speaker: 'Chris Benson',
        text: 'Glad to be here. A second paragraph, same speaker.',
        marks: [
          { offset: 0, seconds: 245 },
          { offset: 17, seconds: 270 },
        ],
      },
      { speaker: 'Daniel Whitenack', text: 'Back again \'quoted".', marks: [{ offset: 0, seconds: 912 }] },
      { speaker: 'Chris Benson', text: 'Indeed, I do.', marks: [] },
    ]);
  });

  test('without bold speakers, plain Name: lines name them and [hh:mm:ss] marks are read', () => {
    expect(
      turnsOf('# Show 12\n\nAnn Lee: [00:01:02] Hello [link](https://x.y) there.\nmore words\n\nBob: Hi.'),
    ).toStrictEqual([
      { speaker: 'Ann Lee', text: 'Hello link there. more words', marks: [{ offset: 0, seconds: 62 }] },
      { speaker: 'Bob', text: 'Hi.', marks: [] },
    ]);
  });

  test('a file with no front matter or heading takes its title and id from the file name', () => {
    const [episode] = parseMarkdownTranscript('**A:** hi', { fileName: 'corpus/practical-ai-12.md' });
    expect([episode?.episodeId, episode?.title]).toStrictEqual(['practical-ai-12', 'Practical AI 12']);
  });

  test('property: any text parses without throwing and keeps marks in order', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        parsesOrRejects(() => parseMarkdownTranscript(text, { fileName: 'x.md' }));
      }),
    );
  });

  test('property: generated speaker paragraphs lose no word', () => {
    const paragraphArbitrary = fc.record({
      speaker: fc.option(speakerArbitrary, { nil: undefined }),
      minute: fc.option(fc.integer({ min: 0, max: 59 }), { nil: undefined }),
      text: phraseArbitrary,
    });
    fc.assert(
      fc.property(fc.array(paragraphArbitrary, { minLength: 1, maxLength: 12 }), (paragraphs) => {
        const text = paragraphs
          .map((paragraph) => {
            const mark = paragraph.minute === undefined ? '' : `\\[${String(paragraph.minute).padStart(2, '0')}:00\\] `;
            return `${paragraph.speaker ? `**${paragraph.speaker}:** ` : ''}${mark}${paragraph.text}`;
          })
          .join('\n\n');
        const episodes = parseMarkdownTranscript(text, { fileName: 'x.md' });
        expectWellFormed(episodes);
        expect(episodeWords(episodes)).toStrictEqual(paragraphs.flatMap((paragraph) => wordsOf(paragraph.text)));
      }),
    );
  });
});

/** Words of a Changelog transcript computed independently of the parser: labels, times and break lines removed. */
function sourceWords(text: string): string[] {
  return text
    .split('\n')
    .filter(
      (line) =>
        !/^(?:\*\*)?[A-Z][\w ]*(?:\*\*)?\s*:?(?:\*\*)?\s*:?\\?\s*(?:\\?\[[\d:.]+\\?\]\s*(?:to\s*)?)+$/.test(
          line.trim(),
        ),
    )
    .map((line) =>
      line
        .replace(/^\*\*([^*]+?)(?::\*\*|\*\*\s*:)/, '')
        .replace(/^\*\*[^*:]+:\s*([^*]*)\*\*/, '$1')
        .replace(/\\\[\d+:\d+(?::\d+){0,2}(?:\.\d+)?\\\]/g, ' ')
        .replace(/\]\([^)]*\)/g, ' ')
        .replace(/&#39;|&quot;/g, ' ')
        .replace(/<\/?sup>/g, ' '),
    )
    .flatMap(wordsOf);
}

describe('parseMarkdownTranscript on real Practical AI transcripts', () => {
  const files = readdirSync(corpusDirectory).filter((name) => name.endsWith('.md'));

  test('the fixtures are all there', () => {
    expect(files.sort()).toStrictEqual([
      'practical-ai-107.md',
      'practical-ai-180.md',
      'practical-ai-195.md',
      'practical-ai-6.md',
    ]);
  });

  test('every file has turns, times never go backwards, no text is lost', () => {
    let turns = 0;
    let marks = 0;
    for (const name of files) {
      const text = readFileSync(new URL(name, corpusDirectory), 'utf8');
      const episodes = parseMarkdownTranscript(text, { fileName: name });
      expect(episodes.length).toBe(1);
      const [episode] = episodes;
      expect(episode?.episodeId).toBe(name.replace(/\.md$/, ''));
      expect(episode?.turns.length, name).toBeGreaterThan(0);
      expect(
        episode?.turns.every((turn) => turn.speaker !== null && !/break/i.test(turn.speaker)),
        name,
      ).toBe(true);
      expectWellFormed(episodes);
      // Joined: comparing two million array items one by one is what made this test slow.
      expect(episodeWords(episodes).join(' '), name).toBe(sourceWords(text).join(' '));
      turns += episode?.turns.length ?? 0;
      marks += episode?.turns.reduce((sum, turn) => sum + turn.marks.length, 0) ?? 0;
    }
    // Totals measured when the fixtures were copied; a change here means parsing changed. (On all
    // 299 episodes of the corpus the same parser gives 20,511 turns and 2,720 marks.)
    expect({ turns, marks }).toStrictEqual({ turns: 197, marks: 34 });
  });
});
