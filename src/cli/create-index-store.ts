import type { Config } from '../config.js';
import type { IndexStore } from '../store/index-store.js';
import { openLocalIndexStore } from '../store/local-index-store.js';

/**
 * The index store the configuration names: PostgreSQL when DATABASE_URL is set, else the local folder
 * `INDEX_DIR`. The one place that chooses an implementation.
 * @throws PodciteError `unavailable:database` when DATABASE_URL names a database that cannot be reached.
 */
export async function createIndexStore(config: Pick<Config, 'indexDir' | 'databaseUrl'>): Promise<IndexStore> {
  if (config.databaseUrl !== undefined) {
    // Loaded only when asked for: the local store's users never load the PostgreSQL client.
    const { openPostgresIndexStore } = await import('../store/postgres/postgres-index-store.js');
    return openPostgresIndexStore({ url: config.databaseUrl });
  }
  return openLocalIndexStore({ dir: config.indexDir });
}
