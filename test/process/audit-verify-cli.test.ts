import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../archive/adapters/database.js';
import { appendAudit } from '../../archive/audit/append.js';
import type { Db } from '../../archive/db.js';
import { organizations } from '../../archive/schema.js';
import { systemClock } from '../../core/clock.js';
import { systemActor } from '../../policies/actor.js';
import { makeTierEnv, runCli, type TierEnv } from '../support/server-process.js';
import { tiers } from '../support/tiers.js';

/** Opens the tier's database as its owner, the way someone with database access would. */
async function asOwner<T>(t: TierEnv, fn: (db: Db) => Promise<T>): Promise<T> {
  const database = await openDatabase({ url: t.env.DATABASE_URL, dataDir: t.dataDir });
  try {
    await database.migrate();
    return await fn(database.db);
  } finally {
    await database.close();
  }
}

async function seedHistory(t: TierEnv, entries: number): Promise<string> {
  const orgId = randomUUID();
  await asOwner(t, async (db) => {
    await db.insert(organizations).values({ id: orgId, name: `audit-${orgId}` });
    for (let i = 0; i < entries; i++) {
      await db.transaction((tx) => appendAudit(tx, systemClock, systemActor(orgId), { action: 'artifact.read', targetId: `t${i}` }));
    }
  });
  return orgId;
}

async function verify(t: TierEnv) {
  const result = await runCli(t.env, ['audit', 'verify', '--json']);
  return {
    code: result.code,
    report: JSON.parse(result.stdout) as { ok: boolean; orgs: Array<{ problems: Array<{ seq: number | null; kind: string }> }> },
  };
}

const tamper = {
  'an edited row': (orgId: string) => sql`update audit_entries set action = 'artifact.delete' where org_id = ${orgId} and seq = 7`,
  'a deleted row': (orgId: string) => sql`delete from audit_entries where org_id = ${orgId} and seq = 7`,
  // Appended after the last checkpoint: caught by its broken link alone.
  'an inserted row': (orgId: string) =>
    sql`insert into audit_entries (org_id, seq, format_version, at, actor_type, actor_id, action, outcome, details, prev_hash, hash)
        select org_id, 13, format_version, at, actor_type, actor_id, 'artifact.delete', outcome, details, hash, repeat('a', 64)
        from audit_entries where org_id = ${orgId} and seq = 12`,
  'a truncated tail': (orgId: string) => sql`delete from audit_entries where org_id = ${orgId} and seq > 9`,
} as const;
const expectedSeq: Record<keyof typeof tamper, number> = {
  'an edited row': 7,
  'a deleted row': 7,
  'an inserted row': 13,
  'a truncated tail': 12,
};

describe.each(tiers)('arkiv audit verify on a tampered database ($name tier)', (tier) => {
  let t: TierEnv;
  afterEach(() => t?.cleanup());

  it('passes on a normal history with its signed checkpoints', async () => {
    t = await makeTierEnv(tier);
    await seedHistory(t, 12);
    expect((await runCli(t.env, ['audit', 'checkpoint'])).code).toBe(0);
    const { code, report } = await verify(t);
    expect(report.ok).toBe(true);
    expect(code).toBe(0);
  }, 120_000);

  it.each(Object.keys(tamper) as Array<keyof typeof tamper>)(
    'fails naming the entry after %s, triggers disabled by the owner',
    async (kind) => {
      t = await makeTierEnv(tier);
      const orgId = await seedHistory(t, 12);
      expect((await runCli(t.env, ['audit', 'checkpoint'])).code).toBe(0);
      await asOwner(t, async (db) => {
        await db.execute(sql`alter table audit_entries disable trigger user`);
        await db.execute(tamper[kind](orgId));
        await db.execute(sql`alter table audit_entries enable trigger user`);
      });
      const { code, report } = await verify(t);
      expect(code).toBe(1);
      expect(report.ok).toBe(false);
      const problems = report.orgs.flatMap((o) => o.problems);
      expect(problems.map((p) => p.seq)).toContain(expectedSeq[kind]);
    },
    120_000,
  );
});
