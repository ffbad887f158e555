import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { collectFiles } from '../../ingest/collect-files.js';
import { PodciteError } from '../../src/errors.js';

const fixtures = path.relative(process.cwd(), fileURLToPath(new URL('../fixtures/formats', import.meta.url)));

describe('collectFiles', () => {
  test('expands the fixtures folder: recursive, sorted, no hidden, sidecar or chapters files', async () => {
    expect(await collectFiles([fixtures])).toStrictEqual(
      [
        'debate.srt',
        'feed.xml',
        'interview.vtt',
        'nested/tunnel.txt',
        'notes.md',
        'page.html',
        // words.json has no transcript of the same stem beside it, so it is a transcript itself.
        'words.json',
      ].map((name) => path.join(fixtures, name)),
    );
  });

  describe('in a scratch folder', () => {
    let directory: string;
    beforeAll(async () => {
      directory = await mkdtemp(path.join(tmpdir(), 'podcite-collect-'));
      await mkdir(path.join(directory, 'node_modules'));
      await mkdir(path.join(directory, '.git'));
      for (const name of [
        'ep-10.md',
        'ep-2.md',
        'ep-2.json',
        'ep-2.chapters.json',
        'cover.png',
        'README',
        'README.md',
        'SOURCE.txt',
        'node_modules/x.md',
        '.git/y.md',
      ]) {
        await writeFile(path.join(directory, name), 'x');
      }
    });
    afterAll(async () => {
      await rm(directory, { recursive: true, force: true });
    });

    test('numbers sort in numeric order; unsupported files, folder documents and dependency folders are skipped', async () => {
      expect(await collectFiles([directory])).toStrictEqual([
        path.join(directory, 'ep-2.md'),
        path.join(directory, 'ep-10.md'),
      ]);
    });

    test('a file named directly is kept whatever its extension; duplicates are dropped in first order', async () => {
      const readme = path.join(directory, 'README');
      expect(await collectFiles([readme, directory, path.join(directory, 'ep-10.md')])).toStrictEqual([
        readme,
        path.join(directory, 'ep-2.md'),
        path.join(directory, 'ep-10.md'),
      ]);
    });

    test('symbolic links are followed to files and folders, but not round a loop or when broken', async () => {
      const linked = await mkdtemp(path.join(tmpdir(), 'podcite-collect-links-'));
      try {
        await mkdir(path.join(linked, 'season-1'));
        await writeFile(path.join(linked, 'season-1', 'ep-1.srt'), 'x');
        await mkdir(path.join(linked, 'library'));
        await symlink(path.join(linked, 'season-1'), path.join(linked, 'library', 'season-1'));
        await symlink(path.join(directory, 'ep-2.md'), path.join(linked, 'library', 'ep-2-link.md'));
        await symlink(path.join(linked, 'library'), path.join(linked, 'library', 'loop'));
        await symlink(path.join(linked, 'gone.vtt'), path.join(linked, 'library', 'broken.vtt'));
        await symlink(path.join(linked, 'season-1'), path.join(linked, 'library', 'same-season'));
        // Two links to season 1, and the linked file named again, are the same files: each is read once,
        // under the first path found (folder entries go in name order: same-season before season-1).
        expect(await collectFiles([path.join(linked, 'library'), path.join(directory, 'ep-2.md')])).toStrictEqual([
          path.join(linked, 'library', 'ep-2-link.md'),
          path.join(linked, 'library', 'same-season', 'ep-1.srt'),
        ]);
      } finally {
        await rm(linked, { recursive: true, force: true });
      }
    });

    test('a path that does not exist is a not_found error', async () => {
      const missing = path.join(directory, 'nope');
      await expect(collectFiles([missing])).rejects.toThrow(PodciteError);
      await expect(collectFiles([missing])).rejects.toThrow(`${missing}: no such file or folder`);
    });
  });
});
