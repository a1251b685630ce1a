import { generateKeyPairSync } from 'node:crypto';
import { and, asc, eq, gte, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { newId } from '../../core/ids.js';
import { systemActor } from '../../policies/actor.js';
import { retainUntil } from '../../policies/retention.js';
import { makeTestArchive, type TestArchive, uniqueName } from '../../test/support/fixtures.js';
import { tiers } from '../../test/support/tiers.js';
import type { Db } from '../db.js';
import { auditCheckpoints, auditEntries, organizations } from '../schema.js';
import { appendAudit } from './append.js';
import { entryHash } from './canonical.js';
import { checkpointKey, readStoredCheckpoint, statementBytes, writeCheckpoint } from './checkpoint.js';
import { ed25519Signer, ed25519Verifier } from './checkpoint-signer.js';
import { type AuditReport, verifyAuditChain } from './verify.js';
import { formatAuditReport } from './verify-cli.js';

// Threat model (DESIGN.md "Tamper-evident audit"): the table owner can disable the append-only
// triggers and rewrite audit_entries and audit_checkpoints at will, but cannot alter the
// retention-locked checkpoint objects nor sign with Arkiv's key. Each scenario starts fresh.

const newPem = () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const signer = ed25519Signer(newPem());
const ENTRIES = 30;
const CHECKPOINTS = [10, 20, 30];
const BATCH = 7; // small batches, so gaps and links are checked across batch boundaries (15 starts one)

type Row = typeof auditEntries.$inferSelect;

async function seed(archive: TestArchive): Promise<string> {
  const { db, clock } = archive.deps;
  const orgId = newId();
  await db.insert(organizations).values({ id: orgId, name: uniqueName('org-') });
  for (let i = 1; i <= ENTRIES; i++) {
    await db.transaction((tx) =>
      appendAudit(tx, clock, systemActor(orgId), {
        action: i % 3 === 0 ? 'artifact.create' : 'artifact.read',
        targetType: 'artifact',
        targetId: `sha-${i}`,
        details: { n: i },
      }),
    );
    if (CHECKPOINTS.includes(i)) expect(await writeCheckpoint(archive.deps, signer, orgId)).not.toBeNull();
  }
  return orgId;
}

/** What an attacker with the table owner's role does: switch the triggers off, then write. */
async function asTableOwner(db: Db, tamper: (tx: Db) => Promise<void>): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`alter table audit_entries disable trigger user`);
    await tx.execute(sql`alter table audit_checkpoints disable trigger user`);
    await tamper(tx);
    await tx.execute(sql`alter table audit_entries enable trigger user`);
    await tx.execute(sql`alter table audit_checkpoints enable trigger user`);
  });
}

const rowsFrom = (db: Db, orgId: string, seq: number) =>
  db
    .select()
    .from(auditEntries)
    .where(and(eq(auditEntries.orgId, orgId), gte(auditEntries.seq, seq)))
    .orderBy(asc(auditEntries.seq));
const at = (orgId: string, seq: number) => and(eq(auditEntries.orgId, orgId), eq(auditEntries.seq, seq));
const rehash = (row: Row): Row => ({ ...row, hash: entryHash(row) });
const verify = (archive: TestArchive, orgId?: string) =>
  verifyAuditChain(archive.deps, signer, orgId ? { orgId, batchSize: BATCH } : { batchSize: BATCH });
/** The value, or a failed test: keeps the scenarios free of non-null assertions. */
function must<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error('expected a value');
  return value;
}
const problemsOf = (report: AuditReport, orgId: string) => report.orgs.find((o) => o.orgId === orgId)?.problems ?? [];

async function failureText(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    const parts: string[] = [];
    for (let e: unknown = err; e instanceof Error; e = e.cause) parts.push(e.message);
    return parts.join(' / ');
  }
  return 'no error';
}

describe.each(tiers)('audit chain ($name tier)', (tier) => {
  let archive: TestArchive;
  const fresh = async () => {
    archive = await makeTestArchive(tier);
    return { orgId: await seed(archive), db: archive.deps.db };
  };
  afterEach(async () => archive?.cleanup());

  it('verifies an untouched history against every signed checkpoint', async () => {
    const { orgId, db } = await fresh();
    const emptyOrg = newId();
    await db.insert(organizations).values({ id: emptyOrg, name: uniqueName('empty-') });
    const report = await verify(archive);
    expect(report.ok).toBe(true);
    expect(report.orgs.find((o) => o.orgId === orgId)).toMatchObject({
      entries: ENTRIES,
      headSeq: ENTRIES,
      checkpointsVerified: 3,
      problems: [],
    });
    expect(report.orgs.find((o) => o.orgId === emptyOrg)).toMatchObject({ entries: 0, headSeq: null, problems: [] });
    // Trust can be given as public keys only (e.g. every key ever used, after a rotation).
    expect((await verifyAuditChain(archive.deps, [ed25519Verifier(signer.publicKeyPem)], { orgId })).ok).toBe(true);
    expect((await verifyAuditChain(archive.deps, [signer.publicKeyPem], { orgId })).ok).toBe(true);
    expect(formatAuditReport(report, false)).toMatch(/^OK +\S+ +30 entries, head #30 .*3 checkpoints verified/m);
  });

  it('stores each checkpoint as a signed, retention-locked object and skips an unchanged head', async () => {
    const { orgId } = await fresh();
    expect(await writeCheckpoint(archive.deps, signer, orgId)).toBeNull();
    const row = must((await archive.deps.db.select().from(auditCheckpoints).where(eq(auditCheckpoints.seq, 30)))[0]);
    expect(row.objectKey).toBe(checkpointKey(orgId, 30));
    const ref = { key: row.objectKey, versionId: row.versionId };
    const stored = must(await readStoredCheckpoint(archive.deps.store, ref));
    expect(stored.statement).toMatchObject({ format: 'arkiv-audit-checkpoint/1', orgId, seq: 30, keyId: signer.keyId });
    expect(signer.verify(statementBytes(stored.statement), Buffer.from(stored.signature, 'base64'))).toBe(true);
    const retention = must((await archive.deps.store.stat(ref))?.retention);
    expect(retention.mode).toBe('COMPLIANCE');
    expect(retention.retainUntil.getTime()).toBeGreaterThan(retainUntil('audit_checkpoint', new Date()).getTime() - 86_400_000);
  });

  it('writes one checkpoint when two instances race for the same head', async () => {
    const { orgId, db } = await fresh();
    await db.transaction((tx) => appendAudit(tx, archive.deps.clock, systemActor(orgId), { action: 'book.publish' }));
    const results = await Promise.all([1, 2, 3].map(() => writeCheckpoint(archive.deps, signer, orgId)));
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(await db.select().from(auditCheckpoints).where(eq(auditCheckpoints.seq, 31))).toHaveLength(1);
    expect((await verify(archive, orgId)).ok).toBe(true);
  });

  it('rejects UPDATE, DELETE and TRUNCATE while the triggers are on', async () => {
    const { orgId, db } = await fresh();
    expect(await failureText(db.update(auditEntries).set({ action: 'x' }).where(at(orgId, 5)))).toMatch(/append-only/);
    expect(await failureText(db.delete(auditEntries).where(at(orgId, 5)))).toMatch(/append-only/);
    expect(await failureText(db.execute(sql`truncate audit_entries`))).toMatch(/append-only/);
    expect(await failureText(db.delete(auditCheckpoints))).toMatch(/append-only/);
    expect((await verify(archive, orgId)).ok).toBe(true);
  });

  it('(a) names an edited entry', async () => {
    const { orgId, db } = await fresh();
    await asTableOwner(db, async (tx) => {
      await tx.update(auditEntries).set({ action: 'artifact.create' }).where(at(orgId, 14));
    });
    const report = await verify(archive, orgId);
    expect(report.ok).toBe(false);
    expect(problemsOf(report, orgId)).toEqual([expect.objectContaining({ seq: 14, kind: 'hash_mismatch' })]);
    expect(formatAuditReport(report, false)).toMatch(/^FAILED .*\n {2}#14 hash_mismatch: entry #14/m);
  });

  it('(b) names a deleted entry', async () => {
    const { orgId, db } = await fresh();
    await asTableOwner(db, async (tx) => {
      await tx.delete(auditEntries).where(at(orgId, 15));
    });
    const report = await verify(archive, orgId);
    expect(problemsOf(report, orgId)).toEqual([expect.objectContaining({ seq: 15, kind: 'missing_entry' })]);
    expect(report.orgs[0]).toMatchObject({ entries: ENTRIES - 1, checkpointsVerified: 3 });
  });

  it('(c) names a forged entry slipped into the middle, with the tail renumbered', async () => {
    const { orgId, db } = await fresh();
    await asTableOwner(db, async (tx) => {
      const before = must((await rowsFrom(tx, orgId, 14))[0]);
      const tail = await rowsFrom(tx, orgId, 15);
      await tx.delete(auditEntries).where(and(eq(auditEntries.orgId, orgId), gte(auditEntries.seq, 15)));
      // A perfectly well-formed entry that chains to #14...
      const forged = rehash({ ...must(tail[0]), seq: 15, action: 'artifact.delete', targetId: 'sha-covered-up', prevHash: before.hash });
      await tx.insert(auditEntries).values(forged);
      // ...and the genuine tail moved up by one, without touching its hashes.
      for (const row of tail) await tx.insert(auditEntries).values({ ...row, seq: row.seq + 1 });
    });
    const problems = problemsOf(await verify(archive, orgId), orgId);
    expect(problems[0]).toMatchObject({ seq: 15, kind: 'inserted_entry' });
    expect(problems).toContainEqual({
      seq: 16,
      kind: 'renumbered_entry',
      message: expect.stringContaining('entries #16 to #31 were originally #15 to #30'),
    });
    expect(problems).toContainEqual(expect.objectContaining({ seq: 20, kind: 'checkpoint_mismatch' }));
  });

  it('(d) reports truncation below the last checkpoint, naming the checkpoint', async () => {
    const { orgId, db } = await fresh();
    await asTableOwner(db, async (tx) => {
      await tx.delete(auditEntries).where(and(eq(auditEntries.orgId, orgId), gte(auditEntries.seq, 26)));
      await tx.delete(auditCheckpoints).where(eq(auditCheckpoints.seq, 30)); // hide it in the DB too
    });
    const report = await verify(archive, orgId);
    expect(report.orgs[0]).toMatchObject({ headSeq: 25, checkpointsVerified: 2 });
    const problems = problemsOf(report, orgId);
    expect(problems).toEqual([expect.objectContaining({ seq: 30, kind: 'truncated' })]);
    expect(problems[0]?.message).toContain('entries #26 to #30 were removed');
  });

  it('(e) catches a rewrite whose later hashes were all recomputed, by the signed checkpoints', async () => {
    const { orgId, db } = await fresh();
    await asTableOwner(db, async (tx) => {
      let prevHash = must((await rowsFrom(tx, orgId, 14))[0]).hash;
      for (const row of await rowsFrom(tx, orgId, 15)) {
        const next = rehash({
          ...row,
          prevHash,
          action: row.seq === 15 ? 'artifact.read' : row.action,
          targetId: row.seq === 15 ? 'sha-other' : row.targetId,
        });
        await tx
          .update(auditEntries)
          .set({ action: next.action, targetId: next.targetId, prevHash, hash: next.hash })
          .where(at(orgId, row.seq));
        // The attacker also rewrites the checkpoint table to agree with the new chain.
        await tx
          .update(auditCheckpoints)
          .set({ hash: next.hash })
          .where(and(eq(auditCheckpoints.orgId, orgId), eq(auditCheckpoints.seq, row.seq)));
        prevHash = next.hash;
      }
    });
    const report = await verify(archive, orgId);
    const problems = problemsOf(report, orgId);
    expect(problems.filter((p) => p.kind === 'hash_mismatch' || p.kind === 'broken_link')).toEqual([]);
    expect(problems).toContainEqual(expect.objectContaining({ seq: 20, kind: 'checkpoint_mismatch' }));
    expect(problems.find((p) => p.seq === 20 && p.kind === 'checkpoint_mismatch')?.message).toContain('between #11 and #20');
    expect(problems).toContainEqual(expect.objectContaining({ seq: 20, kind: 'checkpoint_db_mismatch' }));
    expect(report.orgs[0]?.checkpointsVerified).toBe(1); // #10, before the rewrite
  });

  it('reports a checkpoint row that the store does not hold', async () => {
    const { orgId, db } = await fresh();
    const real = must((await db.select().from(auditCheckpoints).where(eq(auditCheckpoints.seq, 20)))[0]);
    // Checkpoint rows are append-only too, but inserting is allowed: a forged row must not count.
    await db.insert(auditCheckpoints).values({ ...real, id: newId(), seq: 25, objectKey: checkpointKey(orgId, 25) });
    const report = await verify(archive, orgId);
    expect(problemsOf(report, orgId)).toEqual([expect.objectContaining({ seq: 25, kind: 'checkpoint_missing_object' })]);
    expect(report.orgs[0]?.checkpointsVerified).toBe(3);
  });

  it('does not trust a checkpoint signed with a key of the attacker', async () => {
    const { orgId, db } = await fresh();
    const attacker = ed25519Signer(newPem());
    await db.transaction((tx) => appendAudit(tx, archive.deps.clock, systemActor(orgId), { action: 'book.publish' }));
    await writeCheckpoint(archive.deps, attacker, orgId);
    const problems = problemsOf(await verify(archive, orgId), orgId);
    expect(problems).toEqual([expect.objectContaining({ seq: 31, kind: 'checkpoint_untrusted_key' })]);
  });
});
