/**
 * Groups questions that arrive while the embedder is busy into one model call, in arrival order. A
 * call has a fixed cost (tensor set-up, op dispatch: a 1-word question takes ~2 ms with the direct pass) on
 * top of the arithmetic per token, so under load a batch of ~13-word questions costs ~6.7 ms each
 * against ~9–15 ms one at a time. A question that finds a free slot starts at once: batching adds no
 * wait when the server is idle.
 */
export class QueryBatcher {
  private readonly embedBatch: (texts: string[]) => Promise<number[][]>;
  private readonly maxBatch: number;
  private readonly concurrency: number;
  private waiting: Array<{ text: string; resolve: (vector: number[]) => void; reject: (error: unknown) => void }> = [];
  private running = 0;

  /**
   * @param options.embedBatch embeds texts, vectors in input order.
   * @param options.maxBatch most questions per call (default 16).
   * @param options.concurrency calls allowed at once, e.g. the number of embedding workers (default 1).
   */
  constructor(options: {
    embedBatch: (texts: string[]) => Promise<number[][]>;
    maxBatch?: number | undefined;
    concurrency?: number | undefined;
  }) {
    this.embedBatch = options.embedBatch;
    this.maxBatch = Math.max(1, options.maxBatch ?? 16);
    this.concurrency = Math.max(1, options.concurrency ?? 1);
  }

  /** The vector of one question, computed in the next call that has room for it. */
  embed(text: string): Promise<number[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ text, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.concurrency && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch);
      // The same question asked twice at once is embedded once.
      const texts = [...new Set(batch.map((entry) => entry.text))];
      this.running++;
      this.embedBatch(texts)
        .then(
          (vectors) => {
            const byText = new Map(texts.map((text, position) => [text, vectors[position]]));
            for (const entry of batch) {
              const vector = byText.get(entry.text);
              if (vector) entry.resolve(vector);
              else
                entry.reject(new Error(`The embedder returned ${vectors.length} vectors for ${texts.length} texts.`));
            }
          },
          (error: unknown) => {
            for (const entry of batch) entry.reject(error);
          },
        )
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
  }
}
