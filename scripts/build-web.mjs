/**
 * Bundles the chat page: web/src/main.ts → web/dist/app.js (minified, with a source map).
 * Runs on `npm install` (prepare) and `npm start`, so it must work offline: esbuild ships its
 * binary inside the npm package and needs nothing else.
 * `--watch` rebuilds on change (for working on the page).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const buildOptions = {
  absWorkingDir: root,
  entryPoints: ['web/src/main.ts'],
  outfile: 'web/dist/app.js',
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'esm',
  // Browsers of the last two years; `light-dark()` in styles.css sets the same floor.
  target: ['chrome115', 'firefox120', 'safari17'],
  platform: 'browser',
  legalComments: 'linked',
  logLevel: 'warning',
};

try {
  if (watch) {
    const context = await esbuild.context(buildOptions);
    await context.watch();
    console.error('build-web: watching web/src for changes');
  } else {
    const result = await esbuild.build({ ...buildOptions, metafile: true });
    const bytes = result.metafile.outputs['web/dist/app.js']?.bytes ?? 0;
    console.error(`build-web: web/dist/app.js (${(bytes / 1024).toFixed(1)} KiB)`);
  }
} catch (error) {
  // esbuild has already printed the located diagnostics; exit non-zero so `npm start` stops.
  console.error('build-web: the chat page failed to build', error instanceof Error ? error.message : error);
  process.exit(1);
}
