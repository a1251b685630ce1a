import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { json, sha256Hex } from '../support/http.js';
import { tiers } from '../support/tiers.js';

const sha = sha256Hex;

describe.each(tiers)('customers, orders, documents and tokens ($name tier)', (tier) => {
  let t: TestApp;
  let org: { orgId: string; token: string };
  let other: { orgId: string; token: string };

  beforeAll(async () => {
    t = await makeTestApp(tier);
    org = await t.newOrg();
    other = await t.newOrg();
  }, 60_000);
  afterAll(() => t?.cleanup());

  const post = (token: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
    t.call(token, path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const uploadNew = async (token: string, docClass = 'other') => {
    const bytes = randomBytes(1000);
    const res = await t.call(token, `/api/v1/artifacts?docClass=${docClass}`, { method: 'POST', body: bytes });
    expect(res.status).toBe(201);
    return sha(bytes);
  };

  it('creates, lists (with cursor) and gets customers; another organization sees none of them', async () => {
    const created = [];
    for (let i = 0; i < 5; i++) {
      const res = await post(org.token, '/api/v1/customers', { name: `Customer ${i}`, code: `C${i}-${randomBytes(2).toString('hex')}` });
      expect(res.status).toBe(201);
      created.push(await json(res));
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await t.call(org.token, `/api/v1/customers?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      const page = await json(res);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((c: { id: string }) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen)).toEqual(new Set(created.map((c) => c.id)));
    expect((await t.call(org.token, `/api/v1/customers/${created[0].id}`)).status).toBe(200);
    expect((await t.call(other.token, `/api/v1/customers/${created[0].id}`)).status).toBe(404);
    expect((await json(await t.call(other.token, '/api/v1/customers'))).items).toEqual([]);
  });

  it('refuses a duplicate customer code with 409 conflict and a bad cursor with 400', async () => {
    const code = `DUP-${randomBytes(3).toString('hex')}`;
    await post(org.token, '/api/v1/customers', { name: 'A', code });
    const dup = await post(org.token, '/api/v1/customers', { name: 'B', code });
    expect(dup.status).toBe(409);
    expect((await json(dup)).error.code).toBe('conflict');
    expect((await t.call(org.token, '/api/v1/customers?cursor=garbage')).status).toBe(400);
  });

  it('validates bodies with a stable error code', async () => {
    const res = await post(org.token, '/api/v1/customers', { code: 'X' });
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.message).toMatch(/name/);
  });

  it('creates orders under a customer and filters them; foreign customers are invalid', async () => {
    const customer = await json(await post(org.token, '/api/v1/customers', { name: 'Equinor' }));
    const number = `PO-${randomBytes(3).toString('hex')}`;
    const order = await post(org.token, '/api/v1/orders', { customerId: customer.id, number, title: 'Subsea valves' });
    expect(order.status).toBe(201);
    const orderBody = await json(order);
    const list = await json(await t.call(org.token, `/api/v1/orders?customerId=${customer.id}`));
    expect(list.items.map((o: { number: string }) => o.number)).toEqual([number]);
    expect((await t.call(other.token, `/api/v1/orders/${orderBody.id}`)).status).toBe(404);
    const foreign = await post(other.token, '/api/v1/orders', { customerId: customer.id, number: 'PO-X' });
    expect(foreign.status).toBe(404);
  });

  it('creates a document from an artifact, adds revisions, and never changes earlier ones', async () => {
    const customer = await json(await post(org.token, '/api/v1/customers', { name: 'Aker' }));
    const order = await json(
      await post(org.token, '/api/v1/orders', { customerId: customer.id, number: `PO-${randomBytes(3).toString('hex')}` }),
    );
    const first = await uploadNew(org.token);
    const res = await post(org.token, '/api/v1/documents', {
      artifactSha256: first,
      docClass: 'mill_cert',
      title: 'MTC heat 4A2231',
      orderId: order.id,
    });
    expect(res.status).toBe(201);
    const doc = await json(res);
    expect(doc.customerId).toBe(customer.id);
    expect(doc.revisions).toHaveLength(1);
    const second = await uploadNew(org.token);
    const revised = await json(
      await post(org.token, `/api/v1/documents/${doc.id}/revisions`, { artifactSha256: second, note: 'corrected heat' }),
    );
    expect(revised.revisions.map((r: { revisionNo: number; artifactSha256: string }) => [r.revisionNo, r.artifactSha256])).toEqual([
      [1, first],
      [2, second],
    ]);
    const fetched = await json(await t.call(org.token, `/api/v1/documents/${doc.id}`));
    expect(fetched.currentRevision).toBe(2);
    expect((await t.call(other.token, `/api/v1/documents/${doc.id}`)).status).toBe(404);
    const listed = await json(await t.call(org.token, `/api/v1/documents?orderId=${order.id}`));
    expect(listed.items.map((d: { id: string }) => d.id)).toEqual([doc.id]);
  });

  it("extends an artifact's retention when it is filed as a class kept longer", async () => {
    const hash = await uploadNew(org.token, 'other');
    const before = await t.call(org.token, `/api/v1/artifacts/${hash}`, { method: 'HEAD' });
    expect(before.status).toBe(200);
    await post(org.token, '/api/v1/documents', { artifactSha256: hash, docClass: 'book', title: 'MRB 4711' });
    const { artifacts } = await import('../../archive/schema.js');
    const { eq } = await import('drizzle-orm');
    const [row] = await t.deps.db.select().from(artifacts).where(eq(artifacts.sha256, hash));
    expect(row && row.retainUntil.getUTCFullYear() - row.createdAt.getUTCFullYear()).toBe(15);
    const stored = await t.deps.store.stat({ key: row?.storageKey as string, versionId: row?.versionId ?? null });
    expect(stored?.retention?.retainUntil.getTime()).toBeGreaterThanOrEqual(row?.retainUntil.getTime() as number);
  });

  it('refuses a document over an artifact of another organization', async () => {
    const hash = await uploadNew(other.token);
    const res = await post(org.token, '/api/v1/documents', { artifactSha256: hash, docClass: 'coc', title: 'x' });
    expect(res.status).toBe(400);
  });

  it('replays document creation under the same Idempotency-Key', async () => {
    const hash = await uploadNew(org.token);
    const body = { artifactSha256: hash, docClass: 'coc', title: 'CoC 17' };
    const key = { 'idempotency-key': `doc-${randomBytes(4).toString('hex')}` };
    const a = await json(await post(org.token, '/api/v1/documents', body, key));
    const b = await json(await post(org.token, '/api/v1/documents', body, key));
    expect(b.id).toBe(a.id);
  });

  it('issues tokens with a role and expiry, shows the secret once, and revokes them', async () => {
    const res = await post(org.token, '/api/v1/tokens', { name: 'ci', role: 'auditor', email: 'Auditor@Example.com', expiresInDays: 30 });
    expect(res.status).toBe(201);
    const created = await json(res);
    expect(created.token).toMatch(/^arkiv_/);
    expect(created.userEmail).toBe('auditor@example.com');
    const listed = await json(await t.call(org.token, '/api/v1/tokens'));
    const entry = listed.items.find((x: { id: string }) => x.id === created.id);
    expect(entry).toBeDefined();
    expect(JSON.stringify(listed)).not.toContain(created.token);
    // An auditor reads but may not write.
    expect((await t.call(created.token, '/api/v1/customers')).status).toBe(200);
    expect((await post(created.token, '/api/v1/customers', { name: 'nope' })).status).toBe(403);
    expect((await post(created.token, '/api/v1/tokens', { name: 'x', role: 'admin', email: 'x@example.com' })).status).toBe(403);
    expect((await t.call(org.token, `/api/v1/tokens/${created.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await t.call(created.token, '/api/v1/customers')).status).toBe(401);
    expect((await t.call(other.token, `/api/v1/tokens/${created.id}`, { method: 'DELETE' })).status).toBe(404);
  });
});

describe.each(tiers)('customer users ($name tier)', (tier) => {
  let t: TestApp;
  let org: { orgId: string; token: string };
  beforeAll(async () => {
    t = await makeTestApp(tier);
    org = await t.newOrg();
  }, 60_000);
  afterAll(() => t?.cleanup());

  const post = (token: string, path: string, body?: unknown) =>
    t.call(token, path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });

  async function customerWithDocument(name: string) {
    const customer = await json(await post(org.token, '/api/v1/customers', { name }));
    const bytes = randomBytes(800);
    await t.call(org.token, '/api/v1/artifacts?docClass=coc', { method: 'POST', body: bytes });
    const doc = await json(
      await post(org.token, '/api/v1/documents', {
        artifactSha256: sha(bytes),
        docClass: 'coc',
        title: `CoC ${name}`,
        customerId: customer.id,
      }),
    );
    const token = await json(
      await post(org.token, '/api/v1/tokens', { name, role: 'customer', email: `${name}@customer.example`, customerId: customer.id }),
    );
    return { customer, doc, hash: sha(bytes), token: token.token as string };
  }

  it('sees only its own customer, and only published documents and their files', async () => {
    const a = await customerWithDocument('alpha');
    const b = await customerWithDocument('beta');
    // Not yet published: invisible, including the bytes.
    expect((await t.call(a.token, `/api/v1/documents/${a.doc.id}`)).status).toBe(404);
    expect((await t.call(a.token, `/api/v1/artifacts/${a.hash}`)).status).toBe(404);
    expect((await json(await t.call(a.token, '/api/v1/documents'))).items).toEqual([]);
    expect((await post(org.token, `/api/v1/documents/${a.doc.id}/publish`)).status).toBe(200);
    expect((await post(org.token, `/api/v1/documents/${b.doc.id}/publish`)).status).toBe(200);
    expect((await t.call(a.token, `/api/v1/documents/${a.doc.id}`)).status).toBe(200);
    expect((await t.call(a.token, `/api/v1/artifacts/${a.hash}`)).status).toBe(200);
    // Never the other customer's, published or not.
    expect((await t.call(a.token, `/api/v1/documents/${b.doc.id}`)).status).toBe(404);
    expect((await t.call(a.token, `/api/v1/artifacts/${b.hash}`)).status).toBe(404);
    const listed = (await json(await t.call(a.token, '/api/v1/documents'))).items.map((d: { id: string }) => d.id);
    expect(listed).toEqual([a.doc.id]);
    // And no writes.
    expect((await t.call(a.token, '/api/v1/artifacts', { method: 'POST', body: randomBytes(10) })).status).toBe(403);
  });

  it('refuses a customer token without a customer', async () => {
    const res = await post(org.token, '/api/v1/tokens', { name: 'x', role: 'customer', email: 'nobody@customer.example' });
    expect(res.status).toBe(400);
  });
});
