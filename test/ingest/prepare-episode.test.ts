import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseScrapedPage, parseTranscriptSection } from '../../ingest/parsers/scraped-page.js';
import { canonicalJson, prepareEpisode } from '../../ingest/prepare-episode.js';
import { type Chunk, chunkSchema, episodeSchema } from '../../src/domain.js';
import { timeAtOffset } from '../../src/util/time-label.js';

const page = readFileSync(new URL('../../data/latent-space-episodes.txt', import.meta.url), 'utf8');
const parsed = parseScrapedPage(page, { fileName: 'latent-space-episodes.txt' });
const prepared = parsed.map((episode) => prepareEpisode(episode, { source: 'data/latent-space-episodes.txt' }));
const [moonlake, mistral, heather, dreamer, felix] = prepared as [
  (typeof prepared)[0],
  (typeof prepared)[0],
  (typeof prepared)[0],
  (typeof prepared)[0],
  (typeof prepared)[0],
];

/** Words without time marks or edge punctuation, sorted (a multiset). */
function words(text: string): string[] {
  return text
    .replace(/\[(?:\d{1,2}:)?\d{1,2}:\d{2}\]|\((?:\d{1,2}:)?\d{1,2}:\d{2}\)/g, ' ')
    .split(/\s+/)
    .map((word) => word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter(Boolean)
    .sort();
}

/** Removes the `Name: ` prefixes chunking adds to the lines of a multi-speaker chunk. */
function withoutPrefixes(chunk: Chunk): string {
  if (chunk.speakers.length < 2) return chunk.text;
  return chunk.text
    .split('\n')
    .map((line) => {
      const speaker = chunk.speakers.find((name) => line.startsWith(`${name}: `));
      return speaker ? line.slice(speaker.length + 2) : line;
    })
    .join('\n');
}

/** Transcript sections cut from the page without the parser: after `Transcript`, before the boilerplate. */
function transcriptSections(): Map<number, string[]> {
  const lines = page.split('\n');
  const starts = lines.flatMap((line, index) => (/^\s*•\s/.test(line) ? [index] : []));
  const sections = new Map<number, string[]>();
  lines.forEach((line, index) => {
    if (line.trim() !== 'Transcript') return;
    const end = lines.findIndex((other, at) => at > index && other.includes('This is a public episode'));
    const episodeIndex = starts.filter((start) => start < index).length - 1;
    sections.set(episodeIndex, lines.slice(index + 1, end));
  });
  return sections;
}

describe('prepareEpisode on the bundled page', () => {
  test('timestamp quality per episode', () => {
    expect(prepared.map(({ episode }) => [episode.episodeId, episode.timestamps])).toStrictEqual([
      ['moonlake-causal-world-models-should-be-multimodal', 'exact'],
      ['mistral-voxtral-tts-forge-leanstral-whats-next-for-mistral-4', 'partial'],
      ['why-there-is-no-alphafold-for-materials-ai-for-materials', 'none'],
      ['dreamer-the-personal-agent-os-david-singleton', 'exact'],
      ['why-anthropic-thinks-ai-should-have-its-own-computer-felix', 'estimated'],
    ]);
  });

  test('episodes and chunks match their schemas; ids and ordinals run in order', () => {
    for (const { episode, chunks } of prepared) {
      expect(episodeSchema.parse(episode)).toStrictEqual(episode);
      expect(episode.chunks).toBe(chunks.length);
      expect(episode.source).toBe('data/latent-space-episodes.txt');
      chunks.forEach((chunk, ordinal) => {
        expect(chunkSchema.parse(chunk)).toStrictEqual(chunk);
        expect(chunk.ordinal).toBe(ordinal);
        expect(chunk.chunkId).toBe(`${episode.episodeId}#${ordinal}`);
        expect(chunk.episodeTitle).toBe(episode.title);
        const offsets = chunk.anchors.map((anchor) => anchor.offset);
        expect(offsets).toStrictEqual([...offsets].sort((a, b) => a - b));
        expect(new Set(offsets).size).toBe(offsets.length);
        if (chunk.kind === 'transcript') {
          expect(chunk.anchors[0]?.offset).toBe(0);
          expect(chunk.anchors[0]?.seconds).toBe(chunk.start);
          expect(chunk.end!).toBeGreaterThanOrEqual(chunk.start!);
          if (chunk.speaker !== null) expect(chunk.speakers).toContain(chunk.speaker);
        }
      });
    }
  });

  test('every transcript word lands in exactly one chunk', () => {
    const sections = transcriptSections();
    expect([...sections.keys()]).toStrictEqual([0, 1, 3, 4]);
    for (const [index, section] of sections) {
      const structure = parseTranscriptSection(section);
      // Headings become chunk.chapter and labels become chunk.speaker(s): not chunk words.
      const notWords = words(
        [...structure.headings.map((heading) => heading.title), ...structure.structure].join('\n'),
      );
      const expected = words(section.join('\n'));
      for (const word of notWords) {
        const at = expected.indexOf(word);
        expect(at, `structure word "${word}" is in the section`).toBeGreaterThanOrEqual(0);
        expected.splice(at, 1);
      }
      const chunked = words(
        prepared[index]!.chunks.filter((chunk) => chunk.kind === 'transcript')
          .map(withoutPrefixes)
          .join('\n'),
      );
      expect(chunked).toStrictEqual(expected);
    }
    expect(heather.chunks.every((chunk) => chunk.kind === 'shownotes' || chunk.kind === 'promo')).toBe(true);
  });

  test('every show-notes word lands in exactly one chunk; the chapter list is its own chunks', () => {
    for (const [index, { chunks }] of prepared.entries()) {
      const notes = chunks.filter((chunk) => chunk.kind !== 'transcript' && chunk.start === null);
      expect(words(notes.map((chunk) => chunk.text).join('\n'))).toStrictEqual(words(parsed[index]!.showNotes ?? ''));
      const lists = chunks.filter((chunk) => chunk.kind === 'chapters' && chunk.start !== null);
      expect(lists.flatMap((chunk) => chunk.anchors).length).toBe(parsed[index]!.chapters.length);
    }
  });

  test('chunk sizes: at most ~80 words, and no transcript chunk is a bare "Yeah."', () => {
    for (const { chunks } of prepared) {
      for (const chunk of chunks) {
        const count = chunk.text.split(/\s+/).length;
        if (chunk.kind !== 'transcript') expect(count).toBeLessThanOrEqual(80);
        // 80 words, plus the `Name:` prefixes of a grouped chunk and a swallowed scrap.
        else expect(count).toBeLessThanOrEqual(95);
        if (chunk.kind === 'transcript') expect(count).toBeGreaterThanOrEqual(5);
      }
      const transcript = chunks.filter((chunk) => chunk.kind === 'transcript');
      if (transcript.length === 0) continue;
      const mean = transcript.reduce((sum, chunk) => sum + chunk.text.split(/\s+/).length, 0) / transcript.length;
      expect(mean).toBeGreaterThan(40);
    }
  });

  test('first names are widened from the title in chunk speakers', () => {
    const speakers = (chunks: Chunk[]) => [...new Set(chunks.flatMap((chunk) => chunk.speakers))].sort();
    expect(speakers(mistral.chunks)).toStrictEqual(['Guillaume Lample', 'Pavan Kumar Reddy', 'Vibhu', 'swyx']);
    expect(speakers(felix.chunks)).toStrictEqual(['Alessio', 'Felix Rieseberg', 'swyx']);
    expect(speakers(dreamer.chunks)).toStrictEqual(['David Singleton', 'swyx']);
  });

  test('an inline mark times the exact word it precedes', () => {
    const chunk = moonlake.chunks.find((candidate) => candidate.text.includes('new take of mold models'))!;
    const offset = chunk.text.indexOf('new take of mold models');
    expect(timeAtOffset(chunk, offset)).toStrictEqual({ seconds: 60, approximate: false });
  });

  test('"when do they discuss enterprise deployment" can cite the chapter list line', () => {
    const list = mistral.chunks.find((chunk) => chunk.text.includes('17:56 Enterprise Deployment and Privacy'))!;
    expect(list.kind).toBe('chapters');
    const offset = list.text.indexOf('17:56 Enterprise Deployment and Privacy');
    expect(timeAtOffset(list, offset)).toStrictEqual({ seconds: 1076, approximate: false });
  });

  test('exact episodes start most chunks on a read time; the estimated one never does', () => {
    for (const { chunks } of [moonlake, dreamer]) {
      const transcript = chunks.filter((chunk) => chunk.kind === 'transcript');
      const exact = transcript.filter((chunk) => !chunk.approximate).length;
      expect(exact / transcript.length).toBeGreaterThan(0.5);
      const starts = transcript.map((chunk) => chunk.start!);
      expect(starts).toStrictEqual([...starts].sort((a, b) => a - b));
    }
    const estimated = felix.chunks.filter((chunk) => chunk.kind === 'transcript');
    expect(estimated.every((chunk) => chunk.approximate)).toBe(true);
    expect(estimated.at(-1)!.end).toBe(5160);
  });

  test('contentHash is a sha256 of the parsed episode: stable, and changed by any edit', () => {
    const again = prepareEpisode(parseScrapedPage(page, { fileName: 'other-name.txt' })[1]!, { source: 'elsewhere' });
    expect(again.episode.contentHash).toBe(mistral.episode.contentHash);
    expect(mistral.episode.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const edited = structuredClone(parsed[1]!);
    edited.turns[0]!.text += ' extra';
    expect(prepareEpisode(edited, { source: 'x' }).episode.contentHash).not.toBe(mistral.episode.contentHash);
    expect(new Set(prepared.map(({ episode }) => episode.contentHash)).size).toBe(5);
  });

  test('canonicalJson sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: undefined }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"f":1}]},"b":1}',
    );
  });
});
