import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface WrittenFile {
  sha256: string;
  bytes: number;
}

/** A file written line by line while its SHA-256 is computed; fsynced on close. */
export class HashedFileWriter {
  private readonly hash = createHash('sha256');
  private bytes = 0;

  private constructor(
    private readonly path: string,
    private readonly out: WriteStream,
  ) {}

  static async create(path: string): Promise<HashedFileWriter> {
    await mkdir(dirname(path), { recursive: true });
    const out = createWriteStream(path, { flags: 'wx', mode: 0o600 });
    await once(out, 'open');
    return new HashedFileWriter(path, out);
  }

  async write(text: string): Promise<void> {
    const chunk = Buffer.from(text, 'utf8');
    this.hash.update(chunk);
    this.bytes += chunk.length;
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }

  async close(): Promise<WrittenFile> {
    this.out.end();
    await once(this.out, 'finish');
    const handle = await open(this.path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    return { sha256: this.hash.digest('hex'), bytes: this.bytes };
  }
}

/** Streams a file through SHA-256; memory stays flat whatever its size. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
