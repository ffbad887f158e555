import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Static imports and re-exports (`… from '…'`, `import '…'`) and dynamic `import('…')` of a module's text. */
function importsOf(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\bfrom\s+['"]([^'"]+)['"]/g,
    /\bimport\s+['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) found.push(match[1]!);
  return found;
}

/** Every TypeScript file under `folder`, relative to the repository root with `/` separators. */
async function sourceFiles(folder: string): Promise<string[]> {
  const entries = await readdir(path.join(root, folder), { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
}

/**
 * The imports that break the layering: `src/` (index on disk → answers) must not reach into `ingest/`
 * (files → index), except the composition layer `src/cli/`, which runs an ingest; nothing imports `test/`.
 * `files` maps a repository-relative path to its text.
 */
function violations(files: ReadonlyMap<string, string>): string[] {
  const found: string[] = [];
  for (const [file, text] of files) {
    for (const specifier of importsOf(text)) {
      if (!specifier.startsWith('.')) continue;
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
      const fromSrc = file.startsWith('src/') && !file.startsWith('src/cli/');
      if (fromSrc && target.startsWith('ingest/')) found.push(`${file} imports ${target}`);
      if (target.startsWith('test/')) found.push(`${file} imports ${target}`);
    }
  }
  return found;
}

describe('import graph', () => {
  test('no file under src/ outside src/cli imports ingest/, and nothing imports test/', async () => {
    const files = new Map<string, string>();
    for (const file of [...(await sourceFiles('src')), ...(await sourceFiles('ingest'))]) {
      files.set(file, await readFile(path.join(root, file), 'utf8'));
    }
    // The walk saw the tree: the store, the composition layer and the ingest are all in it.
    expect(files.has('src/store/index-store.ts')).toBe(true);
    expect(files.has('src/cli/compose.ts')).toBe(true);
    expect(files.has('ingest/ingest-paths.ts')).toBe(true);
    expect(violations(files)).toStrictEqual([]);
  });

  test.each([
    [
      'src/store/x.ts',
      "import { ingestPaths } from '../../ingest/ingest-paths.js';",
      ['src/store/x.ts imports ingest/ingest-paths.js'],
    ],
    ['src/answer/x.ts', "export { a } from '../../ingest/a.js';", ['src/answer/x.ts imports ingest/a.js']],
    ['src/http/x.ts', "const m = await import('../../ingest/cli.js');", ['src/http/x.ts imports ingest/cli.js']],
    ['src/x.ts', "import '../ingest/side-effect.js';", ['src/x.ts imports ingest/side-effect.js']],
    ['ingest/x.ts', "import { f } from '../test/support/f.js';", ['ingest/x.ts imports test/support/f.js']],
    ['src/cli/x.ts', "import { ingestPaths } from '../../ingest/ingest-paths.js';", []],
    ['ingest/x.ts', "import { loadIndex } from '../src/store/load-index.js';", []],
    ['src/store/x.ts', "import { z } from 'zod';", []],
  ])('%s: %s', (file, text, expected) => {
    expect(violations(new Map([[file, text]]))).toStrictEqual(expected);
  });
});
