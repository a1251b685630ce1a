import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db.js';
import type { BlobStore } from '../ports/blob-store.js';
import { auditCheckpoints } from '../schema.js';
import { type CheckpointStatement, checkpointPrefix, MAX_CHECKPOINT_BYTES, readStoredCheckpoint, statementBytes } from './checkpoint.js';
import type { CheckpointVerifier } from './checkpoint-signer.js';
import type { ProblemList } from './verify-problems.js';

/** A checkpoint object whose signature verified against a trusted key. */
export interface TrustedCheckpoint extends CheckpointStatement {
  objectKey: string;
  versionId: string | null;
}

interface ListedCheckpoint {
  statement: CheckpointStatement;
  signature: string;
}

const refKey = (key: string, versionId: string | null) => `${key}\u0000${versionId ?? ''}`;
const seqInKey = (key: string) => {
  const m = /\/(\d{20})\.json$/.exec(key);
  return m ? Number(m[1]) : null;
};

/**
 * Loads the org's checkpoints from the store (every version), checks each signature against the
 * trusted keys, and compares the `audit_checkpoints` table with what the store holds. The table
 * is read first: a checkpoint committed after the store listing would otherwise look orphaned.
 */
export async function loadCheckpoints(
  db: Db,
  store: BlobStore,
  trusted: ReadonlyMap<string, CheckpointVerifier>,
  orgId: string,
  problems: ProblemList,
): Promise<TrustedCheckpoint[]> {
  const dbRows = await db.select().from(auditCheckpoints).where(eq(auditCheckpoints.orgId, orgId)).orderBy(asc(auditCheckpoints.seq));
  const listed = new Map<string, ListedCheckpoint>();
  const valid: TrustedCheckpoint[] = [];
  for await (const v of store.listVersions(checkpointPrefix(orgId))) {
    const seq = seqInKey(v.key);
    if (v.isDeleteMarker) {
      // Arkiv never deletes checkpoints; under Object Lock the version survives, but someone tried.
      problems.add(seq, 'checkpoint_deleted', `someone placed a delete marker on checkpoint object ${v.key}`);
      continue;
    }
    const parsed = v.size <= MAX_CHECKPOINT_BYTES ? await readStoredCheckpoint(store, v) : null;
    if (!parsed || parsed.statement.orgId !== orgId || parsed.statement.seq !== seq) {
      problems.add(seq, 'checkpoint_malformed', `object ${v.key} is not a well-formed checkpoint of this organization`);
      continue;
    }
    const s = parsed.statement;
    listed.set(refKey(v.key, v.versionId), parsed);
    const verifier = trusted.get(s.keyId);
    if (!verifier) {
      problems.add(s.seq, 'checkpoint_untrusted_key', `checkpoint #${s.seq} is signed by key ${s.keyId}, which is not trusted`);
    } else if (!verifier.verify(statementBytes(s), Buffer.from(parsed.signature, 'base64'))) {
      problems.add(s.seq, 'checkpoint_bad_signature', `checkpoint #${s.seq} has an invalid signature (${v.key})`);
    } else {
      valid.push({ ...s, objectKey: v.key, versionId: v.versionId });
    }
  }
  // A stored checkpoint without a row is harmless (a crash between put and commit); a row
  // without its object, or disagreeing with it, means the table was written behind Arkiv's back.
  for (const row of dbRows) {
    const stored = listed.get(refKey(row.objectKey, row.versionId));
    if (!stored) {
      problems.add(
        row.seq,
        'checkpoint_missing_object',
        `checkpoint #${row.seq} is in the database but ${row.objectKey} is not in the store`,
      );
      continue;
    }
    const s = stored.statement;
    if (
      s.seq !== row.seq ||
      s.hash !== row.hash ||
      s.signedAt !== row.signedAt ||
      s.keyId !== row.keyId ||
      stored.signature !== row.signature
    ) {
      problems.add(row.seq, 'checkpoint_db_mismatch', `checkpoint #${row.seq} in the database differs from the stored, signed checkpoint`);
    }
  }
  return valid;
}
