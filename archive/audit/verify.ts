import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../db.js';
import type { ArchiveDeps } from '../deps.js';
import { auditEntries } from '../schema.js';
import { type AuditFields, entryHash, GENESIS_HASH } from './canonical.js';
import { auditOrgIds } from './checkpoint.js';
import { type CheckpointVerifier, ed25519Verifier } from './checkpoint-signer.js';
import { loadCheckpoints, type TrustedCheckpoint } from './verify-checkpoints.js';
import { type AuditProblem, ProblemList } from './verify-problems.js';

export type { AuditProblem, AuditProblemKind } from './verify-problems.js';

export interface OrgAuditReport {
  orgId: string;
  entries: number;
  headSeq: number | null;
  headHash: string | null;
  checkpointsVerified: number;
  problems: AuditProblem[];
}

export interface AuditReport {
  ok: boolean;
  orgs: OrgAuditReport[];
}

export interface VerifyOptions {
  orgId?: string;
  /** Entries read per query; the chain is streamed, never loaded whole. */
  batchSize?: number;
}

type Row = typeof auditEntries.$inferSelect;
type Link = { seq: number; hash: string };

/**
 * Recomputes every organization's audit chain and checks it against the signed checkpoints in
 * the store. Trust is given from outside (the signer, or the public keys of all keys ever used),
 * never taken from the checkpoint objects themselves.
 */
export async function verifyAuditChain(
  deps: Pick<ArchiveDeps, 'db' | 'store'>,
  trust: CheckpointVerifier | readonly (CheckpointVerifier | string)[],
  options: VerifyOptions = {},
): Promise<AuditReport> {
  // Strings are public-key PEMs, e.g. every key ever used, kept by the auditor after rotations.
  const verifiers = (Array.isArray(trust) ? trust : [trust]).map((t: CheckpointVerifier | string) =>
    typeof t === 'string' ? ed25519Verifier(t) : t,
  );
  const trusted = new Map(verifiers.map((v) => [v.keyId, v] as const));
  const orgIds = options.orgId ? [options.orgId] : await knownOrgIds(deps.db);
  const orgs: OrgAuditReport[] = [];
  for (const orgId of orgIds) {
    const problems = new ProblemList();
    // Checkpoints first, entries second: entries only grow, so every checkpoint seen is covered.
    const checkpoints = await loadCheckpoints(deps.db, deps.store, trusted, orgId, problems);
    const walk = await walkChain(deps.db, orgId, checkpoints, options.batchSize ?? 5000, problems);
    orgs.push({ orgId, ...walk, problems: problems.finish() });
  }
  return { ok: orgs.every((o) => o.problems.length === 0), orgs };
}

/** Every org that has entries, a row in organizations, or a checkpoint row. */
async function knownOrgIds(db: Db): Promise<string[]> {
  const listed = await queryRows<{ id: string }>(
    db,
    sql`select id::text as id from organizations union select distinct org_id::text from audit_checkpoints`,
  );
  return [...new Set([...listed.map((r) => r.id), ...(await auditOrgIds(db))])].sort();
}

async function walkChain(db: Db, orgId: string, checkpoints: TrustedCheckpoint[], batchSize: number, problems: ProblemList) {
  const bySeq = new Map<number, TrustedCheckpoint[]>();
  for (const cp of checkpoints) bySeq.set(cp.seq, [...(bySeq.get(cp.seq) ?? []), cp]);
  let entries = 0;
  let checkpointsVerified = 0;
  let lastGoodCheckpoint = 0;
  let prev: Link | null = null;
  let beforePrev: Link | null = null;
  let run: { first: number; last: number; delta: number } | null = null;
  const flushRun = () => {
    if (!run) return;
    const { first, last, delta } = run;
    const what =
      first === last
        ? `entry #${first} was originally #${first + delta}`
        : `entries #${first} to #${last} were originally #${first + delta} to #${last + delta}`;
    problems.add(first, 'renumbered_entry', `${what}: the chain was renumbered`);
    run = null;
  };
  for (let after = 0; ; ) {
    const rows = await db
      .select()
      .from(auditEntries)
      .where(and(eq(auditEntries.orgId, orgId), gt(auditEntries.seq, after)))
      .orderBy(asc(auditEntries.seq))
      .limit(batchSize);
    for (const row of rows) {
      entries += 1;
      const { recomputed, movedBy } = checkEntry(row, prev, beforePrev, problems);
      // A renumbered tail is one finding, not one line per entry.
      if (movedBy !== null && run && run.delta === movedBy && run.last === row.seq - 1) run.last = row.seq;
      else {
        flushRun();
        if (movedBy !== null) run = { first: row.seq, last: row.seq, delta: movedBy };
      }
      for (const cp of bySeq.get(row.seq) ?? []) {
        if (recomputed === cp.hash) {
          checkpointsVerified += 1;
          lastGoodCheckpoint = cp.seq;
        } else {
          problems.add(
            cp.seq,
            'checkpoint_mismatch',
            `signed checkpoint #${cp.seq} (${cp.signedAt}) is not reproduced by the chain: ` +
              `an entry between #${lastGoodCheckpoint + 1} and #${cp.seq} was rewritten`,
          );
        }
      }
      bySeq.delete(row.seq);
      beforePrev = prev;
      prev = { seq: row.seq, hash: row.hash };
    }
    if (rows.length < batchSize) break;
    after = rows[rows.length - 1]?.seq ?? after;
  }
  flushRun();
  // Checkpoints whose entry was never seen: beyond the head (truncation) or inside a gap.
  for (const seq of [...bySeq.keys()].sort((a, b) => a - b)) {
    if (prev === null || seq > prev.seq) {
      problems.add(
        seq,
        'truncated',
        `signed checkpoint #${seq} exists but the chain ends at #${prev?.seq ?? 0}: ` +
          `entries #${(prev?.seq ?? 0) + 1} to #${seq} were removed`,
      );
    } else {
      problems.add(seq, 'checkpoint_mismatch', `entry #${seq}, named by a signed checkpoint, is missing`);
    }
  }
  return { entries, headSeq: prev?.seq ?? null, headHash: prev?.hash ?? null, checkpointsVerified };
}

/**
 * Checks one entry against itself and its predecessor. Returns its recomputed hash, and by how
 * much its seq was shifted when the stored hash reveals a renumbering (reported by the caller).
 */
function checkEntry(
  row: Row,
  prev: Link | null,
  beforePrev: Link | null,
  problems: ProblemList,
): { recomputed: string | null; movedBy: number | null } {
  const expectedSeq = (prev?.seq ?? 0) + 1;
  const gap = row.seq > expectedSeq;
  if (gap) {
    const range = row.seq - 1 === expectedSeq ? `entry #${expectedSeq} is` : `entries #${expectedSeq} to #${row.seq - 1} are`;
    problems.add(expectedSeq, 'missing_entry', `${range} missing: deleted from the chain`);
  }
  // The link is checked first: when it names the previous entry, problems stay in seq order.
  // After a gap the link is broken by the deletion itself, which is already reported.
  if (!gap && row.prevHash !== (prev?.hash ?? GENESIS_HASH)) {
    if (prev && beforePrev && row.prevHash === beforePrev.hash) {
      problems.add(
        prev.seq,
        'inserted_entry',
        `entry #${prev.seq} was inserted: entry #${row.seq} chains directly to entry #${beforePrev.seq}`,
      );
    } else {
      problems.add(row.seq, 'broken_link', `entry #${row.seq} does not chain to entry #${prev?.seq ?? 0}: one of them was replaced`);
    }
  }
  if (row.formatVersion !== 1) {
    problems.add(row.seq, 'unknown_format', `entry #${row.seq} has unknown format version ${row.formatVersion}`);
    return { recomputed: null, movedBy: null };
  }
  const fields = fieldsOf(row);
  const recomputed = entryHash(fields);
  if (recomputed !== row.hash) {
    // The hash covers seq, so a row moved to another number is recognisable as such.
    const movedBy = [-1, 1].find((d) => entryHash({ ...fields, seq: row.seq + d }) === row.hash);
    if (movedBy !== undefined) return { recomputed, movedBy };
    problems.add(row.seq, 'hash_mismatch', `entry #${row.seq} does not match its hash: its contents were changed`);
  }
  return { recomputed, movedBy: null };
}

function fieldsOf(row: Row): AuditFields {
  const { orgId, seq, at, actorType, actorId, action, targetType, targetId, outcome, ip, userAgent, details, prevHash } = row;
  return { orgId, seq, at, actorType, actorId, action, targetType, targetId, outcome, ip, userAgent, details, prevHash };
}
