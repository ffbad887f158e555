import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * The module `name` (without extension) beside `importMetaUrl`, with the caller's own extension: `.ts`
 * when podcite runs from its sources (tsx, vitest), `.js` once compiled. A worker entry named with a
 * fixed `.ts` would not exist in built output.
 */
export function siblingModule(name: string, importMetaUrl: string): URL {
  const extension = path.extname(new URL(importMetaUrl).pathname) || '.js';
  return new URL(`./${name}${extension}`, importMetaUrl);
}

/**
 * Starts a worker thread on `entry`, a TypeScript or JavaScript module. Node 20 does not apply the
 * parent's module hooks to a worker's entry (even with `--import tsx` in `execArgv`), so for a `.ts`
 * entry the worker registers tsx itself before importing it; a `.js` entry starts as it is.
 * `options` are `Worker`'s (`workerData`, `name`, `resourceLimits`, …).
 */
export function spawnWorker(entry: URL, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
  // tsx's package exports map `tsx/esm/api` to a CommonJS file under `require`; the ESM twin sits beside the loader.
  const loaderPath = createRequire(import.meta.url).resolve('tsx');
  const tsxApi = new URL('./esm/api/index.mjs', pathToFileURL(loaderPath)).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
