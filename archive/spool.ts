import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { SpooledFile } from './ports/blob-store.js';

export interface SpoolOptions {
  dir: string;
  maxBytes: number;
  /** The digest the client claims; a mismatch stores nothing. Lower-case hex. */
  expectedSha256?: string | undefined;
}

/**
 * Streams an upload to a private temp file while hashing it, so the bytes are on disk and their
 * SHA-256 known before anything is stored (S3 needs a known-size PUT; the filesystem store needs
 * an atomic rename). Memory stays flat whatever the size. On any failure the temp file is gone.
 */
export async function spool(body: Readable, options: SpoolOptions): Promise<SpooledFile> {
  await mkdir(options.dir, { recursive: true });
  const path = join(options.dir, `${newId()}.part`);
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > options.maxBytes) {
        done(new AppError('payload_too_large', `upload exceeds the limit of ${options.maxBytes} bytes`));
        return;
      }
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(body, meter, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
    // fsync before anyone treats the spool as durable (the filesystem store renames it into place).
    const handle = await open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (err) {
    await rm(path, { force: true });
    if (err instanceof AppError) throw err;
    throw new AppError('upload_aborted', 'the upload was interrupted before it completed', { cause: err });
  }
  const sha256 = hash.digest('hex');
  if (options.expectedSha256 && options.expectedSha256 !== sha256) {
    await rm(path, { force: true });
    throw new AppError('digest_mismatch', `the content's SHA-256 is ${sha256}, not the ${options.expectedSha256} the client declared`);
  }
  return { path, size, sha256 };
}

export async function discardSpool(file: SpooledFile): Promise<void> {
  await rm(file.path, { force: true });
}
