import { execFile } from 'node:child_process';
import { describe, expect, test } from 'vitest';

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `bin/podcite.js` (what `npx podcite` runs) as a real process. */
function podcite(...argv: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/podcite.js', ...argv],
      { env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('the podcite command', () => {
  test.each([
    [[], 'Usage: podcite <command>'],
    [['--help'], 'Usage: podcite <command>'],
    [['serve', '--help'], 'Usage: podcite serve'],
    [
      ['ingest', '--help'],
      'Usage: npm run ingest -- [PATH | FEED_URL ...] [--refresh] [--remove SHOW_ID] [--rebuild]\n   or: podcite ingest',
    ],
    [['ask', '--help'], 'Usage: npm run ask -- "QUESTION"'],
    [['eval', '-h'], 'Usage: npm run eval -- [QA.jsonl]'],
    [['bench', '--help'], 'usage: npm run bench -- [ingest|query|load|scale|timestamps ...]'],
  ])('%j prints its help', async (argv, start) => {
    const outcome = await podcite(...argv);
    // No command at all is a usage error: the same text, on stderr, exit 2.
    if (argv.length === 0) {
      expect([outcome.code, outcome.stdout, outcome.stderr.startsWith(start)]).toStrictEqual([2, '', true]);
    } else {
      expect([outcome.code, outcome.stdout.startsWith(start), outcome.stderr]).toStrictEqual([0, true, '']);
    }
  });

  test.each([
    [['launch'], 'podcite: unknown command "launch"'],
    [['serve', '--port', '3'], 'Unknown argument: --port'],
    [['ingest', '--bogus'], "Unknown option '--bogus'"],
    [['ask'], 'No question given.'],
    [['eval', 'one.jsonl', 'two.jsonl'], 'Only one QA set may be given (got 2).'],
    [['bench', 'everything'], 'bench: unknown argument "everything"'],
  ])('%j is a usage error: exit 2 and a message on stderr', async (argv, message) => {
    const outcome = await podcite(...argv);
    expect([outcome.code, outcome.stdout, outcome.stderr.includes(message)]).toStrictEqual([2, '', true]);
  });
});
