import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createHashPool } from './hash-pool.js';

describe('hash pool (worker threads)', () => {
  const pool = createHashPool(2);
  afterAll(() => pool.close());

  it('hashes many streams in parallel exactly as node:crypto does', async () => {
    // Many small chunks exercise the acknowledgement window; several streams share two workers.
    const inputs = Array.from({ length: 6 }, (_, i) => Array.from({ length: 20 + i }, () => randomBytes(1000 + i)));
    const results = await Promise.all(inputs.map((chunks) => pool.hash(Readable.from(chunks))));
    results.forEach((r, i) => {
      const chunks = inputs[i] ?? [];
      const expected = createHash('sha256');
      for (const c of chunks) expected.update(c);
      expect(r).toEqual({ sha256: expected.digest('hex'), size: chunks.reduce((n, c) => n + c.length, 0) });
    });
  });

  it('rejects a stream that fails, and keeps working after it', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('connection reset'));
      },
    });
    await expect(pool.hash(failing)).rejects.toThrow('connection reset');
    const empty = await pool.hash(Readable.from([]));
    expect(empty).toEqual({ sha256: createHash('sha256').digest('hex'), size: 0 });
  });

  it('hashes a whole local file in the worker, and a byte range of it as a stream', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'arkiv-hash-'));
    try {
      const bytes = randomBytes(3 * 1024 * 1024 + 17);
      const path = join(dir, 'object');
      writeFileSync(path, bytes);
      const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
      expect(await pool.hash(createReadStream(path))).toEqual({ sha256: sha(bytes), size: bytes.length });
      expect(await pool.hash(createReadStream(path, { start: 10, end: 99 }))).toEqual({ sha256: sha(bytes.subarray(10, 100)), size: 90 });
      await expect(pool.hash(createReadStream(join(dir, 'gone')))).rejects.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps hashing other streams on a thread while one waits for its source', async () => {
    const single = createHashPool(1, 4);
    try {
      const slow = new PassThrough();
      slow.write(randomBytes(100));
      const waiting = single.hash(slow);
      const quick = randomBytes(5000);
      expect((await single.hash(Readable.from([quick]))).sha256).toBe(createHash('sha256').update(quick).digest('hex'));
      slow.end();
      expect((await waiting).size).toBe(100);
    } finally {
      await single.close();
    }
  });
});
