import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface HashedTemp {
  path: string;
  sha256: string;
  size: number;
  /** Publishes the file under `target` (atomic rename). */
  keep(target: string): Promise<void>;
  discard(): Promise<void>;
}

/**
 * Streams `source` into a temp file in `dir`, hashing on the way and fsyncing at the end; the
 * caller looks at the hash and keeps or discards it. Never buffers more than a stream chunk.
 */
export async function spoolHashed(source: Readable, dir: string): Promise<HashedTemp> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `.part-${randomBytes(8).toString('hex')}`);
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(source, meter, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
    const handle = await open(path, 'r');
    await handle.sync().finally(() => handle.close());
  } catch (err) {
    await rm(path, { force: true });
    throw err;
  }
  return {
    path,
    sha256: hash.digest('hex'),
    size,
    keep: (target) => rename(path, target),
    discard: () => rm(path, { force: true }),
  };
}
