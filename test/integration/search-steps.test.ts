import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchDocument, SearchScope } from '../../search/port.js';
import { PostgresSearchIndex, SEARCH_SESSION_SETTINGS } from '../../search/postgres-search.js';
import { WALK } from '../../search/postgres-search-sql.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { tiers } from '../support/tiers.js';

/**
 * A broad text query ranks its newest `matchCap + 1` matches, found by whichever step suits the
 * word's density (see `newestTextMatches`): the first walk, the second walk, the newest issue
 * years one by one through the GIN index, or all matches. Each step must yield exactly the newest
 * matches. With a cap of 20 the first walk covers the newest 40 entries of the scope; the words
 * below are spread so that each one takes its own step.
 */
const CAP = 20;
const YEARS = 6;
const PER_YEAR = 200;
/** Word → every how many entries it appears (densities 100 %, 10 %, 5 %, 1 %). */
const EVERY = { dense: 1, mid: 10, sparse: 20, rare: 100 } as const;

describe.each(tiers)('search steps ($name tier)', (tier) => {
  let t: TestApp;
  let scope: SearchScope;
  const docs: SearchDocument[] = [];

  beforeAll(async () => {
    t = await makeTestApp(tier);
    const org = await t.newOrg();
    scope = { orgId: org.orgId, customerId: null, publishedOnly: false, exportCleared: false };
    for (let i = 0; i < YEARS * PER_YEAR; i++) {
      const year = 2025 - Math.floor(i / PER_YEAR);
      const day = (i % PER_YEAR) % 28;
      const month = Math.floor((i % PER_YEAR) / 28) + 1;
      const words = Object.entries(EVERY).flatMap(([word, every]) => (i % every === 0 ? [word] : []));
      const id = randomUUID();
      docs.push({
        key: `art:${id}`,
        orgId: org.orgId,
        customerId: null,
        orderId: null,
        documentId: null,
        revisionNo: null,
        artifactId: id,
        extractionId: null,
        published: true,
        superseded: false,
        docClass: 'mtc',
        certType: '3.1',
        title: `certificate ${i}`,
        documentNumber: `MTC-${i}`,
        poNumber: null,
        grade: null,
        gradeFamily: null,
        gradeKeys: [],
        heatNumbers: [],
        tagNumbers: [],
        materialStandards: [],
        issueDate: `${year}-${String(12 - month).padStart(2, '0')}-${String(28 - day).padStart(2, '0')}`,
        body: `Inspection certificate ${words.join(' ')} tested`,
      });
    }
    await new PostgresSearchIndex(t.deps.db).upsert(docs);
  }, 120_000);
  afterAll(async () => {
    await t?.cleanup();
  });

  it('finds the newest matches of a dense, a mid, a sparse and a rare word, each by its own step', async () => {
    // The densities the steps are chosen by, in the newest 40 entries (the first walk's window).
    const window = WALK.first * CAP;
    expect(window / EVERY.dense).toBeGreaterThan(CAP); // the first walk fills the cap
    expect(window / EVERY.mid).toBeGreaterThanOrEqual(Math.ceil(window * WALK.dense)); // the second walk
    expect(window / EVERY.sparse).toBeLessThan(Math.ceil(window * WALK.dense)); // the year steps…
    expect(window / EVERY.sparse).toBeGreaterThanOrEqual(Math.ceil(window * WALK.sparse));
    expect((PER_YEAR / EVERY.sparse) * WALK.years).toBeGreaterThan(CAP); // …which hold enough
    expect(window / EVERY.rare).toBeLessThan(Math.ceil(window * WALK.sparse)); // all matches
    const index = new PostgresSearchIndex(t.deps.db, {
      matchCap: CAP,
      sessions: t.database.readPool('search-steps', SEARCH_SESSION_SETTINGS, 1),
    });
    for (const word of Object.keys(EVERY)) {
      const expected = docs
        .filter((d) => d.body.includes(` ${word} `))
        .map((d) => d.issueDate as string)
        .sort()
        .reverse();
      const result = await index.search(scope, { q: word, limit: 100 });
      expect(result.total, word).toBe(Math.min(CAP, expected.length));
      expect(result.totalExact, word).toBe(expected.length <= CAP);
      expect(
        result.hits
          .map((h) => h.issueDate)
          .sort()
          .reverse(),
        word,
      ).toEqual(expected.slice(0, CAP));
    }
  });
});
