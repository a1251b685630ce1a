import { ReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';

const workerUrl = new URL('./hash-worker.mjs', import.meta.url);
/** Messages in flight per stream: bounds memory (MAX_UNACKED × MESSAGE_BYTES) when reading outpaces hashing. */
const MAX_UNACKED = 4;
/**
 * Stream chunks (64 KiB from a file, often less from a socket) are gathered into messages of
 * about this size: one postMessage per chunk cost as much as hashing it, and halved throughput.
 */
const MESSAGE_BYTES = 1024 * 1024;

export interface HashPool {
  /** Reads the stream to its end and returns its SHA-256 (hex) and length. */
  hash(stream: Readable): Promise<{ sha256: string; size: number }>;
  close(): Promise<void>;
}

type Reply = { type: 'ack' | 'digest' | 'failed' | 'crash'; id?: number; hex?: string; size?: number; message?: string; error?: Error };

interface Thread {
  worker: Worker;
  /** Streams being hashed on it now. */
  active: number;
  ids: Set<number>;
}

/**
 * SHA-256 in worker threads. The main thread only moves bytes (gathered into large messages);
 * each worker keeps up to `streamsPerThread` hashes going at once, so a slow source (an S3 GET
 * waiting on the network) does not hold a thread idle while other objects' bytes are ready.
 */
export function createHashPool(size: number, streamsPerThread = 16): HashPool {
  const handlers = new Map<number, (m: Reply) => void>();
  const waiting: ((t: Thread) => void)[] = [];
  let nextId = 0;
  const spawn = (): Thread => {
    // Plain JS: without the parent's loaders (tsx) a worker starts in a quarter of the time.
    const worker = new Worker(workerUrl, { execArgv: [] });
    worker.unref();
    const thread: Thread = { worker, active: 0, ids: new Set() };
    worker.on('message', (m: Reply) => handlers.get(m.id as number)?.(m));
    // A worker that died mid-hash is replaced, so the pool never shrinks or hangs on a dead thread.
    worker.once('error', (error) => {
      threads[threads.indexOf(thread)] = spawn();
      for (const id of thread.ids) handlers.get(id)?.({ type: 'crash', error });
      wake();
    });
    return thread;
  };
  const threads: Thread[] = [];
  for (let i = 0; i < size; i++) threads.push(spawn());

  const leastBusy = () => threads.reduce((a, b) => (b.active < a.active ? b : a));
  const wake = () => {
    for (let t = leastBusy(); waiting.length > 0 && t.active < streamsPerThread; t = leastBusy()) {
      t.active += 1;
      waiting.shift()?.(t);
    }
  };
  const acquire = () =>
    new Promise<Thread>((resolve) => {
      waiting.push(resolve);
      wake();
    });
  const release = (t: Thread) => {
    t.active -= 1;
    wake();
  };

  /** Runs one hash on `t` under a fresh id; `drive` sends its messages and awaits its digest. */
  async function onThread<T>(t: Thread, drive: (id: number, reply: { on: (m: Reply) => void }) => Promise<T>): Promise<T> {
    const id = nextId++;
    const reply = { on: (_: Reply) => {} };
    handlers.set(id, (m) => reply.on(m));
    t.ids.add(id);
    try {
      return await drive(id, reply);
    } finally {
      handlers.delete(id);
      t.ids.delete(id);
    }
  }

  function hashStream(t: Thread, stream: Readable) {
    return onThread(t, async (id, reply) => {
      let unacked = 0;
      let resume: (() => void) | null = null;
      let digest: ((hex: string) => void) | null = null;
      let fail: ((err: Error) => void) | null = null;
      const failed = new Promise<never>((_, reject) => (fail = reject));
      failed.catch(() => {});
      reply.on = (m) => {
        if (m.type === 'ack') {
          unacked -= 1;
          resume?.();
          resume = null;
        } else if (m.type === 'digest') digest?.(m.hex as string);
        else fail?.(m.error ?? new Error(m.message));
      };
      t.worker.postMessage({ type: 'begin', id });
      try {
        let bytes = 0;
        let gathered: Buffer[] = [];
        let gatheredBytes = 0;
        const send = async () => {
          const data = transferable(gathered, gatheredBytes);
          gathered = [];
          gatheredBytes = 0;
          t.worker.postMessage({ type: 'chunk', id, data }, [data]);
          unacked += 1;
          if (unacked >= MAX_UNACKED) await Promise.race([new Promise<void>((r) => (resume = r)), failed]);
        };
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          bytes += chunk.length;
          gathered.push(chunk);
          gatheredBytes += chunk.length;
          if (gatheredBytes >= MESSAGE_BYTES) await send();
        }
        if (gatheredBytes > 0) await send();
        const hex = await Promise.race([
          new Promise<string>((resolve) => {
            digest = resolve;
            t.worker.postMessage({ type: 'end', id });
          }),
          failed,
        ]);
        return { sha256: hex, size: bytes };
      } catch (err) {
        // The worker would otherwise keep this hash's state for good.
        t.worker.postMessage({ type: 'abort', id });
        throw err;
      }
    });
  }

  /** The worker opens and reads the file itself: no bytes cross threads, no buffer per read. */
  function hashFile(t: Thread, path: string) {
    return onThread(
      t,
      (id, reply) =>
        new Promise<{ sha256: string; size: number }>((resolve, reject) => {
          reply.on = (m) => {
            if (m.type === 'digest') resolve({ sha256: m.hex as string, size: m.size as number });
            else if (m.type !== 'ack') reject(m.error ?? new Error(m.message));
          };
          t.worker.postMessage({ type: 'file', id, path });
        }),
    );
  }

  return {
    async hash(stream) {
      const t = await acquire();
      try {
        const path = wholeLocalFile(stream);
        if (!path) return await hashStream(t, stream);
        // Only the path is taken from the store's stream; the bytes are still read, all of them.
        // Its own open may still fail (and must not become an unhandled error): the worker reports that.
        stream.on('error', () => {});
        stream.destroy();
        return await hashFile(t, path);
      } catch (err) {
        stream.destroy();
        throw err;
      } finally {
        release(t);
      }
    },
    async close() {
      await Promise.all(threads.map((t) => t.worker.terminate()));
    },
  };
}

/**
 * One private buffer to hand over to the worker. Always a copy: a chunk's memory may be shared
 * (a socket's buffer) or still held by whoever made the stream, and a transfer would detach it.
 */
function transferable(chunks: Buffer[], total: number): ArrayBuffer {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out.buffer;
}

/**
 * The file behind a stream of a whole local file (the filesystem store's reads), which the worker
 * can read faster itself; null for anything else (S3 responses, byte ranges).
 */
function wholeLocalFile(stream: Readable): string | null {
  if (!(stream instanceof ReadStream) || typeof stream.path !== 'string') return null;
  const { start, end } = stream as ReadStream & { start?: number; end?: number };
  const whole = (start === undefined || start === 0) && (end === undefined || end === Number.POSITIVE_INFINITY);
  return whole && stream.bytesRead === 0 ? stream.path : null;
}
