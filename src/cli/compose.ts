/**
 * The composition root: config → store → embeddings → index (with its tables) → retriever → answerer.
 * `serve`, `ask` and `eval` build their parts here, so each part is chosen in one place.
 */
import { createAnswerer } from '../answer/create-answerer.js';
import { loadPrompts, type Prompts } from '../answer/load-prompts.js';
import type { Config } from '../config.js';
import type { Answerer, Retriever } from '../domain.js';
import { createEmbeddings } from '../embeddings/create-embeddings.js';
import type { PodciteEmbeddings } from '../embeddings/podcite-embeddings.js';
import { createRetriever, type HybridRetriever } from '../retrieval/create-retriever.js';
import type { IndexStore } from '../store/index-store.js';
import { buildIndexTables, type IndexTables } from '../tables/index-tables.js';
import { createIndexStore } from './create-index-store.js';
import { ensureIndex } from './ensure-index.js';

/** Everything that answers questions from one index. */
export interface Composition {
  store: IndexStore;
  embeddings: PodciteEmbeddings;
  index: IndexTables;
  retriever: HybridRetriever;
  answerer: Answerer;
  /** Releases the embedder and the store. */
  close(): Promise<void>;
}

/**
 * Opens the configured store, loads its index (ingesting the bundled sample first when there is
 * none, see `ensureIndex`) and builds the index's tables.
 * @param options.store default `createIndexStore(config)`.
 * @param options.log status lines (default: stderr).
 */
export async function composeIndex(options: {
  config: Config;
  embeddings: PodciteEmbeddings;
  store?: IndexStore | undefined;
  log?: ((message: string) => void) | undefined;
}): Promise<{ store: IndexStore; index: IndexTables }> {
  const store = options.store ?? (await createIndexStore(options.config));
  const loaded = await ensureIndex({ config: options.config, store, embeddings: options.embeddings, log: options.log });
  return { store, index: buildIndexTables(loaded) };
}

/**
 * The retriever and the answerer the configuration asks for over `index`; `wrapRetriever` decorates
 * the retriever the answerer uses (the server's cache and timing).
 */
export function composeAnswering(options: {
  config: Pick<Config, 'llm'>;
  index: IndexTables;
  embeddings: PodciteEmbeddings;
  prompts: Prompts;
  wrapRetriever?: ((retriever: HybridRetriever) => Retriever) | undefined;
}): { retriever: Retriever; answerer: Answerer } {
  const hybrid = createRetriever({ index: options.index, embeddings: options.embeddings });
  const retriever = options.wrapRetriever ? options.wrapRetriever(hybrid) : hybrid;
  const answerer = createAnswerer({
    config: options.config,
    retriever,
    index: options.index,
    prompts: options.prompts,
  });
  return { retriever, answerer };
}

/**
 * The whole chain for a one-shot command (`ask`): the configured embedder (in this thread), store,
 * index and tables, hybrid retriever and answerer.
 */
export async function compose(
  config: Config,
  options: {
    embeddings?: PodciteEmbeddings | undefined;
    log?: ((message: string) => void) | undefined;
  } = {},
): Promise<Composition> {
  const embeddings = options.embeddings ?? createEmbeddings(config);
  try {
    const { store, index } = await composeIndex({ config, embeddings, log: options.log });
    const retriever = createRetriever({ index, embeddings });
    const answerer = createAnswerer({ config, retriever, index, prompts: loadPrompts() });
    return {
      store,
      embeddings,
      index,
      retriever,
      answerer,
      async close() {
        await embeddings.close();
        await store.close();
      },
    };
  } catch (error) {
    await embeddings.close().catch(() => undefined);
    throw error;
  }
}
