import { describe, expect, test } from 'vitest';
import { createProgressReporter } from '../../ingest/progress-reporter.js';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return {
    writes,
    stream: Object.assign(
      {
        write: (chunk: string) => {
          writes.push(chunk);
          return true;
        },
      } as unknown as NodeJS.WritableStream,
      { isTTY },
    ),
  };
}

describe('createProgressReporter', () => {
  test('without a TTY: plain lines at each tenth, with rate and ETA', () => {
    const { stream, writes } = fakeStream(false);
    let time = 0;
    const reporter = createProgressReporter(stream, { now: () => time });
    reporter.onProgress({ phase: 'parse', filesDone: 0, filesTotal: 2, file: 'a.vtt' });
    reporter.onProgress({ phase: 'parse', filesDone: 1, filesTotal: 2, file: 'b.vtt' });
    reporter.onProgress({ phase: 'embed', chunksDone: 0, chunksTotal: 100, episodesDone: 0, episodesTotal: 2 });
    time = 1000;
    reporter.onProgress({ phase: 'embed', chunksDone: 5, chunksTotal: 100, episodesDone: 0, episodesTotal: 2 });
    time = 2000;
    reporter.onProgress({ phase: 'embed', chunksDone: 20, chunksTotal: 100, episodesDone: 0, episodesTotal: 2 });
    time = 10_000;
    reporter.onProgress({ phase: 'embed', chunksDone: 100, chunksTotal: 100, episodesDone: 2, episodesTotal: 2 });
    reporter.onProgress({ phase: 'write', chunks: 100, episodes: 2 });
    reporter.finish();
    expect(writes).toStrictEqual([
      'Reading 2 files…\n',
      'Embedding 0%: 0/100 chunks · 0/2 episodes · 0.0 chunks/s · ETA –\n',
      'Embedding 20%: 20/100 chunks · 0/2 episodes · 10.0 chunks/s · ETA 0:08\n',
      'Embedding 100%: 100/100 chunks · 2/2 episodes · 10.0 chunks/s · ETA 0:00\n',
      'Writing the index: 2 episodes, 100 chunks…\n',
    ]);
  });

  test('on a TTY: one redrawn line with a bar, ended by finish()', () => {
    const { stream, writes } = fakeStream(true);
    let time = 1000;
    const reporter = createProgressReporter(stream, { now: () => time });
    reporter.onProgress({ phase: 'embed', chunksDone: 0, chunksTotal: 4, episodesDone: 0, episodesTotal: 1 });
    time = 1050;
    reporter.onProgress({ phase: 'embed', chunksDone: 1, chunksTotal: 4, episodesDone: 0, episodesTotal: 1 });
    time = 3000;
    reporter.onProgress({ phase: 'embed', chunksDone: 4, chunksTotal: 4, episodesDone: 1, episodesTotal: 1 });
    reporter.finish();
    expect(writes).toStrictEqual([
      `\r\x1b[2KEmbedding ${'░'.repeat(24)} 0/4 chunks · 0/1 episodes · 0.0 chunks/s · ETA –`,
      `\r\x1b[2KEmbedding ${'█'.repeat(24)} 4/4 chunks · 1/1 episodes · 2.0 chunks/s · ETA 0:00`,
      '\n',
    ]);
  });
});
