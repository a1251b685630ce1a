import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { coc } from '../../test/fixtures/extraction/layouts/coc.js';
import { Rng } from '../../test/fixtures/extraction/random.js';
import { toScan } from '../../test/fixtures/extraction/scan.js';
import { ExtractionError } from './extraction-error.js';
import { ExtractionPool } from './extraction-pool.js';

const root = '/work/shared/testdata/pyhanko';
const dirs = ['malformed', 'encrypted'].map((d) => join(root, d));
const available = dirs.every((d) => {
  try {
    return readdirSync(d).length > 0;
  } catch {
    return false;
  }
});

// OCR of garbage pages is pointless here; the point is that every file ends cleanly.
const pool = new ExtractionPool({ size: 2, timeoutMs: 60_000 });
afterAll(() => pool.close());

describe('extraction pool isolation', () => {
  it.skipIf(!available)(
    'ends every malformed or encrypted PDF with a result or a recorded reason',
    async () => {
      const files = dirs.flatMap((d) => readdirSync(d).map((f) => join(d, f)));
      const outcomes = await Promise.all(
        files.map((f) =>
          pool.extract(readFileSync(f), { ocr: 'never' }).then(
            (r) => `ok:${r.docClass}`,
            (e: unknown) => (e instanceof ExtractionError ? `error:${e.code}` : `crash:${String(e)}`),
          ),
        ),
      );
      expect(outcomes.filter((o) => o.startsWith('crash'))).toEqual([]);
      expect(outcomes.filter((o) => o === 'error:pdf_encrypted').length).toBeGreaterThanOrEqual(6);
    },
    120_000,
  );

  it('fails a job that is not a PDF and keeps serving the next one', async () => {
    await expect(pool.extract(new TextEncoder().encode('hello'))).rejects.toMatchObject({
      code: expect.stringMatching(/pdf_malformed|not_a_pdf/),
    });
    await expect(pool.extract(new Uint8Array(0))).rejects.toBeInstanceOf(ExtractionError);
  });

  it('fails a job that exceeds its time limit with code timeout', async () => {
    const slow = new ExtractionPool({ size: 1, timeoutMs: 1 });
    try {
      await expect(slow.extract(readFileSync(join(root, 'encrypted', 'minimal-rc4.pdf')))).rejects.toMatchObject({ code: 'timeout' });
    } finally {
      await slow.close();
    }
  });

  it('hands back the plain text beside the result: text layer and OCR alike, pages split by form feeds', async () => {
    const g = await coc(new Rng(8), 'coc');
    const text = await pool.extractWithText(g.bytes);
    expect(text.result).not.toHaveProperty('text');
    expect(text.text.split('\f')).toHaveLength(text.result.pages);
    expect(text.text).toContain(g.truth.fields.documentNumber as string);
    const scan = await pool.extractWithText(await toScan(g.bytes, { dpi: 200, seed: 3 }));
    expect(scan.result.source).toBe('ocr');
    expect(scan.text.split('\f')).toHaveLength(scan.result.pages);
    expect(scan.text).toContain(g.truth.fields.documentNumber as string);
  }, 120_000);
});
