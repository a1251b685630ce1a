import { Readable } from 'node:stream';
import type { Context } from 'hono';
import type { AppEnv } from './env.js';

/**
 * The request body as a Node stream. Under @hono/node-server the raw IncomingMessage is used
 * directly, which keeps TCP backpressure intact for multi-GB uploads; `app.request()` in tests
 * has only the web stream.
 */
export function requestBodyStream(c: Context<AppEnv>): Readable {
  const incoming = c.env?.incoming;
  if (incoming && typeof incoming.pipe === 'function') return incoming;
  const body = c.req.raw.body;
  if (!body) return Readable.from([]);
  return Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>);
}

/**
 * A pull-driven web stream over a Node stream: a chunk is read only when the client has taken
 * the previous one, so a slow download of a large file does not buffer it in memory.
 */
export function toWebStream(source: Readable, onBytes?: (n: number) => void): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { value, done } = await iterator.next();
          if (done) {
            controller.close();
            return;
          }
          onBytes?.(value.length);
          controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
        } catch (err) {
          controller.error(err);
        }
      },
      cancel() {
        source.destroy();
      },
    },
    { highWaterMark: 0 },
  );
}
