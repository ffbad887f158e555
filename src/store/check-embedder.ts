import { PodciteError } from '../errors.js';
import type { IndexManifest } from './index-store.js';
import { REBUILD_HINT } from './read-index-files.js';

/**
 * Throws unless vectors from `embedder` can be compared with the index's: same embedder id and, when
 * the embedder knows it, the same dimension.
 * @param location where the index lives, named in the message (`IndexStore.location`).
 * @throws PodciteError `index:embedder_mismatch`, naming the rebuild command and the `EMBEDDINGS` value
 *   the index was built with.
 */
export function checkEmbedder(
  manifest: Pick<IndexManifest, 'embedder' | 'dimension'>,
  embedder: { id: string; dimension: number },
  location: string,
): void {
  if (manifest.embedder !== embedder.id) {
    throw new PodciteError(
      'index:embedder_mismatch',
      `The index at ${location} was built with the embedder "${manifest.embedder}", but the current embedder is "${embedder.id}"; their vectors cannot be compared. ${REBUILD_HINT} Or set EMBEDDINGS back to the embedder the index was built with${settingFor(manifest.embedder)}.`,
    );
  }
  // 0 means an OpenAI-protocol model whose width is not known until its first response.
  if (embedder.dimension !== 0 && embedder.dimension !== manifest.dimension) {
    throw new PodciteError(
      'index:embedder_mismatch',
      `The index at ${location} holds ${manifest.dimension}-dimensional vectors, but "${embedder.id}" makes ${embedder.dimension}-dimensional ones. ${REBUILD_HINT}`,
    );
  }
}

/** The `EMBEDDINGS` value that selects an embedder id, said in the mismatch message when it is one of ours. */
function settingFor(embedderId: string): string {
  if (embedderId === 'local:use-lite') return ' (EMBEDDINGS=use-lite)';
  if (embedderId.startsWith('local:use-lite-static-')) return ' (EMBEDDINGS=local)';
  if (embedderId.startsWith('openai:')) return ' (EMBEDDINGS=openai)';
  return '';
}
