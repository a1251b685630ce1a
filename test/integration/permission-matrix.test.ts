/**
 * Every API route × every role × own organization / foreign organization / foreign customer,
 * generated from the OpenAPI document and the permission matrix in policies/. Each operation
 * declares the permission it needs (`x-arkiv-permission`; `public` for sign-in routes); a route
 * without one fails this test, so new routes are covered as they are added.
 *
 * Expected: own scope + permitted → not 401/403/404; own scope + not permitted → 403; anything
 * of another organization or (for customer users) another customer → 404, never 403.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeExtraction } from '../../archive/extraction/store-extraction.js';
import { artifacts } from '../../archive/schema.js';
import { systemActor } from '../../policies/actor.js';
import { type Permission, type Role, roleHas, roles } from '../../policies/roles.js';
import { pyhanko } from '../signing/support/fixtures.js';
import { createTestPki } from '../signing/support/test-pki.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { stepUpWithToken } from '../support/identity.js';
import { runJobsUntilIdle } from '../support/jobs.js';
import { tiers } from '../support/tiers.js';

interface Operation {
  method: string;
  path: string;
  permission: Permission | 'public';
}

interface World {
  orgId: string;
  adminToken: string;
  customer: string;
  otherCustomer: string;
  order: string;
  otherCustomerOrder: string;
  document: string;
  otherCustomerDocument: string;
  artifact: string;
  otherCustomerArtifact: string;
  signatoryUserId: string;
  extraction: string;
  otherCustomerExtraction: string;
}

/** A signing credential (openssl test PKI) for the credential routes' bodies, made once. */
const signer = { p12Base64: '', passphrase: '' };
/** A small unsigned PDF for POST /verify: readable, so the answer is a 200 report. */
const samplePdf = () => readFileSync(join(pyhanko, 'minimal.pdf'));

type Variant = 'own' | 'foreign-org' | 'foreign-customer';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
const json = (r: Response): Promise<any> => r.json();

describe.each(tiers)('permission matrix ($name tier)', (tier) => {
  let t: TestApp;
  let a: World;
  let b: World;
  const tokens = new Map<Role, string>();
  let operations: Operation[] = [];

  beforeAll(async () => {
    const pkiDir = mkdtempSync(join(tmpdir(), 'arkiv-matrix-pki-'));
    try {
      const pki = createTestPki(pkiDir);
      Object.assign(signer, { p12Base64: readFileSync(pki.p12.rsa).toString('base64'), passphrase: pki.passphrase });
    } finally {
      rmSync(pkiDir, { recursive: true, force: true });
    }
    t = await makeTestApp(tier);
    a = await seedWorld(t);
    b = await seedWorld(t);
    // Index both worlds, so GET /search is checked against real entries of the other org and customer.
    await runJobsUntilIdle(t);
    for (const role of roles) tokens.set(role, await tokenFor(t, a, role));
    // Legal holds need a fresh step-up; the admin under test has just done one.
    await stepUpWithToken(t, tokens.get('admin') as string);
    const doc = (await json(await t.app.request('/openapi.json'))) as { paths: Record<string, Record<string, Record<string, unknown>>> };
    operations = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/v1/'))
      .flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, op]) => ({ method, path, permission: op['x-arkiv-permission'] as Permission | 'public' })),
      );
  }, 180_000);
  afterAll(() => t?.cleanup());

  it('has a declared permission on every API operation', () => {
    expect(operations.length).toBeGreaterThan(10);
    expect(operations.filter((op) => !op.permission).map((op) => `${op.method} ${op.path}`)).toEqual([]);
  });

  it('answers every route × role × scope as the policy says', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const op of operations.filter((o) => o.permission !== 'public')) {
      for (const role of roles) {
        const variants: Variant[] = op.path.includes('{') ? ['own', 'foreign-org'] : ['own'];
        if (role === 'customer' && op.path.includes('{')) variants.push('foreign-customer');
        for (const variant of variants) {
          const world = variant === 'foreign-org' ? b : a;
          const url = fillPath(op.path, world, variant === 'foreign-customer');
          const res = await send(t, tokens.get(role) as string, op, url, world === a ? a : b);
          const permitted = roleHas(role, op.permission as Permission);
          const expectation = expected(variant, permitted, op, role);
          checked++;
          if (!expectation.ok(res.status)) {
            failures.push(`${role} ${variant} ${op.method.toUpperCase()} ${url} → ${res.status} (expected ${expectation.text})`);
          }
          if (variant === 'own' && res.status === 200 && op.method === 'get' && !op.path.includes('{')) {
            const body = await res.text();
            for (const id of [b.customer, b.document, b.order, b.artifact]) {
              if (body.includes(id)) failures.push(`${role} ${op.path} lists ${id} of another organization`);
            }
            if (role === 'customer') {
              for (const id of [a.otherCustomer, a.otherCustomerDocument, a.otherCustomerOrder]) {
                if (body.includes(id)) failures.push(`customer ${op.path} lists ${id} of another customer`);
              }
            }
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  }, 300_000);
});

/** Records of the supplier itself, not of any customer: outside every customer user's scope. */
const supplierOnlyKinds = new Set(['tokens', 'users', 'signing-credentials', 'integrity', 'seals']);

function expected(variant: Variant, permitted: boolean, op: Operation, role: Role): { ok: (s: number) => boolean; text: string } {
  const supplierOnly = supplierOnlyKinds.has(op.path.split('/')[3] ?? '') && op.path.includes('{');
  if (variant !== 'own' || (role === 'customer' && supplierOnly)) {
    // A collection write with a foreign id in its body is answered 400/404: never created, never 403.
    return { ok: (s) => s === 404, text: '404' };
  }
  if (!permitted) return { ok: (s) => s === 403, text: '403' };
  if (op.method === 'delete' && op.path.startsWith('/api/v1/artifacts')) return { ok: (s) => s === 409, text: '409 retention_locked' };
  // Signing also needs a fresh step-up and the caller's own credential, which the matrix's
  // callers lack (signing/API tests cover the success): permitted means "got past the role check".
  if (op.path === '/api/v1/documents/{id}/sign') return { ok: (s) => s === 201 || s === 403, text: '201 or 403 step-up/credential' };
  return { ok: (s) => s < 400 || s === 409, text: '2xx' };
}

/** Fills path parameters with the world's resources; `otherCustomer` picks the sibling customer's. */
function fillPath(path: string, w: World, otherCustomer: boolean): string {
  const kind = path.split('/')[3];
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (name === 'sha256') return otherCustomer ? w.otherCustomerArtifact : w.artifact;
    if (name === 'linkId') return '__link__';
    if (kind === 'documents') return otherCustomer ? w.otherCustomerDocument : w.document;
    if (kind === 'customers') return otherCustomer ? w.otherCustomer : w.customer;
    if (kind === 'orders') return otherCustomer ? w.otherCustomerOrder : w.order;
    if (kind === 'tokens') return '__token__';
    if (kind === 'users') return '__user__';
    if (kind === 'signing-credentials') return '__credential__';
    if (kind === 'integrity') return '__integrity_run__';
    if (kind === 'seals') return '__seal__';
    if (kind === 'extractions') return otherCustomer ? w.otherCustomerExtraction : w.extraction;
    throw new Error(`permission matrix: no resource factory for {${name}} in ${path}; add one`);
  });
}

async function send(t: TestApp, token: string, op: Operation, url: string, world: World): Promise<Response> {
  if (url.includes('__token__')) url = url.replace('__token__', await freshTokenId(t, world));
  if (url.includes('__user__')) url = url.replace('__user__', await freshUserId(t, world));
  if (url.includes('__link__')) url = url.replace('__link__', await freshLinkId(t, world));
  if (url.includes('__credential__')) url = url.replace('__credential__', await freshCredentialId(t, world));
  if (url.includes('__integrity_run__')) url = url.replace('__integrity_run__', await freshIntegrityRunId(t, world));
  if (url.includes('__seal__')) url = url.replace('__seal__', await freshSealId(t, world));
  if (op.method === 'delete' && op.path === '/api/v1/customers/{id}/magic-links') url += '?email=nobody%40customer.example';
  const method = op.method.toUpperCase();
  if (op.method === 'post' && op.path === '/api/v1/artifacts') {
    return t.call(token, url, { method, body: randomBytes(32) });
  }
  if (op.method === 'post' && op.path === '/api/v1/verify') return t.call(token, url, { method, body: samplePdf() });
  const body = sampleBody(op, world);
  return t.call(token, url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
}

/** A valid body for each JSON write; a new write route needs its sample here. */
function sampleBody(op: Operation, w: World): unknown {
  const key = `${op.method} ${op.path}`;
  const unique = randomBytes(4).toString('hex');
  const bodies: Record<string, unknown> = {
    'post /api/v1/customers': { name: `Customer ${unique}` },
    'post /api/v1/orders': { customerId: w.customer, number: `PO-${unique}` },
    'post /api/v1/documents': { artifactSha256: w.artifact, docClass: 'coc', title: `Doc ${unique}`, customerId: w.customer },
    'post /api/v1/documents/{id}/revisions': { artifactSha256: w.artifact, note: 'matrix' },
    'post /api/v1/documents/{id}/publish': undefined,
    'post /api/v1/tokens': { name: 'matrix', role: 'auditor', email: `m-${unique}@example.com` },
    'put /api/v1/artifacts/{sha256}/legal-hold': { on: false, reason: 'permission matrix' },
    'post /api/v1/users': { email: `u-${unique}@example.com`, role: 'auditor' },
    'post /api/v1/identity-providers': { issuer: `https://idp-${unique}.example.com`, audience: 'arkiv', roleMap: {} },
    'post /api/v1/customers/{id}/magic-links': { email: `contact-${unique}@customer.example` },
    'post /api/v1/orders/{id}/close': undefined,
    'post /api/v1/signing-credentials': { userId: w.signatoryUserId, ...signer, docClasses: ['coc'] },
    'post /api/v1/documents/{id}/sign': { reason: 'matrix', level: 'B-B' },
    'post /api/v1/integrity/runs': undefined,
    'post /api/v1/seals': signer,
    'post /api/v1/extractions/{id}/reviews': { field: 'poNumber', action: 'confirm' },
    'post /api/v1/extractions/{id}/dismissal': { reason: 'matrix' },
  };
  if (op.method === 'get' || op.method === 'delete' || op.method === 'head') return undefined;
  if (!(key in bodies)) throw new Error(`permission matrix: add a sample body for ${key}`);
  return bodies[key];
}

async function seedWorld(t: TestApp): Promise<World> {
  const { orgId, token } = await t.newOrg();
  const post = async (path: string, body: unknown) =>
    json(await t.call(token, path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
  const upload = async () => {
    const bytes = randomBytes(256);
    await t.call(token, '/api/v1/artifacts?docClass=coc', { method: 'POST', body: bytes });
    return createHash('sha256').update(bytes).digest('hex');
  };
  const customer = (await post('/api/v1/customers', { name: 'Customer one' })).id;
  const otherCustomer = (await post('/api/v1/customers', { name: 'Customer two' })).id;
  const order = (await post('/api/v1/orders', { customerId: customer, number: `PO-${randomBytes(4).toString('hex')}` })).id;
  const otherCustomerOrder = (await post('/api/v1/orders', { customerId: otherCustomer, number: `PO-${randomBytes(4).toString('hex')}` }))
    .id;
  const artifact = await upload();
  const otherCustomerArtifact = await upload();
  const document = (await post('/api/v1/documents', { artifactSha256: artifact, docClass: 'coc', title: 'CoC', orderId: order })).id;
  const otherCustomerDocument = (
    await post('/api/v1/documents', { artifactSha256: otherCustomerArtifact, docClass: 'coc', title: 'CoC 2', orderId: otherCustomerOrder })
  ).id;
  const signatoryUserId = (
    await post('/api/v1/users', { email: `signer-${randomBytes(3).toString('hex')}@example.com`, role: 'signatory' })
  ).id;
  await post(`/api/v1/documents/${document}/publish`, {});
  await post(`/api/v1/documents/${otherCustomerDocument}/publish`, {});
  const extraction = await seedExtraction(t, orgId, artifact);
  const otherCustomerExtraction = await seedExtraction(t, orgId, otherCustomerArtifact);
  return {
    extraction,
    otherCustomerExtraction,
    orgId,
    adminToken: token,
    customer,
    otherCustomer,
    order,
    otherCustomerOrder,
    document,
    otherCustomerDocument,
    artifact,
    otherCustomerArtifact,
    signatoryUserId,
  };
}

/** An extraction with a low-confidence field, as the extraction job would store it. */
async function seedExtraction(t: TestApp, orgId: string, sha256: string): Promise<string> {
  const [row] = await t.deps.db
    .select({ id: artifacts.id })
    .from(artifacts)
    .where(and(eq(artifacts.orgId, orgId), eq(artifacts.sha256, sha256)));
  const result = { docClass: 'coc', certType: null, source: 'text', fields: { poNumber: 'PO-1' }, fieldConfidence: { poNumber: 0.5 } };
  const stored = await storeExtraction(t.deps, systemActor(orgId), {
    artifactId: row?.id ?? '',
    jobId: null,
    extractorVersion: 'matrix',
    result,
  });
  return stored.id;
}

async function tokenFor(t: TestApp, w: World, role: Role): Promise<string> {
  const body = {
    name: role,
    role,
    email: `${role}-${randomBytes(3).toString('hex')}@example.com`,
    ...(role === 'customer' ? { customerId: w.customer } : {}),
  };
  const res = await t.call(w.adminToken, '/api/v1/tokens', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await json(res)).token;
}

async function freshTokenId(t: TestApp, w: World): Promise<string> {
  const res = await t.call(w.adminToken, '/api/v1/tokens', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'victim', role: 'auditor', email: `v-${randomBytes(3).toString('hex')}@example.com` }),
  });
  return (await json(res)).id;
}

async function freshUserId(t: TestApp, w: World): Promise<string> {
  const res = await t.call(w.adminToken, '/api/v1/users', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `victim-${randomBytes(3).toString('hex')}@example.com`, role: 'auditor' }),
  });
  return (await json(res)).id;
}

async function freshLinkId(t: TestApp, w: World): Promise<string> {
  const res = await t.call(w.adminToken, `/api/v1/customers/${w.customer}/magic-links`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `link-${randomBytes(3).toString('hex')}@customer.example` }),
  });
  return (await json(res)).id;
}

async function freshCredentialId(t: TestApp, w: World): Promise<string> {
  const res = await t.call(w.adminToken, '/api/v1/signing-credentials', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId: w.signatoryUserId, ...signer, docClasses: ['coc'] }),
  });
  return (await json(res)).id;
}

/** A queued integrity run of the world's organization (no job runner here: it stays queued). */
async function freshIntegrityRunId(t: TestApp, w: World): Promise<string> {
  return (await json(await t.call(w.adminToken, '/api/v1/integrity/runs', { method: 'POST' }))).id;
}

/** An organization seal of the world's organization (registering one needs a fresh step-up). */
async function freshSealId(t: TestApp, w: World): Promise<string> {
  const register = () =>
    t.call(w.adminToken, '/api/v1/seals', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(signer),
    });
  let res = await register();
  if (res.status === 403) {
    await stepUpWithToken(t, w.adminToken);
    res = await register();
  }
  return (await json(res)).id;
}
