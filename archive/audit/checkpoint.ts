import type { Readable } from 'node:stream';
import { desc, eq, sql } from 'drizzle-orm';
import { AppError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { retainUntil, retentionRule } from '../../policies/retention.js';
import { lockKey } from '../adapters/database.js';
import { type Db, queryRows } from '../db.js';
import type { ArchiveDeps } from '../deps.js';
import type { BlobRef, BlobStore } from '../ports/blob-store.js';
import { auditCheckpoints, auditEntries } from '../schema.js';
import { inSystem } from '../tenancy.js';
import { canonicalJson } from './canonical.js';
import type { CheckpointSigner } from './checkpoint-signer.js';

/**
 * Signed checkpoints of each organization's audit chain head, kept as retention-locked objects.
 * The database can be rewritten by its owner (triggers can be disabled); a COMPLIANCE-locked
 * object cannot, so verification trusts these objects, not the `audit_checkpoints` table.
 */
export const CHECKPOINT_FORMAT = 'arkiv-audit-checkpoint/1';
/** Checkpoint objects are tiny; anything bigger is not ours and is not read into memory. */
export const MAX_CHECKPOINT_BYTES = 64 * 1024;

export interface CheckpointStatement {
  format: typeof CHECKPOINT_FORMAT;
  orgId: string;
  seq: number;
  hash: string;
  signedAt: string;
  keyId: string;
}

/** The stored object: the statement, its base64 Ed25519 signature and (for humans) the key. */
export interface CheckpointObject {
  statement: CheckpointStatement;
  signature: string;
  publicKeyPem: string;
}

export type CheckpointRecord = typeof auditCheckpoints.$inferSelect;
export type CheckpointDeps = Pick<ArchiveDeps, 'db' | 'store' | 'clock'>;

export const checkpointPrefix = (orgId: string) => `${orgId}/audit-checkpoints/`;
/** Zero-padded so that the store lists checkpoints in sequence order. */
export const checkpointKey = (orgId: string, seq: number) => `${checkpointPrefix(orgId)}${String(seq).padStart(20, '0')}.json`;

/** The signed bytes: canonical JSON, so signer and verifier agree without sharing a serializer. */
export const statementBytes = (s: CheckpointStatement) => Buffer.from(canonicalJson(s), 'utf8');

/**
 * Signs and stores a checkpoint of the org's chain head, unless the last checkpoint already
 * covers it. Returns the new record, or null when there was nothing to do.
 */
export async function writeCheckpoint(deps: CheckpointDeps, signer: CheckpointSigner, orgId: string): Promise<CheckpointRecord | null> {
  return inSystem(deps.db, async (tx) => {
    // Several instances run the hourly cron: the second waits here, then sees the first one's row.
    await lockKey(tx, `arkiv:audit-checkpoint:${orgId}`);
    const [head] = await tx
      .select({ seq: auditEntries.seq, hash: auditEntries.hash })
      .from(auditEntries)
      .where(eq(auditEntries.orgId, orgId))
      .orderBy(desc(auditEntries.seq))
      .limit(1);
    if (!head) return null;
    const [last] = await tx
      .select({ seq: auditCheckpoints.seq })
      .from(auditCheckpoints)
      .where(eq(auditCheckpoints.orgId, orgId))
      .orderBy(desc(auditCheckpoints.seq))
      .limit(1);
    if (last && last.seq >= head.seq) return null;

    const now = deps.clock.now();
    const statement: CheckpointStatement = {
      format: CHECKPOINT_FORMAT,
      orgId,
      seq: head.seq,
      hash: head.hash,
      signedAt: now.toISOString(),
      keyId: signer.keyId,
    };
    const signature = signer.sign(statementBytes(statement)).toString('base64');
    const body: CheckpointObject = { statement, signature, publicKeyPem: signer.publicKeyPem };
    const key = checkpointKey(orgId, head.seq);
    const ref = await deps.store.putBytes(Buffer.from(`${JSON.stringify(body, null, 2)}\n`, 'utf8'), {
      key,
      contentType: 'application/json',
      retention: { mode: retentionRule('audit_checkpoint').mode, retainUntil: retainUntil('audit_checkpoint', now) },
    });
    const stored = await readStoredCheckpoint(deps.store, ref);
    const adopted = stored && sameCheckpoint(stored, statement, signer) ? stored : null;
    if (!adopted) {
      // The filesystem store never replaces a key; an earlier, unrelated object there is a red flag.
      throw new AppError('store_integrity_failure', `audit checkpoint ${key} in the store is not the one just written`);
    }
    // A crash between put and commit can leave an object without a row; the next run finds that
    // object at the same key and records it instead of ours, so the row always matches the store.
    const [row] = await tx
      .insert(auditCheckpoints)
      .values({
        id: newId(),
        orgId,
        seq: adopted.statement.seq,
        hash: adopted.statement.hash,
        signedAt: adopted.statement.signedAt,
        keyId: adopted.statement.keyId,
        signature: adopted.signature,
        objectKey: ref.key,
        versionId: ref.versionId,
      })
      .returning();
    return row ?? null;
  });
}

function sameCheckpoint(stored: CheckpointObject, ours: CheckpointStatement, signer: CheckpointSigner): boolean {
  const s = stored.statement;
  return (
    s.orgId === ours.orgId &&
    s.seq === ours.seq &&
    s.hash === ours.hash &&
    s.keyId === signer.keyId &&
    signer.verify(statementBytes(s), Buffer.from(stored.signature, 'base64'))
  );
}

export interface CheckpointRun {
  written: CheckpointRecord[];
  failed: { orgId: string; message: string }[];
}

/** For the hourly cron and the end of every job: one org's failure does not stop the others. */
export async function writeCheckpointsForAllOrgs(deps: CheckpointDeps, signer: CheckpointSigner): Promise<CheckpointRun> {
  const run: CheckpointRun = { written: [], failed: [] };
  for (const orgId of await auditOrgIds(deps.db)) {
    try {
      const record = await writeCheckpoint(deps, signer, orgId);
      if (record) run.written.push(record);
    } catch (err) {
      run.failed.push({ orgId, message: err instanceof Error ? err.message : String(err) });
    }
  }
  return run;
}

/** Distinct org ids in audit_entries by a loose index scan on the primary key, not a full scan. */
export async function auditOrgIds(db: Db): Promise<string[]> {
  const rows = await queryRows<{ org_id: string }>(
    db,
    sql`with recursive o(org_id) as (
          (select org_id from audit_entries order by org_id limit 1)
          union all
          select (select a.org_id from audit_entries a where a.org_id > o.org_id order by a.org_id limit 1)
          from o where o.org_id is not null)
        select org_id::text as org_id from o where org_id is not null`,
  );
  return rows.map((r) => r.org_id);
}

/** Reads and shape-checks a checkpoint object; null when it is not a well-formed checkpoint. */
export async function readStoredCheckpoint(store: BlobStore, ref: BlobRef): Promise<CheckpointObject | null> {
  const bytes = await readLimited(await store.open(ref), MAX_CHECKPOINT_BYTES);
  return bytes ? parseCheckpointObject(bytes) : null;
}

export function parseCheckpointObject(bytes: Buffer): CheckpointObject | null {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return null;
  }
  const o = value as Partial<CheckpointObject> | null;
  const s = o?.statement as Partial<CheckpointStatement> | undefined;
  const ok =
    typeof o?.signature === 'string' &&
    typeof o.publicKeyPem === 'string' &&
    s?.format === CHECKPOINT_FORMAT &&
    typeof s.orgId === 'string' &&
    Number.isSafeInteger(s.seq) &&
    typeof s.hash === 'string' &&
    typeof s.signedAt === 'string' &&
    typeof s.keyId === 'string';
  if (!ok) return null;
  // Only these fields are signed: an object with extra claims fails verification, it cannot add them.
  const { format, orgId, seq, hash, signedAt, keyId } = s as CheckpointStatement;
  return {
    statement: { format, orgId, seq, hash, signedAt, keyId },
    signature: o.signature as string,
    publicKeyPem: o.publicKeyPem as string,
  };
}

async function readLimited(stream: Readable, max: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > max) {
      stream.destroy();
      return null;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
