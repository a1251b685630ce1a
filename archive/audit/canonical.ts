import { createHash } from 'node:crypto';

/**
 * Canonical encoding of an audit entry, version 1. The hash chain is computed over exactly these
 * bytes, in the application, so that neither the database's JSON key order nor its timestamp
 * precision can change a hash. Never change version 1; add a version 2 beside it.
 */
export const AUDIT_FORMAT_VERSION = 1;
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditFields {
  orgId: string;
  seq: number;
  at: string;
  actorType: string;
  actorId: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  outcome: string;
  ip: string | null;
  userAgent: string | null;
  /** Canonical JSON text of the details (see `canonicalJson`). */
  details: string;
  prevHash: string;
}

export function canonicalEncoding(entry: AuditFields, formatVersion = AUDIT_FORMAT_VERSION): string {
  if (formatVersion !== 1) throw new Error(`unknown audit format version ${formatVersion}`);
  // A JSON array: fixed field order, unambiguous escaping of every string.
  return JSON.stringify([
    'arkiv-audit',
    1,
    entry.orgId,
    entry.seq,
    entry.at,
    entry.actorType,
    entry.actorId,
    entry.action,
    entry.targetType,
    entry.targetId,
    entry.outcome,
    entry.ip,
    entry.userAgent,
    entry.details,
    entry.prevHash,
  ]);
}

export function entryHash(entry: AuditFields, formatVersion = AUDIT_FORMAT_VERSION): string {
  return createHash('sha256').update(canonicalEncoding(entry, formatVersion), 'utf8').digest('hex');
}

/** JSON with object keys sorted at every depth: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as object).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}
