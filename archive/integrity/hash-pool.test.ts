import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
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
});
