import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../core/clock.js';
import type { Actor } from '../policies/actor.js';
import { makeTestArchive, type TestArchive } from '../test/support/fixtures.js';
import { tiers } from '../test/support/tiers.js';
import { ingestArtifact } from './artifacts/ingest-artifact.js';
import { createCustomer } from './customers/customers.js';
import { queryRows } from './db.js';
import { createDocument, publishDocument } from './documents/documents.js';
import { artifacts, auditEntries, customers, documents } from './schema.js';
import { inSystem, inTenant } from './tenancy.js';
import { bootstrap } from './tokens/bootstrap.js';

const admin = (orgId: string): Actor => ({ orgId, userId: 'u-admin', role: 'admin', customerId: null, ip: null, userAgent: null });

describe.each(tiers)('row-level security, the second wall ($name tier)', (tier) => {
  let t: TestArchive;
  let orgA: string;
  let orgB: string;
  let customerA1: string;
  let customerA2: string;

  beforeAll(async () => {
    t = await makeTestArchive(tier);
    orgA = (await bootstrap(t.deps.db, systemClock, { orgName: `a-${randomBytes(4).toString('hex')}`, email: 'a@a.example' })).orgId;
    orgB = (await bootstrap(t.deps.db, systemClock, { orgName: `b-${randomBytes(4).toString('hex')}`, email: 'b@b.example' })).orgId;
    for (const org of [orgA, orgB]) {
      const c1 = await createCustomer(t.deps, admin(org), { name: 'first' });
      const c2 = await createCustomer(t.deps, admin(org), { name: 'second' });
      for (const [customer, published] of [
        [c1.id, true],
        [c2.id, true],
        [c1.id, false],
      ] as const) {
        const { artifact } = await ingestArtifact(t.deps, admin(org), {
          body: Readable.from([randomBytes(64)]),
          contentType: 'application/pdf',
          docClass: 'coc',
        });
        const doc = await createDocument(t.deps, admin(org), {
          artifactSha256: artifact.sha256,
          docClass: 'coc',
          title: 'x',
          customerId: customer,
        });
        if (published) await publishDocument(t.deps, admin(org), doc.id);
      }
      if (org === orgA) {
        customerA1 = c1.id;
        customerA2 = c2.id;
      }
    }
  }, 120_000);
  afterAll(() => t?.cleanup());

  it('returns nothing of another organization to a query written without the organization filter', async () => {
    const counts = await inTenant(t.deps.db, { orgId: orgA, customerId: null }, async (tx) => ({
      customers: (await tx.select().from(customers)).map((c) => c.orgId),
      documents: (await tx.select().from(documents)).map((d) => d.orgId),
      artifacts: (await tx.select().from(artifacts)).map((a) => a.orgId),
      audit: (await tx.select().from(auditEntries)).map((a) => a.orgId),
      raw: await queryRows<{ org_id: string }>(tx, sql`select org_id from documents`),
    }));
    expect(counts.customers).toHaveLength(2);
    expect(counts.documents).toHaveLength(3);
    expect(counts.artifacts).toHaveLength(3);
    expect(counts.audit.length).toBeGreaterThan(0);
    for (const list of [counts.customers, counts.documents, counts.artifacts, counts.audit, counts.raw.map((r) => r.org_id)]) {
      expect(new Set(list)).toEqual(new Set([orgA]));
    }
  });

  it("limits a customer context to its customer's published documents and their bytes", async () => {
    const seen = await inTenant(t.deps.db, { orgId: orgA, customerId: customerA1 }, async (tx) => ({
      customers: (await tx.select().from(customers)).map((c) => c.id),
      documents: await tx.select().from(documents),
      artifacts: await tx.select().from(artifacts),
    }));
    expect(seen.customers).toEqual([customerA1]);
    expect(seen.documents).toHaveLength(1);
    expect(seen.documents[0]?.published).toBe(true);
    expect(seen.documents[0]?.customerId).toBe(customerA1);
    expect(seen.artifacts).toHaveLength(1);
    expect(seen.customers).not.toContain(customerA2);
  });

  it('refuses to write a row into another organization', async () => {
    await expect(
      inTenant(t.deps.db, { orgId: orgA, customerId: null }, (tx) =>
        tx.insert(customers).values({ id: crypto.randomUUID(), orgId: orgB, name: 'smuggled' }),
      ),
    ).rejects.toThrow();
  });

  it('sees nothing at all without a stated tenant, and everything only in the explicit system context', async () => {
    const none = await t.deps.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('role', 'arkiv_app', true)`);
      return tx.select().from(documents);
    });
    expect(none).toEqual([]);
    const all = await inSystem(t.deps.db, (tx) => tx.select().from(documents));
    expect(new Set(all.map((d) => d.orgId))).toEqual(new Set([orgA, orgB]));
  });

  it('denies the application role any change to append-only records', async () => {
    await expect(
      inTenant(t.deps.db, { orgId: orgA, customerId: null }, (tx) => tx.execute(sql`delete from audit_entries where org_id = ${orgA}`)),
    ).rejects.toThrow();
  });
});
