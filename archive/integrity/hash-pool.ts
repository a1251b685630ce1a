import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';

const workerUrl = new URL('./hash-worker.mjs', import.meta.url);
/** Chunks in flight per stream: bounds memory when reading outpaces hashing. */
const MAX_UNACKED = 8;

export interface HashPool {
  /** Reads the stream to its end and returns its SHA-256 (hex) and length. */
  hash(stream: Readable): Promise<{ sha256: string; size: number }>;
  close(): Promise<void>;
}

/**
 * SHA-256 in worker threads. The main thread only moves bytes (transferred, not copied twice);
 * each worker hashes one stream at a time, so `size` streams are hashed in parallel.
 */
export function createHashPool(size: number): HashPool {
  const idle: Worker[] = [];
  const all: Worker[] = [];
  const waiting: ((w: Worker) => void)[] = [];
  const spawn = () => {
    const w = new Worker(workerUrl);
    w.unref();
    all.push(w);
    return w;
  };
  for (let i = 0; i < size; i++) idle.push(spawn());
  const dead = new WeakSet<Worker>();
  const acquire = () => new Promise<Worker>((resolve) => (idle.length > 0 ? resolve(idle.pop() as Worker) : waiting.push(resolve)));
  const release = (used: Worker) => {
    // A worker that died mid-hash is replaced, so the pool never shrinks or hangs on a dead thread.
    const w = dead.has(used) ? spawn() : used;
    return waiting.length > 0 ? waiting.shift()?.(w) : idle.push(w);
  };

  async function hashOn(worker: Worker, stream: Readable): Promise<{ sha256: string; size: number }> {
    let unacked = 0;
    let wake: (() => void) | null = null;
    let digest: ((hex: string) => void) | null = null;
    let failed: ((err: Error) => void) | null = null;
    const crashed = new Promise<never>((_, reject) => (failed = reject));
    crashed.catch(() => {});
    const onError = (err: Error) => {
      dead.add(worker);
      failed?.(err);
    };
    worker.once('error', onError);
    const onMessage = (m: { type: string; hex?: string }) => {
      if (m.type === 'ack') {
        unacked -= 1;
        wake?.();
        wake = null;
      } else if (m.type === 'digest') digest?.(m.hex as string);
    };
    worker.on('message', onMessage);
    try {
      worker.postMessage({ type: 'begin' });
      let bytes = 0;
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        // A private copy can be transferred; the stream's buffer may share a pool with others.
        const data = new Uint8Array(chunk).buffer;
        worker.postMessage({ type: 'chunk', data }, [data]);
        unacked += 1;
        if (unacked >= MAX_UNACKED) await Promise.race([new Promise<void>((r) => (wake = r)), crashed]);
      }
      const hex = await Promise.race([
        new Promise<string>((resolve) => {
          digest = resolve;
          worker.postMessage({ type: 'end' });
        }),
        crashed,
      ]);
      return { sha256: hex, size: bytes };
    } finally {
      worker.off('message', onMessage);
      worker.off('error', onError);
    }
  }

  return {
    async hash(stream) {
      const worker = await acquire();
      try {
        return await hashOn(worker, stream);
      } catch (err) {
        // A stream that failed half-way leaves the worker mid-hash; 'begin' resets it next time.
        stream.destroy();
        throw err;
      } finally {
        release(worker);
      }
    },
    async close() {
      await Promise.all(all.map((w) => w.terminate()));
    },
  };
}
