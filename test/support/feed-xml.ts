/** One `<item>` of a test feed. */
export interface FeedItem {
  guid?: string;
  title: string;
  description?: string;
  pubDate?: string;
  duration?: string;
  enclosure?: { url: string; type?: string; length?: number };
  transcripts?: { url: string; type: string }[];
  chapters?: string;
  people?: string[];
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** An RSS 2.0 feed with the iTunes and Podcasting 2.0 namespaces, as podcast hosts publish them. */
export function feedXml(show: { title: string; author?: string; image?: string; items: FeedItem[] }): string {
  const items = show.items.map((item) =>
    [
      '<item>',
      `<title>${escapeXml(item.title)}</title>`,
      item.guid ? `<guid isPermaLink="false">${escapeXml(item.guid)}</guid>` : '',
      item.pubDate ? `<pubDate>${item.pubDate}</pubDate>` : '',
      item.duration ? `<itunes:duration>${item.duration}</itunes:duration>` : '',
      item.description ? `<description>${escapeXml(item.description)}</description>` : '',
      item.enclosure
        ? `<enclosure url="${escapeXml(item.enclosure.url)}" type="${item.enclosure.type ?? 'audio/mpeg'}" length="${item.enclosure.length ?? 0}"/>`
        : '',
      ...(item.transcripts ?? []).map(
        (transcript) => `<podcast:transcript url="${escapeXml(transcript.url)}" type="${transcript.type}"/>`,
      ),
      item.chapters ? `<podcast:chapters url="${escapeXml(item.chapters)}" type="application/json+chapters"/>` : '',
      ...(item.people ?? []).map((person) => `<podcast:person>${escapeXml(person)}</podcast:person>`),
      '</item>',
    ].join(''),
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0">',
    '<channel>',
    `<title>${escapeXml(show.title)}</title>`,
    show.author ? `<itunes:author>${escapeXml(show.author)}</itunes:author>` : '',
    show.image ? `<itunes:image href="${escapeXml(show.image)}"/>` : '',
    ...items,
    '</channel>',
    '</rss>',
  ].join('\n');
}

/** A WebVTT transcript: one cue per line, `step` seconds apart, speakers taking turns. */
export function vttTranscript(lines: string[], options: { speakers?: string[]; step?: number } = {}): string {
  const speakers = options.speakers ?? ['Alice', 'Bob'];
  const step = options.step ?? 5;
  const clock = (seconds: number) =>
    `${String(Math.floor(seconds / 3600)).padStart(2, '0')}:${String(Math.floor(seconds / 60) % 60).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}.000`;
  const cues = lines.map(
    (line, index) =>
      `${clock(index * step)} --> ${clock(index * step + step - 1)}\n<v ${speakers[index % speakers.length]}>${line}`,
  );
  return `WEBVTT\n\n${cues.join('\n\n')}\n`;
}
