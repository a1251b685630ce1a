import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ExtractionOutput, ExtractOptions } from '../extract-in-process.js';
import type { ExtractionResult } from '../types.js';
import { ExtractionError, type ExtractionErrorCode } from './extraction-error.js';

export interface PoolOptions {
  /** Worker threads; default: cores - 1, at least 1. */
  size?: number;
  /** Per-job wall-clock limit; the worker is terminated when it is exceeded. */
  timeoutMs?: number;
  /** Per-worker V8 heap limit (resourceLimits.maxOldGenerationSizeMb). */
  maxHeapMb?: number;
}

interface Pending {
  bytes: Uint8Array;
  options: ExtractOptions;
  resolve: (r: ExtractionOutput) => void;
  reject: (e: ExtractionError) => void;
}

interface Slot {
  worker: Worker;
  job?: Pending & { id: number; timer: NodeJS.Timeout };
}

const workerUrl = new URL('./worker-bootstrap.mjs', import.meta.url);

/**
 * Worker-thread pool for extraction. A job that times out, exhausts its heap or crashes its thread
 * fails alone with a stable code; the thread is replaced and the process carries on. The server
 * holds one pool for its lifetime.
 */
export class ExtractionPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;
  private readonly timeoutMs: number;
  private readonly maxHeapMb: number;

  constructor(opts: PoolOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.maxHeapMb = opts.maxHeapMb ?? 512;
    const size = opts.size ?? Math.max(1, availableParallelism() - 1);
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  async extract(bytes: Uint8Array, options: ExtractOptions = {}): Promise<ExtractionResult> {
    return (await this.extractWithText(bytes, options)).result;
  }

  /** The result and the document's plain text (reading order, pages split by form feeds). */
  extractWithText(bytes: Uint8Array, options: ExtractOptions = {}): Promise<ExtractionOutput> {
    if (this.closed) return Promise.reject(new ExtractionError('pool_closed', 'the extraction pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ bytes, options, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new ExtractionError('pool_closed', 'the extraction pool is closed'));
    await Promise.all(
      this.slots.map(async (s) => {
        if (s.job) {
          clearTimeout(s.job.timer);
          s.job.reject(new ExtractionError('pool_closed', 'the extraction pool is closed'));
          s.job = undefined;
        }
        await s.worker.terminate();
      }),
    );
  }

  private spawn(): Slot {
    const worker = new Worker(workerUrl, {
      resourceLimits: { maxOldGenerationSizeMb: this.maxHeapMb, maxYoungGenerationSizeMb: 64 },
      // Tesseract's wasm core chats on stdout ("Detected 40 diacritics"); keep it out of ours,
      // where `arkiv extract --json` prints the result.
      stdout: true,
      stderr: true,
    });
    worker.stdout.resume();
    worker.stderr.resume();
    worker.unref();
    const slot: Slot = { worker };
    worker.on(
      'message',
      (msg: { id: number; ok: boolean; output?: ExtractionOutput; error?: { code: ExtractionErrorCode; message: string } }) => {
        const job = slot.job;
        if (!job || job.id !== msg.id) return;
        clearTimeout(job.timer);
        slot.job = undefined;
        if (msg.ok && msg.output) job.resolve(msg.output);
        else job.reject(new ExtractionError(msg.error?.code ?? 'internal', msg.error?.message ?? 'extraction failed'));
        this.dispatch();
      },
    );
    worker.on('error', (err: Error & { code?: string }) => {
      const oom = err.code === 'ERR_WORKER_OUT_OF_MEMORY' || /out of memory|heap/i.test(err.message);
      this.fail(
        slot,
        oom ? 'memory_limit' : 'worker_crashed',
        oom ? `the job exceeded the ${this.maxHeapMb} MB memory limit` : 'the extraction worker crashed',
      );
    });
    worker.on('exit', () => this.fail(slot, 'worker_crashed', 'the extraction worker exited'));
    return slot;
  }

  private fail(slot: Slot, code: ExtractionErrorCode, message: string): void {
    const job = slot.job;
    slot.job = undefined;
    if (job) {
      clearTimeout(job.timer);
      job.reject(new ExtractionError(code, message));
    }
    if (this.closed) return;
    const i = this.slots.indexOf(slot);
    if (i >= 0 && this.slots[i] === slot) {
      void slot.worker.terminate();
      this.slots[i] = this.spawn();
    }
    this.dispatch();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.job) continue;
      const next = this.queue.shift();
      if (!next) return;
      const id = this.nextId++;
      const timer = setTimeout(() => this.fail(slot, 'timeout', `extraction took longer than ${this.timeoutMs / 1000} s`), this.timeoutMs);
      slot.job = { ...next, id, timer };
      slot.worker.postMessage({ id, bytes: next.bytes, options: next.options });
    }
  }
}
