import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

const CHUNK = 1024 * 1024;

export type RangeReader = (offset: number, length: number) => Promise<Uint8Array>;

/** Reads through a FileHandle with one reused buffer: memory stays at one chunk per call. */
export function fileRangeReader(fh: FileHandle): RangeReader {
  const buf = Buffer.allocUnsafe(CHUNK);
  return async (offset, length) => {
    const { bytesRead } = await fh.read(buf, 0, Math.min(length, CHUNK), offset);
    return buf.subarray(0, bytesRead);
  };
}

export function bufferRangeReader(bytes: Uint8Array): RangeReader {
  return async (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + Math.min(length, CHUNK)));
}

/**
 * Streams the given [offset, length] ranges into `sinks` (hashes, verifiers) chunk by chunk, so
 * the cost in memory is one chunk whatever the file size. Throws if a range runs past the end.
 */
export async function feedRanges(
  read: RangeReader,
  ranges: Array<[number, number]>,
  sinks: Array<{ update(data: Uint8Array): unknown }>,
): Promise<void> {
  for (const [start, length] of ranges) {
    let done = 0;
    while (done < length) {
      const chunk = await read(start + done, Math.min(CHUNK, length - done));
      if (chunk.length === 0) throw new Error(`byte range [${start}, ${length}] runs past the end of the file`);
      for (const s of sinks) s.update(chunk);
      done += chunk.length;
    }
  }
}

export async function digestRanges(read: RangeReader, ranges: Array<[number, number]>, hash = 'sha256'): Promise<Buffer> {
  const h = createHash(hash);
  await feedRanges(read, ranges, [h]);
  return h.digest();
}
