import { Parser } from 'htmlparser2';
import type { Chapter, ParsedEpisode } from '../../src/domain.js';
import { PodciteError } from '../../src/errors.js';
import { parseClock } from '../../src/util/time-label.js';
import { buildEpisode } from './build-episode.js';
import { parseDuration } from './front-matter.js';
import type { ParseOptions } from './parse-options.js';
import { splitSpeakerPrefix } from './speaker-prefix.js';
import { TurnBuilder } from './turn-builder.js';

/** Elements whose content is never shown as text. */
const HIDDEN = new Set(['script', 'style', 'noscript', 'template', 'svg', 'head']);
/** Elements that end a run of words (so `<p>a</p><p>b</p>` does not read as "ab"). */
const BLOCK = new Set([
  'p',
  'div',
  'br',
  'li',
  'ul',
  'ol',
  'tr',
  'td',
  'th',
  'section',
  'article',
  'blockquote',
  'header',
  'footer',
  'main',
  'dd',
  'dt',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
]);

type Capture = 'title' | 'h1' | 'chapter' | 'cite' | 'time' | 'bold';

/**
 * Parses an HTML transcript into one episode, in the Podcasting 2.0 shape
 * (`<cite>Name:</cite> <time>0:00</time> <p>words</p>`): each `<cite>` starts a turn, each
 * `<time>` (its text, else its `datetime`) marks the words after it. Pages without `<cite>` may
 * name speakers with a bold `Name:` opening a paragraph. Entities are decoded; scripts, styles
 * and the head are ignored except `<title>`, which (else the first `<h1>`) is the title; `<h2>`–`<h6>`
 * are chapters.
 * @throws PodciteError `parse:html` when the document holds no visible text.
 */
export function parseHtmlTranscript(text: string, options: ParseOptions): ParsedEpisode[] {
  const builder = new TurnBuilder();
  const chapters: Chapter[] = [];
  const usesCite = /<cite[\s>]/i.test(text);
  let hiddenDepth = 0;
  let capture: { kind: Capture; text: string; attributes: Record<string, string> } | undefined;
  let title: string | undefined;
  let firstHeading: string | undefined;
  let atBlockStart = true;
  // A heading's time is the first <time> after it, if no words come between.
  let chapterAwaitingTime: Chapter | undefined;
  // Text nodes split by inline tags (`hel<i>lo</i>`) are one word: collect until a block ends.
  let pendingText = '';
  const flushText = () => {
    if (pendingText.trim()) chapterAwaitingTime = undefined;
    builder.append(pendingText);
    pendingText = '';
  };

  const finishCapture = () => {
    if (!capture) return;
    if (capture.kind !== 'bold' && capture.kind !== 'title') flushText();
    const { kind, attributes } = capture;
    const raw = capture.text;
    const captured = raw.replace(/\s+/g, ' ').trim();
    capture = undefined;
    if (kind === 'title') title ??= captured || undefined;
    else if (kind === 'h1') firstHeading ??= captured || undefined;
    else if (kind === 'chapter' && captured) {
      builder.chapter = captured;
      chapterAwaitingTime = { start: null, title: captured };
      chapters.push(chapterAwaitingTime);
    } else if (kind === 'cite') builder.startTurn(captured.replace(/\s*:$/, '') || null);
    else if (kind === 'time') {
      const seconds = parseClock(captured) ?? parseIsoDuration(attributes.datetime);
      builder.mark(seconds);
      if (chapterAwaitingTime && seconds !== null) chapterAwaitingTime.start = seconds;
      chapterAwaitingTime = undefined;
    } else if (kind === 'bold') {
      const prefix = splitSpeakerPrefix(captured);
      if (prefix && !prefix.text) {
        flushText();
        builder.startTurn(prefix.speaker, { role: prefix.role });
      } else pendingText += raw;
    }
  };

  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name === 'title') {
          capture = { kind: 'title', text: '', attributes };
          return;
        }
        // An unclosed <head> must not hide the page.
        if (name === 'body') hiddenDepth = 0;
        if (HIDDEN.has(name) || hiddenDepth > 0) {
          if (HIDDEN.has(name)) hiddenDepth++;
          return;
        }
        if (BLOCK.has(name)) {
          atBlockStart = true;
          if (!capture) flushText();
        }
        if (capture) return;
        if (name === 'h1') capture = { kind: 'h1', text: '', attributes };
        else if (/^h[2-6]$/.test(name)) capture = { kind: 'chapter', text: '', attributes };
        else if (name === 'cite') capture = { kind: 'cite', text: '', attributes };
        else if (name === 'time') capture = { kind: 'time', text: '', attributes };
        else if (!usesCite && atBlockStart && (name === 'b' || name === 'strong'))
          capture = { kind: 'bold', text: '', attributes };
      },
      ontext(data) {
        if (capture?.kind === 'title') {
          capture.text += data;
          return;
        }
        if (hiddenDepth > 0) return;
        if (capture) capture.text += data;
        else pendingText += data;
        if (data.trim()) atBlockStart = false;
      },
      onclosetag(name) {
        if (name === 'title' && capture?.kind === 'title') {
          finishCapture();
          return;
        }
        if (HIDDEN.has(name) && hiddenDepth > 0) {
          hiddenDepth--;
          return;
        }
        if (hiddenDepth > 0) return;
        const closes =
          (capture?.kind === 'h1' && name === 'h1') ||
          (capture?.kind === 'chapter' && /^h[2-6]$/.test(name)) ||
          capture?.kind === name ||
          (capture?.kind === 'bold' && (name === 'b' || name === 'strong'));
        if (closes) finishCapture();
        if (BLOCK.has(name)) {
          atBlockStart = true;
          if (!capture) flushText();
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(text);
  parser.end();
  finishCapture();
  flushText();

  const turns = builder.finish();
  if (turns.length === 0) throw new PodciteError('parse:html', `${options.fileName}: no transcript text in the page`);
  return [buildEpisode({ fileName: options.fileName, turns, title: title ?? firstHeading, chapters })];
}

/** `PT1H2M3.5S` (the `datetime` of a `<time>` holding a duration) to seconds; null otherwise. */
function parseIsoDuration(value: string | undefined): number | null {
  if (!value) return null;
  const match = /^PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?$/i.exec(value.trim());
  if (match && (match[1] || match[2] || match[3])) {
    return Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
  }
  return parseDuration(value);
}
