import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

const cacheEntrySchema = z.object({
  key: z.string(),
  text: z.string(),
  etag: z.string().nullable(),
  lastModified: z.string().nullable(),
});
/** A transcript kept on disk: a fetched body with its validators, or the WebVTT of a transcription. */
export type CacheEntry = z.infer<typeof cacheEntrySchema>;

/** Where the cache of an index lives: beside it, so a rebuild or a swap of the index keeps it. */
export function transcriptCacheDir(indexDir: string): string {
  return `${indexDir}.cache`;
}

/**
 * Transcripts podcite has paid for once: bodies fetched from a feed's transcript URLs (revalidated
 * with their ETag/Last-Modified, so an unchanged one costs a 304) and transcriptions of audio (never
 * asked for again). One JSON file per key, written whole then renamed, so a crash leaves no half entry.
 */
export class TranscriptCache {
  constructor(readonly dir: string) {}

  /** The entry for `key`, or undefined when absent or unreadable (a damaged entry is simply refetched). */
  async read(key: string): Promise<CacheEntry | undefined> {
    try {
      const parsed = cacheEntrySchema.safeParse(JSON.parse(await readFile(this.fileOf(key), 'utf8')));
      return parsed.success && parsed.data.key === key ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  async write(entry: CacheEntry): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file = this.fileOf(entry.key);
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(entry));
    await rename(temporary, file);
  }

  private fileOf(key: string): string {
    return path.join(this.dir, `${createHash('sha256').update(key).digest('hex')}.json`);
  }
}
