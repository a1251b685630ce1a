/**
 * What an integrity run can find. Stable names: they are the API's and the report's vocabulary,
 * and auditors filter by them. Audit chain problems keep verifyAuditChain's names, prefixed.
 */
export const storeFindingKinds = [
  'missing_object',
  'orphan_object',
  'extra_version',
  'delete_marker',
  'no_retention',
  'retention_short',
  'legal_hold_missing',
  'size_mismatch',
  'key_mismatch',
  'fixity_mismatch',
  'read_failed',
  'signature_verdict_changed',
] as const;

export type StoreFindingKind = (typeof storeFindingKinds)[number];
/** `audit_<AuditProblemKind>`, e.g. `audit_hash_mismatch`. */
export type FindingKind = StoreFindingKind | `audit_${string}`;

export interface Finding {
  kind: FindingKind;
  artifactId?: string | null;
  objectKey?: string | null;
  versionId?: string | null;
  message: string;
  details?: Record<string, unknown>;
}

export type FindingIdentity = Pick<Finding, 'artifactId' | 'objectKey' | 'versionId' | 'message'> & { kind: string };

/** Identity of a finding within one run: a resumed run must not record the same fault twice. */
export const findingKey = (f: FindingIdentity) => [f.kind, f.artifactId ?? '', f.objectKey ?? '', f.versionId ?? '', f.message].join('|');
