/**
 * A leading `Name:` that names the speaker: one to four words starting with a letter, an optional
 * `(Role)`, then a colon and a space (or the end of the line). Subtitle dashes (`- `) and
 * broadcast chevrons (`>> `) before the name are allowed.
 */
const SPEAKER_PREFIX =
  /^(?:-\s*|>>\s*)?(\p{L}[\p{L}\p{N}'’.&-]*(?: \p{L}[\p{L}\p{N}'’.&-]*){0,3})(?:\s*\(([^()]{1,30})\))?:(?:\s+|$)/u;

/** Lower-case particles allowed inside a multi-word name ("Ludwig van Beethoven"). */
const NAME_PARTICLES = new Set([
  'de',
  'del',
  'della',
  'der',
  'di',
  'da',
  'du',
  'van',
  'von',
  'la',
  'le',
  'bin',
  'al',
  'dos',
]);

/** Words that are followed by a colon in speech far more often than they name a speaker. */
const NOT_SPEAKERS = new Set(['note', 'http', 'https', 'warning', 'update', 'edit', 'ps', 'tip', 'step', 'example']);

export interface SpeakerPrefix {
  speaker: string;
  role: string | undefined;
  /** The line after the prefix. */
  text: string;
}

/** Splits `Name: text` (also `Name (Host): text`) into its parts; null when the line has no such prefix. */
export function splitSpeakerPrefix(line: string): SpeakerPrefix | null {
  const match = SPEAKER_PREFIX.exec(line);
  if (!match) return null;
  const speaker = match[1] ?? '';
  if (speaker.length > 40 || NOT_SPEAKERS.has(speaker.toLowerCase())) return null;
  // "and he said: yes" is speech, not a speaker; one-word handles ("swyx:") may be lower case.
  const words = speaker.split(' ');
  if (
    words.length > 1 &&
    !words.every((word, index) => /^\p{Lu}/u.test(word) || (index > 0 && NAME_PARTICLES.has(word)))
  )
    return null;
  return { speaker, role: match[2]?.trim() || undefined, text: line.slice(match[0].length) };
}
