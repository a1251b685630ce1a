import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ed25519Signer } from '../../archive/audit/checkpoint-signer.js';
import { queueDailySlices } from '../../archive/integrity/schedule.js';
import { integrityRuns } from '../../archive/schema.js';
import { integrityRunJob } from '../../server/jobs/integrity-job.js';
import { startJobRunner } from '../../server/jobs/job-runner.js';
import { createLogger } from '../../server/logger.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { tiers } from '../support/tiers.js';

const signer = ed25519Signer(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
const json = (r: Response): Promise<any> => r.json();

describe.each(tiers)('integrity API, schedule and metrics ($name tier)', (tier) => {
  let t: TestApp;
  let admin: string;
  let auditor: string;
  let controller: string;
  const post = (token: string, path: string, body?: unknown) =>
    t.call(token, path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });

  beforeAll(async () => {
    t = await makeTestApp(tier);
    const org = await t.newOrg();
    admin = org.token;
    for (let i = 0; i < 3; i++)
      expect((await t.call(admin, '/api/v1/artifacts?docClass=coc', { method: 'POST', body: randomBytes(4096) })).status).toBe(201);
    const token = async (role: string) =>
      (
        await json(
          await post(admin, '/api/v1/tokens', { name: role, role, email: `${role}-${randomBytes(3).toString('hex')}@example.com` }),
        )
      ).token;
    auditor = await token('auditor');
    controller = await token('document_controller');
  }, 120_000);
  afterAll(() => t?.cleanup());

  async function runJobs(runId: string) {
    const runner = startJobRunner({
      deps: t.deps,
      definitions: [integrityRunJob({ auditTrust: async () => signer }) as never],
      logger: createLogger({ LOG_LEVEL: 'silent' }),
      pollMs: 20,
    });
    try {
      for (let i = 0; i < 600; i++) {
        const [run] = await t.deps.db.select().from(integrityRuns).where(eq(integrityRuns.id, runId));
        if (run?.status === 'succeeded') return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('integrity run did not finish');
    } finally {
      await runner.stop();
    }
  }

  it('lets an auditor start a run, follow it and read the report; others may not', async () => {
    expect((await post(controller, '/api/v1/integrity/runs')).status).toBe(403);
    const res = await post(auditor, '/api/v1/integrity/runs');
    expect(res.status).toBe(202);
    const queued = await json(res);
    expect(queued).toMatchObject({ scope: 'on_demand', status: 'queued' });
    await runJobs(queued.id);

    const report = await json(await t.call(auditor, `/api/v1/integrity/runs/${queued.id}`));
    expect(report).toMatchObject({
      status: 'succeeded',
      findings: [],
      summary: { ok: true, findings: 0, fixity: { objects: 3, bytes: 3 * 4096 } },
    });
    expect(report.summary.audit).toMatchObject({ ok: true });
    expect(report.progress).toMatchObject({ pass: 'done', objects: 3, etaSeconds: 0 });
    expect((await t.call(controller, `/api/v1/integrity/runs/${queued.id}`)).status).toBe(403);
    const list = await json(await t.call(auditor, '/api/v1/integrity/runs'));
    expect(list.items.map((r: { id: string }) => r.id)).toContain(queued.id);

    const events = await t.call(auditor, `/api/v1/integrity/runs/${queued.id}/events`);
    expect(events.headers.get('content-type')).toContain('text/event-stream');
    const text = await events.text();
    expect(text).toContain('event: progress');
    expect(text).toContain('event: done');
  }, 120_000);

  it('queues one daily slice per organization, however many instances ask', async () => {
    const [a, b] = await Promise.all([queueDailySlices(t.deps), queueDailySlices(t.deps)]);
    expect([...(a ?? []), ...(b ?? [])]).toHaveLength(1);
    const [slice] = await t.deps.db.select().from(integrityRuns).where(eq(integrityRuns.scope, 'slice'));
    await runJobs(slice?.id as string);
    const [done] = await t.deps.db
      .select()
      .from(integrityRuns)
      .where(eq(integrityRuns.id, slice?.id as string));
    // The on-demand run just verified everything, so nothing in today's slice is due again.
    expect(done?.summary).toMatchObject({ ok: true, fixity: { objects: 0 }, signatures: null });
  }, 120_000);

  it('reports the oldest unverified object’s age in /metrics', async () => {
    const text = await (await t.app.request('/metrics')).text();
    const age = Number(/^arkiv_integrity_oldest_unverified_seconds (\S+)$/m.exec(text)?.[1]);
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(600);
  });
});
