import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // The embedder and Chromium are heavy; two cores are all this machine has.
    maxWorkers: 2,
  },
});
