import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestArchive, type TestArchive } from '../../test/support/fixtures.js';
import { tiers } from '../../test/support/tiers.js';
import { jobs } from '../schema.js';
import { claimJob, completeJob, enqueueJob, failJob, jobCounts, requeueStale } from './queue.js';

describe.each(tiers)('jobs queue ($name tier)', (tier) => {
  let t: TestArchive;
  beforeAll(async () => {
    t = await makeTestArchive(tier);
  });
  afterAll(() => t?.cleanup());

  it('hands each job to exactly one of several concurrent workers', async () => {
    const kind = `k-${Math.random()}`;
    for (let i = 0; i < 10; i++) await enqueueJob(t.deps.db, { kind, payload: { i } });
    const now = new Date(Date.now() + 1000);
    const claimed = await Promise.all(Array.from({ length: 15 }, (_, w) => claimJob(t.deps.db, `w${w}`, [kind], now)));
    const ids = claimed.filter((j) => j !== null).map((j) => j.id);
    expect(ids).toHaveLength(10);
    expect(new Set(ids).size).toBe(10);
  });

  it('retries a failed job with backoff, then gives up after max attempts', async () => {
    const kind = `retry-${Math.random()}`;
    const id = await enqueueJob(t.deps.db, { kind, payload: {}, maxAttempts: 2 });
    let now = new Date(Date.now() + 1000);
    const first = await claimJob(t.deps.db, 'w', [kind], now);
    expect(first?.attempts).toBe(1);
    expect(await failJob(t.deps.db, first as NonNullable<typeof first>, 'boom', now)).toBe('retry');
    expect(await claimJob(t.deps.db, 'w', [kind], now)).toBeNull(); // backing off
    now = new Date(now.getTime() + 5000);
    const second = await claimJob(t.deps.db, 'w', [kind], now);
    expect(second?.attempts).toBe(2);
    expect(await failJob(t.deps.db, second as NonNullable<typeof second>, 'boom again', now)).toBe('failed');
    const [row] = await t.deps.db.select().from(jobs).where(eq(jobs.id, id));
    expect(row?.status).toBe('failed');
    expect(row?.lastError).toBe('boom again');
  });

  it('returns jobs of a dead worker to the queue and counts jobs by status', async () => {
    const kind = `stale-${Math.random()}`;
    await enqueueJob(t.deps.db, { kind, payload: {} });
    const now = new Date(Date.now() + 1000);
    const job = await claimJob(t.deps.db, 'dead', [kind], now);
    expect(job).not.toBeNull();
    expect(await requeueStale(t.deps.db, new Date(now.getTime() + 60_000), 30_000)).toBeGreaterThanOrEqual(1);
    const again = await claimJob(t.deps.db, 'alive', [kind], new Date(now.getTime() + 61_000));
    expect(again?.id).toBe(job?.id);
    await completeJob(t.deps.db, again?.id as string, new Date());
    const counts = await jobCounts(t.deps.db);
    expect(counts.find((c) => c.kind === kind)).toEqual({ kind, status: 'succeeded', count: 1 });
  });
});
