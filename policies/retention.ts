/**
 * How long each class of record must be kept, and how. Manufacturing record books and the
 * certificates in them are typically contractually required for 10+ years; COMPLIANCE mode
 * means nobody, not even an administrator of the storage, can shorten it.
 */
export const documentClasses = ['mill_cert', 'coc', 'itp', 'inspection_report', 'book', 'other'] as const;
export type DocumentClass = (typeof documentClasses)[number];

export type RetentionMode = 'COMPLIANCE' | 'GOVERNANCE';

export interface RetentionRule {
  years: number;
  mode: RetentionMode;
}

const rules: Record<DocumentClass | 'audit_checkpoint', RetentionRule> = {
  mill_cert: { years: 10, mode: 'COMPLIANCE' },
  coc: { years: 10, mode: 'COMPLIANCE' },
  itp: { years: 10, mode: 'COMPLIANCE' },
  inspection_report: { years: 10, mode: 'COMPLIANCE' },
  book: { years: 15, mode: 'COMPLIANCE' },
  other: { years: 7, mode: 'COMPLIANCE' },
  audit_checkpoint: { years: 15, mode: 'COMPLIANCE' },
};

export function retentionRule(docClass: DocumentClass | 'audit_checkpoint'): RetentionRule {
  return rules[docClass];
}

export function isDocumentClass(value: string): value is DocumentClass {
  return (documentClasses as readonly string[]).includes(value);
}

/** The retain-until date for a record of `docClass` stored at `from`. */
export function retainUntil(docClass: DocumentClass | 'audit_checkpoint', from: Date): Date {
  const until = new Date(from.getTime());
  until.setUTCFullYear(until.getUTCFullYear() + rules[docClass].years);
  return until;
}

/** Retention can only ever be extended: the later of the two dates wins. */
export function laterOf(a: Date, b: Date): Date {
  return a.getTime() >= b.getTime() ? a : b;
}

/** Whether deletion is permitted now. Legal hold suspends expiry entirely. */
export function mayDelete(retain: { retainUntil: Date; legalHold: boolean }, now: Date): boolean {
  return !retain.legalHold && now.getTime() >= retain.retainUntil.getTime();
}
