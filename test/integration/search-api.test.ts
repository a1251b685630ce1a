import { and, desc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../archive/db.js';
import { auditEntries } from '../../archive/schema.js';
import { PostgresSearchIndex, SEARCH_SESSION_SETTINGS } from '../../search/postgres-search.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { runJobsUntilIdle } from '../support/jobs.js';
import { tiers } from '../support/tiers.js';
import { searchClient, uploadWithReading } from './search-seed.js';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
type Json = any;
const keys = (r: Json) => r.hits.map((h: Json) => h.key).sort();
const bucket = (r: Json, facet: string, value: string) => r.facets[facet].find((b: Json) => b.value === value)?.count ?? 0;

const duplexText =
  'INSPECTION CERTIFICATE EN 10204 3.1 / Abnahmeprüfzeugnis. Seamless pipes of duplex stainless steel, ' +
  'solution annealed and water quenched. Prüfer: <script>alert(1)</script> Kari Nordmann. Heat 4A2231.';

describe.each(tiers)('search API ($name tier)', (tier) => {
  let t: TestApp;
  let a: { orgId: string; token: string };
  let b: { orgId: string; token: string };
  let staff: ReturnType<typeof searchClient>;
  let customer: ReturnType<typeof searchClient>;
  let other: ReturnType<typeof searchClient>;
  const ids = {} as Record<'c1' | 'c2' | 'o1' | 'o2' | 'duplex' | 'pipe316' | 'draft' | 'revised', string>;

  beforeAll(async () => {
    t = await makeTestApp(tier);
    a = await t.newOrg();
    b = await t.newOrg();
    const admin = searchClient(t, a.token);
    ids.c1 = (await admin.post('/api/v1/customers', { name: 'Equinor' })).id;
    ids.c2 = (await admin.post('/api/v1/customers', { name: 'Aker' })).id;
    ids.o1 = (await admin.post('/api/v1/orders', { customerId: ids.c1, number: 'SO-1001' })).id;
    ids.o2 = (await admin.post('/api/v1/orders', { customerId: ids.c2, number: 'SO-2002' })).id;
    const file = async (reading: Parameters<typeof uploadWithReading>[3], doc: Record<string, unknown>) => {
      const sha = await uploadWithReading(t, a.orgId, a.token, reading);
      return (await admin.post('/api/v1/documents', { artifactSha256: sha, docClass: 'mill_cert', ...doc })).id as string;
    };
    ids.duplex = await file(
      {
        certType: '3.1',
        text: duplexText,
        fields: {
          documentNumber: 'MC-2024-0815',
          issueDate: '2024-03-05',
          poNumber: '4500012345',
          grade: 'UNS S31803',
          heatNumbers: ['4A2231', '4A2232'],
          product: 'Seamless pipe',
          manufacturer: 'Sandvik',
        },
      },
      { title: 'Duplex pipe 3.1', orderId: ids.o1 },
    );
    ids.pipe316 = await file(
      {
        certType: '3.1',
        text: 'Certificate of austenitic stainless steel pipe, pickled. Heat H778899.',
        fields: {
          documentNumber: 'MC-2023-0001',
          issueDate: '2023-11-20',
          poNumber: '4500099999',
          grade: '316L',
          heatNumbers: ['H778899'],
        },
      },
      { title: '316L pipe', orderId: ids.o2 },
    );
    ids.draft = await file(
      { certType: '2.2', fields: { issueDate: '2024-06-01', grade: 'F51', heatNumbers: ['ZZ1234'] } },
      { title: 'Unpublished duplex flange', customerId: ids.c1 },
    );
    ids.revised = await file(
      { certType: '3.1', fields: { issueDate: '2022-01-10', heatNumbers: ['REV111'] } },
      { title: 'Revised cert', orderId: ids.o1 },
    );
    const second = await uploadWithReading(t, a.orgId, a.token, {
      certType: '3.1',
      fields: { issueDate: '2022-02-10', heatNumbers: ['REV222'] },
    });
    await admin.post(`/api/v1/documents/${ids.revised}/revisions`, { artifactSha256: second, note: 'corrected' });
    // A certificate in no document yet: found by staff, never by a customer.
    await uploadWithReading(t, a.orgId, a.token, {
      certType: '3.2',
      fields: { issueDate: '2024-01-15', grade: '1.4462', heatNumbers: ['LOOSE77'], poNumber: '4500077777' },
    });
    for (const id of [ids.duplex, ids.pipe316, ids.revised]) await admin.post(`/api/v1/documents/${id}/publish`, {});
    // Organization B has a certificate with the very same heat number.
    const otherSha = await uploadWithReading(t, b.orgId, b.token, {
      certType: '3.1',
      fields: { grade: 'S31803', heatNumbers: ['4A2231'] },
    });
    await searchClient(t, b.token).post('/api/v1/documents', { artifactSha256: otherSha, docClass: 'mill_cert', title: 'B duplex' });
    await runJobsUntilIdle(t);

    const token = async (role: string, extra: Record<string, unknown> = {}) =>
      (await admin.post('/api/v1/tokens', { name: role, role, email: `${role}-${Date.now()}@example.com`, ...extra })).token as string;
    staff = searchClient(t, await token('document_controller'));
    customer = searchClient(t, await token('customer', { customerId: ids.c1 }));
    other = searchClient(t, b.token);
  }, 240_000);
  afterAll(() => t?.cleanup());

  it('finds certificates by full text, with an escaped snippet and the matched field', async () => {
    const r = await staff.search({ q: 'duplex stainless' });
    expect(keys(r)).toEqual([`rev:${ids.duplex}:1`]);
    const [hit] = r.hits;
    expect(hit.matchedFields).toContain('body');
    expect(hit.snippet).toContain('<mark>duplex</mark>');
    expect(hit).toMatchObject({ documentNumber: 'MC-2024-0815', poNumber: '4500012345', certType: '3.1', issueDate: '2024-03-05' });
    // German text is not stemmed away, and whatever the PDF says never reaches the browser as markup.
    expect(keys(await staff.search({ q: 'Abnahmeprüfzeugnis' }))).toEqual([`rev:${ids.duplex}:1`]);
    const script = await staff.search({ q: 'Nordmann' });
    expect(script.hits[0].snippet).not.toContain('<script>');
    expect(script.hits[0].snippet).toContain('<mark>Nordmann</mark>');
    // The snippet finds a word however the certificate capitalizes it.
    expect((await staff.search({ q: 'inspection certificate' })).hits[0].snippet).toContain('<mark>CERTIFICATE</mark>');
  });

  it('matches heat numbers by prefix, infix and one typo, and marks the match', async () => {
    for (const q of ['4A2231', '4A22', '2231', '4a-2231'.replace('-', '')]) {
      expect(keys(await staff.search({ q }))).toEqual([`rev:${ids.duplex}:1`]);
    }
    const typo = await staff.search({ q: '4A2931' });
    expect(keys(typo)).toEqual([`rev:${ids.duplex}:1`]);
    expect(typo.hits[0].matchedFields).toContain('heatNumbers');
    // A word too short for a typo still has to match exactly beside one that is forgiven.
    expect(keys(await staff.search({ q: 'A22 4A2931' }))).toEqual([`rev:${ids.duplex}:1`]);
    expect((await staff.search({ q: 'Q22 4A2931' })).total).toBe(0);
    const heat = await staff.search({ heat: 'A223' });
    expect(keys(heat)).toEqual([`rev:${ids.duplex}:1`]);
    expect(heat.hits[0].snippet).toBe('Heat: 4<mark>A223</mark>1');
    expect((await staff.search({ heat: 'H77889' })).total).toBe(1);
    expect((await staff.search({ heat: 'QQ9999' })).total).toBe(0);
  });

  it('filters by PO (partial), class, certificate type, dates, customer and order', async () => {
    expect(keys(await staff.search({ po: '45000123' }))).toEqual([`rev:${ids.duplex}:1`]);
    expect((await staff.search({ q: '4500077777' })).hits.map((h: Json) => h.key)).toHaveLength(1);
    expect(keys(await staff.search({ certType: '3.1', issuedFrom: '2023-01-01', issuedTo: '2023-12-31' }))).toEqual([
      `rev:${ids.pipe316}:1`,
    ]);
    expect((await staff.search({ certType: '3.2' })).total).toBe(1);
    expect((await staff.search({ customerId: ids.c1 })).total).toBe(3);
    expect(keys(await staff.search({ orderId: ids.o2 }))).toEqual([`rev:${ids.pipe316}:1`]);
    expect((await staff.search({ docClass: 'coc' })).total).toBe(0);
  });

  it('counts facets and the total over the same scoped, filtered set', async () => {
    const all = await staff.search({ limit: 2 });
    // duplex, 316L, draft, revision 2 of the revised cert, the loose certificate (revision 1 is superseded).
    expect(all.total).toBe(5);
    expect(all.totalExact).toBe(true);
    expect(all.hits).toHaveLength(2);
    expect(bucket(all, 'docClass', 'mill_cert')).toBe(5);
    expect(bucket(all, 'certType', '3.1')).toBe(3);
    expect(bucket(all, 'gradeFamily', 'duplex')).toBe(3);
    expect(bucket(all, 'gradeFamily', 'austenitic')).toBe(1);
    expect(bucket(all, 'customerId', ids.c1)).toBe(3);
    expect(bucket(all, 'orderId', ids.o1)).toBe(2);
    expect(bucket(all, 'year', '2024')).toBe(3);
    const filtered = await staff.search({ q: 'pipe', certType: '3.1' });
    expect(filtered.total).toBe(2);
    expect(bucket(filtered, 'gradeFamily', 'duplex') + bucket(filtered, 'gradeFamily', 'austenitic')).toBe(2);
  });

  it('counts a very broad query over its best-ranked matches only, and says so', async () => {
    expect((await staff.search({ grade: 'F51' })).totalExact).toBe(true);
    // The three duplex entries, counted with a cap of two: the newest two, ranked as ever.
    const capped = await new PostgresSearchIndex(t.deps.db, { matchCap: 2 }).search(
      { orgId: a.orgId, customerId: null, publishedOnly: false, exportCleared: false },
      { grade: 'F51', limit: 20 },
    );
    expect(capped).toMatchObject({ total: 2, totalExact: false });
    expect(capped.hits.map((h) => h.issueDate)).toEqual(['2024-06-01', '2024-03-05']);
    expect(bucket(capped, 'gradeFamily', 'duplex')).toBe(2);
    expect(capped.facets.year).toEqual([{ value: '2024', count: 2 }]);
  });

  it('matches phrases on word positions, and a negated phrase only where the words are adjacent', async () => {
    expect(keys(await staff.search({ q: '"duplex stainless steel"' }))).toEqual([`rev:${ids.duplex}:1`]);
    expect((await staff.search({ q: '"stainless duplex"' })).total).toBe(0);
    // "steel pipe, pickled": steel and pickled are both there but apart, so excluding the phrase keeps it.
    const stainless = keys(await staff.search({ q: 'stainless' }));
    expect(stainless.length).toBeGreaterThan(1);
    expect(keys(await staff.search({ q: 'stainless -"steel pickled"' }))).toEqual(stainless);
    expect(keys(await staff.search({ q: 'stainless -"pipe pickled"' }))).toEqual(
      stainless.filter((k: string) => k !== `rev:${ids.pipe316}:1`),
    );
  });

  it('ranks a broad text query over its newest matches, whichever step finds them', async () => {
    const scope = { orgId: a.orgId, customerId: null, publishedOnly: false, exportCleared: false };
    const all = await staff.search({ q: 'stainless' });
    const newest = all.hits
      .map((h: Json) => h.issueDate as string)
      .sort()
      .reverse();
    // A cap of one: the first walk (two entries) fills it; a cap of two and three: the walks or the indexes.
    for (const matchCap of [1, 2, 3]) {
      const capped = await new PostgresSearchIndex(t.deps.db, { matchCap }).search(scope, { q: 'stainless', limit: 20 });
      expect(capped.total).toBe(Math.min(matchCap, all.total));
      expect(capped.totalExact).toBe(all.total <= matchCap);
      expect(
        capped.hits
          .map((h) => h.issueDate)
          .sort()
          .reverse(),
      ).toEqual(newest.slice(0, matchCap));
    }
  });

  it('finds a grade by any of its equivalent names', async () => {
    // The duplex certificate printed "UNS S31803", the draft "F51", the loose one "1.4462".
    for (const grade of ['F51', 'S31803', '1.4462', '2205', '22Cr duplex', 'ASTM A182 F51']) {
      expect((await staff.search({ grade })).total, grade).toBe(3);
    }
    expect(keys(await staff.search({ grade: 'S31603' }))).toEqual([`rev:${ids.pipe316}:1`]);
    const byText = await staff.search({ q: 'F51', orderId: ids.o1 });
    expect(keys(byText)).toEqual([`rev:${ids.duplex}:1`]);
    expect(byText.hits[0].matchedFields).toContain('grade');
  });

  it('pages through every hit with the cursor, each once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Json = await staff.search({ limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.hits.map((h: Json) => h.key));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    expect((await staff.call('/api/v1/search?cursor=bm9wZQ')).status).toBe(400);
  });

  it('keeps superseded revisions findable on request, marked as such', async () => {
    expect((await staff.search({ q: 'REV111' })).total).toBe(0);
    const old = await staff.search({ q: 'REV111', includeSuperseded: true });
    expect(old.hits.map((h: Json) => [h.key, h.superseded])).toEqual([[`rev:${ids.revised}:1`, true]]);
    const current = await staff.search({ q: 'REV222' });
    expect(current.hits.map((h: Json) => [h.key, h.superseded])).toEqual([[`rev:${ids.revised}:2`, false]]);
  });

  it('never shows another organization anything, not even in facets and totals', async () => {
    const mine = await other.search({ q: '4A2231' });
    expect(mine.total).toBe(1);
    expect(mine.hits[0].title).toBe('B duplex');
    const everything = await other.search({ limit: 100 });
    expect(everything.total).toBe(1);
    expect(JSON.stringify(everything)).not.toContain(ids.c1);
    expect((await other.search({ customerId: ids.c1 })).total).toBe(0);
    expect((await other.search({ grade: 'F51' })).total).toBe(1);
  });

  it('shows a customer only its own published documents, and audits the search', async () => {
    const r = await customer.search({ limit: 100 });
    expect(keys(r)).toEqual([`rev:${ids.duplex}:1`, `rev:${ids.revised}:2`].sort());
    expect(r.total).toBe(2);
    expect(r.facets.customerId).toEqual([{ value: ids.c1, count: 2 }]);
    expect(JSON.stringify(r.facets)).not.toContain(ids.c2);
    // Another customer's heat, the unpublished draft, the loose certificate: as if they did not exist.
    for (const params of [{ q: 'H778899' }, { heat: 'ZZ1234' }, { q: 'LOOSE77' }, { customerId: ids.c2 }, { orderId: ids.o2 }]) {
      const none = await customer.search(params);
      expect(none.total, JSON.stringify(params)).toBe(0);
      expect(Object.values(none.facets).flat()).toEqual([]);
    }
    expect((await staff.search({ heat: 'ZZ1234' })).total).toBe(1);

    await customer.search({ q: 'duplex', heat: '4A22' });
    const [entry] = await t.deps.db
      .select()
      .from(auditEntries)
      .where(and(eq(auditEntries.orgId, a.orgId), eq(auditEntries.action, 'search.query')))
      .orderBy(desc(auditEntries.seq))
      .limit(1);
    expect(entry?.actorType).toBe('customer');
    const details = JSON.parse(entry?.details ?? '{}');
    expect(details).toMatchObject({ query: { q: 'duplex', heat: '4A22' }, total: 1, hits: [`rev:${ids.duplex}:1`] });
  });

  it('searches PostgreSQL on a pool of read-only sessions started with the search settings', async () => {
    const pool = t.database.readPool('search-test', SEARCH_SESSION_SETTINGS, 1);
    if (tier.name === 'embedded') {
      expect(pool).toBeNull();
      return;
    }
    if (!pool) throw new Error('PostgreSQL gives a search pool');
    const [row] = await queryRows<{ seqscan: string; cache: string }>(
      pool.db,
      sql`select current_setting('enable_seqscan') as seqscan, current_setting('plan_cache_mode') as cache`,
    );
    expect(row).toEqual({ seqscan: 'off', cache: 'force_generic_plan' });
    await expect(pool.db.execute(sql`delete from search_entries`)).rejects.toMatchObject({ cause: { code: '25006' } }); // read_only_sql_transaction
    const hits = await new PostgresSearchIndex(t.deps.db, { sessions: pool }).search(
      { orgId: a.orgId, customerId: null, publishedOnly: false, exportCleared: false },
      { q: '4A2231', limit: 20 },
    );
    expect(hits.hits.map((h) => h.key)).toEqual([`rev:${ids.duplex}:1`]);
  });
});
