import type { Worker } from 'node:worker_threads';
import { PodciteError } from '../errors.js';
import { siblingModule, spawnWorker } from '../util/spawn-worker.js';

/** Message from the pool to a worker: embed these texts. */
export interface WorkerRequest {
  id: number;
  texts: string[];
  batchSize: number;
}

/** Message from a worker: `vectors` holds `texts.length × dimension` floats back to back, or `error` says why not. */
export type WorkerReply = { id: number; vectors: Float32Array; error?: undefined } | { id: number; error: string };

interface Task {
  id: number;
  texts: string[];
  resolve: (vectors: Float32Array) => void;
  reject: (error: Error) => void;
}

interface PoolWorker {
  worker: Worker;
  task: Task | undefined;
}

/**
 * Spreads embedding batches over worker threads, each holding its own copy of the model (~250 MB).
 * Workers start on the first call and hold the event loop open only while they have work, so a
 * caller that forgets `close()` does not hang the process.
 */
export class EmbeddingWorkerPool {
  readonly size: number;
  private readonly batchSize: number;
  private readonly dimension: number;
  private readonly workerUrl: URL;
  private workers: PoolWorker[] = [];
  private queue: Task[] = [];
  private nextId = 0;
  private closed = false;

  /**
   * @param options.size number of worker threads (≥ 1).
   * @param options.dimension floats per vector in the workers' replies.
   * @param options.batchSize texts per message; also the model's batch (default 16, which keeps wasm memory ~250 MB).
   * @param options.workerUrl worker entry; defaults to `embedding-worker` beside this file.
   */
  constructor(options: { size: number; dimension: number; batchSize?: number; workerUrl?: URL }) {
    if (!Number.isInteger(options.size) || options.size < 1) {
      throw new PodciteError('internal:embeddings', `A worker pool needs at least one worker (got ${options.size}).`);
    }
    this.size = options.size;
    this.dimension = options.dimension;
    this.batchSize = options.batchSize ?? 16;
    this.workerUrl = options.workerUrl ?? siblingModule('embedding-worker', import.meta.url);
  }

  /** Embeds texts in the workers; vectors come back in input order. */
  async embed(texts: string[]): Promise<number[][]> {
    if (this.closed) throw new PodciteError('internal:embeddings', 'The embedding worker pool is closed.');
    if (texts.length === 0) return [];
    if (this.workers.length === 0) this.start();
    // Texts of similar length share a batch: a batch costs as much as its longest text times its size.
    const order = texts.map((_, position) => position).sort((a, b) => texts[a]!.length - texts[b]!.length);
    const batches: { positions: number[]; result: Promise<Float32Array> }[] = [];
    for (let start = 0; start < order.length; start += this.batchSize) {
      const positions = order.slice(start, start + this.batchSize);
      const batchTexts = positions.map((position) => texts[position]!);
      const result = new Promise<Float32Array>((resolve, reject) => {
        this.queue.push({ id: this.nextId++, texts: batchTexts, resolve, reject });
      });
      batches.push({ positions, result });
    }
    this.dispatch();
    const vectors = new Array<number[]>(texts.length);
    const results = await Promise.all(batches.map((batch) => batch.result));
    batches.forEach(({ positions }, index) => {
      const flat = results[index]!;
      positions.forEach((position, row) => {
        vectors[position] = Array.from(flat.subarray(row * this.dimension, (row + 1) * this.dimension));
      });
    });
    return vectors;
  }

  /**
   * Starts the workers and has each load its model, the first alone before the others start: loading
   * costs each worker about a second of CPU, and on two cores the server is busy too, so the first
   * question waits for one loaded worker rather than for all of them loading at once.
   */
  async warmUp(): Promise<void> {
    if (this.closed) throw new PodciteError('internal:embeddings', 'The embedding worker pool is closed.');
    if (this.workers.length === 0) this.start(1);
    await Promise.all(this.workers.map((entry) => this.warm(entry)));
    // Closed while the first worker loaded (a server stopped during start-up): start nothing more.
    if (this.closed) return;
    const started = this.start();
    await Promise.all(started.map((entry) => this.warm(entry)));
  }

  /** A tiny task sent straight to `entry` (not through the queue, which any idle worker may take). */
  private warm(entry: PoolWorker): Promise<Float32Array> {
    return new Promise<Float32Array>((resolve, reject) => {
      const task: Task = { id: this.nextId++, texts: ['warm up'], resolve, reject };
      if (entry.task) this.queue.unshift(task);
      else this.assign(entry, task);
    });
  }

  /** Stops every worker; pending calls fail. Safe to call more than once. */
  async close(): Promise<void> {
    this.closed = true;
    this.failAll(new PodciteError('internal:embeddings', 'The embedding worker pool was closed.'));
    await this.stopWorkers();
  }

  /** Spawns workers up to `count` (default: the pool's size) and returns the new ones. */
  private start(count = this.size): PoolWorker[] {
    const started: PoolWorker[] = [];
    while (this.workers.length < count) {
      const worker = spawnWorker(this.workerUrl);
      const entry: PoolWorker = { worker, task: undefined };
      worker.unref();
      worker.on('message', (reply: WorkerReply) => this.onReply(entry, reply));
      worker.on('error', (error) => this.onCrash(error));
      worker.on('exit', (code) => {
        if (!this.closed && this.workers.includes(entry)) {
          this.onCrash(new Error(`an embedding worker exited with code ${code}`));
        }
      });
      this.workers.push(entry);
      started.push(entry);
    }
    return started;
  }

  private dispatch(): void {
    for (const entry of this.workers) {
      if (entry.task) continue;
      const task = this.queue.shift();
      if (!task) return;
      this.assign(entry, task);
    }
  }

  private assign(entry: PoolWorker, task: Task): void {
    entry.task = task;
    entry.worker.ref();
    const request: WorkerRequest = { id: task.id, texts: task.texts, batchSize: this.batchSize };
    entry.worker.postMessage(request);
  }

  private onReply(entry: PoolWorker, reply: WorkerReply): void {
    const task = entry.task;
    if (!task || task.id !== reply.id) return;
    entry.task = undefined;
    entry.worker.unref();
    if (reply.error !== undefined) {
      task.reject(new PodciteError('unavailable:embeddings', `Embedding failed in a worker: ${reply.error}`));
    } else {
      task.resolve(reply.vectors);
    }
    this.dispatch();
  }

  private onCrash(error: Error): void {
    // One crashed worker fails the whole call: its batch is lost and a partial result is useless.
    // The next call starts fresh workers.
    this.failAll(
      new PodciteError('unavailable:embeddings', `An embedding worker failed: ${error.message}`, { cause: error }),
    );
    void this.stopWorkers();
  }

  private failAll(error: Error): void {
    const tasks = [...this.queue, ...this.workers.flatMap((entry) => (entry.task ? [entry.task] : []))];
    this.queue = [];
    for (const entry of this.workers) entry.task = undefined;
    for (const task of tasks) task.reject(error);
  }

  private async stopWorkers(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((entry) => entry.worker.terminate()));
  }
}
