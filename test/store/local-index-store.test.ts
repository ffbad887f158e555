import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openLocalIndexStore } from '../../src/store/local-index-store.js';
import { describeIndexStore } from './index-store-contract.js';

describeIndexStore('local folder', async () => {
  const parent = await mkdtemp(path.join(tmpdir(), 'podcite-store-'));
  const dir = path.join(parent, 'index');
  const store = openLocalIndexStore({ dir });
  return {
    store,
    openAnother: async () => openLocalIndexStore({ dir }),
    dispose: async () => {
      await store.close();
      await rm(parent, { recursive: true, force: true });
    },
  };
});
