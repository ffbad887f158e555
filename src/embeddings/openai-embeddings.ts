import OpenAI from 'openai';
import { PodciteError } from '../errors.js';
import { PodciteEmbeddings } from './podcite-embeddings.js';

/** Output widths of OpenAI's embedding models, so an index can be checked before the first request. */
const KNOWN_DIMENSIONS: Record<string, number> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

/** Inputs per request; OpenAI accepts 2048, but smaller requests fail and retry more cheaply. */
const BATCH_SIZE = 128;

/**
 * Embeddings from any OpenAI-protocol server (`EMBEDDINGS=openai`): OpenAI itself, Ollama, vLLM,
 * llama.cpp. Vendor errors surface as `PodciteError('unavailable:embeddings')` with the cause kept.
 */
export class OpenAIEmbeddings extends PodciteEmbeddings {
  readonly id: string;
  private readonly client: OpenAI;
  private readonly model: string;
  private discoveredDimension: number | undefined;

  /**
   * @param options.baseURL OpenAI-compatible endpoint ending in `/v1`; OpenAI's when unset.
   * @param options.timeoutMs per-request timeout (default 60 000).
   * @param options.queryCacheSize question vectors to remember (repeats cost no request; 0 turns it off).
   */
  constructor(options: {
    apiKey: string;
    baseURL?: string | undefined;
    model: string;
    timeoutMs?: number;
    queryCacheSize?: number | undefined;
  }) {
    // Four requests in flight at most; the SDK retries transient failures itself, LangChain's caller must not repeat them.
    super({ maxConcurrency: 4, maxRetries: 0, queryCacheSize: options.queryCacheSize });
    this.model = options.model;
    this.id = `openai:${options.model}`;
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      timeout: options.timeoutMs ?? 60_000,
      maxRetries: 2,
    });
  }

  /** Vector length: from the first response, else the known table; 0 while unknown (a model outside the table, before any call). */
  get dimension(): number {
    return this.discoveredDimension ?? KNOWN_DIMENSIONS[this.model] ?? 0;
  }

  override async embedDocuments(documents: string[]): Promise<number[][]> {
    const batches: Promise<number[][]>[] = [];
    for (let start = 0; start < documents.length; start += BATCH_SIZE) {
      const batch = documents.slice(start, start + BATCH_SIZE);
      batches.push(this.caller.call(() => this.request(batch)));
    }
    return (await Promise.all(batches)).flat();
  }

  override embedQuery(document: string): Promise<number[]> {
    return this.cachedQuery(document, async (text) => {
      const [vector] = await this.request([text]);
      return vector!;
    });
  }

  private async request(input: string[]): Promise<number[][]> {
    let response: OpenAI.Embeddings.CreateEmbeddingResponse;
    try {
      // 'float' explicitly: the SDK otherwise asks for base64 and mis-decodes servers that answer with arrays.
      response = await this.client.embeddings.create({ model: this.model, input, encoding_format: 'float' });
    } catch (error) {
      throw new PodciteError(
        'unavailable:embeddings',
        `The embeddings server failed (${this.model}): ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    const data = [...response.data].sort((a, b) => a.index - b.index);
    if (data.length !== input.length) {
      throw new PodciteError(
        'unavailable:embeddings',
        `The embeddings server returned ${data.length} vectors for ${input.length} inputs (${this.model}).`,
      );
    }
    const vectors = data.map((item) => item.embedding);
    const width = vectors[0]?.length;
    if (width !== undefined) {
      if (this.discoveredDimension !== undefined && width !== this.discoveredDimension) {
        throw new PodciteError(
          'unavailable:embeddings',
          `The embeddings server changed vector length from ${this.discoveredDimension} to ${width} (${this.model}).`,
        );
      }
      this.discoveredDimension = width;
    }
    return vectors;
  }
}
