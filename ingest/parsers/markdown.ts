import type { Chapter, ParsedEpisode } from '../../src/domain.js';
import { parseClock } from '../../src/util/time-label.js';
import { buildEpisode } from './build-episode.js';
import { decodeEntities } from './decode-entities.js';
import { parseFrontMatter } from './front-matter.js';
import type { ParseOptions } from './parse-options.js';
import { splitSpeakerPrefix } from './speaker-prefix.js';
import { TurnBuilder } from './turn-builder.js';

/**
 * A time in square brackets, escaped (`\[04:05\]`, as Changelog transcripts write it) or not
 * (`[01:02:03]`), but not a link's text (`[12:00](https://…)`). A trailing frame count
 * (`\[00:16:16:05\]`, video timecode) is dropped.
 */
const TIME_MARK = /\\?\[((?:\d+:)?\d{1,2}:\d{1,2}(?:[.,]\d{1,3})?)(?::\d{2})?\\?\](?!\()/g;
/** `**Name:** text` and `**Name**: text` (also `**Name** : text`). */
const BOLD_SPEAKER = /^\*\*([^*]+?)(?::\*\*|\*\*\s*:)\s*(.*)$/;
/** A bold span that swallowed the first letters of speech: `**Chris Benson: I**ndeed, I do.` */
const BROKEN_BOLD_SPEAKER = /^\*\*([^*:]{1,40}):\s*([^*]*)\*\*(.*)$/;
/** A speaker's name alone in bold, optionally with a time: `**Jane Doe** [00:01:02]`. */
const BOLD_NAME_LINE = /^\*\*([^*:]{1,40})\*\*\s*((?:\\?\[[\d:.,]+\\?\]\s*)*)$/;
/** What is left of a labelled line that holds only times: `\[14:47\] to \[15:12\]`. */
const TIMES_ONLY = new RegExp(`^(?:${TIME_MARK.source}|\\s|\\\\|to|-|–|—)*$`);
const ROLE_SUFFIX = /^(.*?)\s*\(([^()]{1,30})\)$/;

/**
 * Parses a Markdown transcript into one episode. Speakers are `**Name:** text` paragraphs
 * (`**Name (Role):**` gives a role); a paragraph without one continues the previous speaker.
 * `\[mm:ss\]` / `[hh:mm:ss]` times anywhere become marks where they stand. A labelled line that
 * holds only times (`**Break:** \[13:03\]`, `Outro: \[48:17\] to \[49:09\]`) is not speech: it
 * makes no turn, and the end of a range marks where speech resumes. Front matter and the first
 * `# Heading` give metadata and the title; other headings are chapters. When the file has no bold
 * speakers, plain `Name: text` lines name them instead. Never throws: any text is a transcript.
 */
export function parseMarkdownTranscript(text: string, options: ParseOptions): ParsedEpisode[] {
  const { metadata, body } = parseFrontMatter(text, options);
  const lines = body.split(/\r\n|\r|\n/);
  const boldSpeakers = lines.some((line) => BOLD_SPEAKER.test(line.trim()));
  const builder = new TurnBuilder();
  const chapters: Chapter[] = [];
  let title = metadata.title;
  let inFence = false;
  let seenTitleHeading = false;
  // A heading without a time takes the time that opens the first speech after it, if any.
  let chapterAwaitingTime: Chapter | undefined;

  for (const rawLine of lines) {
    let line = rawLine.trim();
    if (/^(?:```|~~~)/.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (!line || (!inFence && /^(?:[-*_]\s*){3,}$/.test(line))) continue;
    if (inFence) {
      builder.append(line);
      continue;
    }
    const heading = /^(#{1,6})\s+(.*?)\s*#*$/.exec(line);
    if (heading) {
      const { words, seconds } = headingParts(heading[2] ?? '');
      // The first `# Heading` names the episode (front matter, when present, has named it already).
      if ((heading[1] ?? '').length === 1 && !seenTitleHeading) {
        seenTitleHeading = true;
        title ??= words || undefined;
      } else if (words) {
        builder.chapter = words;
        const chapter = { start: seconds, title: words };
        chapters.push(chapter);
        chapterAwaitingTime = seconds === null ? chapter : undefined;
      }
      continue;
    }
    line = line.replace(/^(?:>\s*)+/, '').replace(/^(?:[-*+]|\d+[.)])\s+/, '');

    const speakerLine = splitMarkdownSpeaker(line, boldSpeakers);
    if (speakerLine) {
      if (speakerLine.canBeEvent && TIMES_ONLY.test(speakerLine.rest) && /\d/.test(speakerLine.rest)) {
        // A break, intro or song: no speech. After a range, speech resumes at its end.
        const times = [...speakerLine.rest.matchAll(TIME_MARK)].map((match) => parseClock(match[1] ?? ''));
        if (times.length > 1) builder.mark(times.at(-1));
        continue;
      }
      const { name, role } = splitRole(speakerLine.name);
      if (speakerLine.alwaysNewTurn || name !== builder.currentSpeaker) builder.startTurn(name, { role });
      line = speakerLine.rest;
    }
    if (chapterAwaitingTime) {
      const opening = /^\s*\\?\[((?:\d+:)?\d{1,2}:\d{1,2}(?:[.,]\d{1,3})?)\\?\]/.exec(line);
      if (opening) chapterAwaitingTime.start = parseClock(opening[1] ?? '');
      if (opening || cleanInline(line)) chapterAwaitingTime = undefined;
    }
    appendInline(builder, line);
  }

  return [
    buildEpisode({
      fileName: options.fileName,
      turns: builder.finish(),
      title,
      date: metadata.date,
      url: metadata.url,
      durationSeconds: metadata.durationSeconds,
      showNotes: metadata.showNotes,
      chapters: chapters.length > 0 ? chapters : metadata.chapters,
      people: metadata.people,
    }),
  ];
}

function splitMarkdownSpeaker(
  line: string,
  boldSpeakers: boolean,
): { name: string; rest: string; alwaysNewTurn: boolean; canBeEvent: boolean } | null {
  const bold = BOLD_SPEAKER.exec(line);
  if (bold) return { name: cleanInline(bold[1] ?? ''), rest: bold[2] ?? '', alwaysNewTurn: true, canBeEvent: true };
  const broken = BROKEN_BOLD_SPEAKER.exec(line);
  if (broken)
    return {
      name: cleanInline(broken[1] ?? ''),
      rest: `${broken[2]}${broken[3]}`,
      alwaysNewTurn: true,
      canBeEvent: false,
    };
  const nameLine = BOLD_NAME_LINE.exec(line);
  if (nameLine)
    return { name: cleanInline(nameLine[1] ?? ''), rest: nameLine[2] ?? '', alwaysNewTurn: true, canBeEvent: false };
  // Unlabelled event lines (`Break: \[27:09\]`) appear even in files that use bold speakers.
  const plain = /^([A-Z][\w ]{0,30}):\s*(.*)$/.exec(line);
  if (plain && TIMES_ONLY.test(plain[2] ?? '') && /\d/.test(plain[2] ?? '')) {
    return { name: plain[1] ?? '', rest: plain[2] ?? '', alwaysNewTurn: true, canBeEvent: true };
  }
  if (boldSpeakers) return null;
  const prefix = splitSpeakerPrefix(line);
  if (!prefix) return null;
  return {
    name: prefix.role ? `${prefix.speaker} (${prefix.role})` : prefix.speaker,
    rest: prefix.text,
    alwaysNewTurn: false,
    canBeEvent: true,
  };
}

function splitRole(label: string): { name: string; role: string | undefined } {
  const match = ROLE_SUFFIX.exec(label);
  if (!match?.[1]) return { name: label, role: undefined };
  return { name: match[1], role: match[2]?.trim() };
}

/** A heading's words and the first time written in it (`## [00:12:30] Scaling laws`). */
function headingParts(heading: string): { words: string; seconds: number | null } {
  let seconds: number | null = null;
  const withoutTimes = heading.replace(TIME_MARK, (_whole, clock: string) => {
    seconds ??= parseClock(clock);
    return ' ';
  });
  return { words: cleanInline(withoutTimes), seconds };
}

/** Appends a line's words, turning each bracketed time into a mark at the words after it. */
function appendInline(builder: TurnBuilder, line: string): void {
  let last = 0;
  for (const match of line.matchAll(TIME_MARK)) {
    builder.append(cleanInline(line.slice(last, match.index)));
    builder.mark(parseClock(match[1] ?? ''));
    last = match.index + match[0].length;
  }
  builder.append(cleanInline(line.slice(last)));
}

/** Markdown inline syntax to plain words: links and images keep their text, emphasis and tags go. */
function cleanInline(text: string): string {
  return decodeEntities(
    text
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<\/?[a-z][^<>]*>/gi, ' ')
      .replace(/`+/g, '')
      // Emphasis markers sit at word edges; runs inside a word are text ("sh***y", "snake_case").
      .replace(/(^|[^\p{L}\p{N}\\])[*_]+|(?<!\\)[*_]+(?=[^\p{L}\p{N}]|$)/gu, '$1')
      .replace(/\\([\\`*_{}[\]()#+\-.!|<>~])/g, '$1'),
  )
    .replace(/\s+/g, ' ')
    .trim();
}
