import { describe, expect, it } from 'vitest';
import { coc } from '../test/fixtures/extraction/layouts/coc.js';
import { millUs } from '../test/fixtures/extraction/layouts/mill-us.js';
import { Rng } from '../test/fixtures/extraction/random.js';
import { EXTRACTOR_VERSION, extractDocument } from './index.js';

describe('extractDocument', () => {
  it('returns the DESIGN.md schema with normalised units and provenance for every field', async () => {
    const g = await millUs(new Rng(11), 'us');
    const r = await extractDocument(g.bytes);
    expect(r.docClass).toBe('mill_cert');
    expect(r.source).toBe('text');
    expect(r.extractorVersion).toBe(EXTRACTOR_VERSION);
    expect(r.fields.yieldStrengthMpa).toBe(g.truth.fields.yieldStrengthMpa);
    expect(r.fields.impactTempC).toBe(g.truth.fields.impactTempC);
    for (const k of Object.keys(r.fields)) {
      expect(r.provenance[k as keyof typeof r.provenance]?.page).toBe(1);
      expect(r.fieldConfidence[k as keyof typeof r.fieldConfidence]).toBeGreaterThan(0);
    }
  });

  it('classifies a certificate of conformity and leaves absent fields absent', async () => {
    const g = await coc(new Rng(5), 'coc');
    const r = await extractDocument(g.bytes);
    expect(r.docClass).toBe('coc');
    expect(r.certType).toBeNull();
    expect(r.fields.heatNumbers).toBeUndefined();
    expect(r.fields.items?.length).toBe(g.truth.fields.items?.length);
  });
});
