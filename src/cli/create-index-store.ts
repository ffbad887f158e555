import type { Config } from '../config.js';
import type { IndexStore } from '../store/index-store.js';
import { openLocalIndexStore } from '../store/local-index-store.js';

/**
 * The index store the configuration names: today always the local folder `INDEX_DIR`. The one place
 * that chooses an implementation, so another store (a database) is added here and nowhere else.
 */
export async function createIndexStore(config: Pick<Config, 'indexDir'>): Promise<IndexStore> {
  return openLocalIndexStore({ dir: config.indexDir });
}
