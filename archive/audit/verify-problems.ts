export type AuditProblemKind =
  | 'missing_entry'
  | 'hash_mismatch'
  | 'renumbered_entry'
  | 'inserted_entry'
  | 'broken_link'
  | 'unknown_format'
  | 'checkpoint_mismatch'
  | 'truncated'
  | 'checkpoint_malformed'
  | 'checkpoint_untrusted_key'
  | 'checkpoint_bad_signature'
  | 'checkpoint_deleted'
  | 'checkpoint_missing_object'
  | 'checkpoint_db_mismatch'
  | 'more_problems';

/** One finding. `seq` names the offending entry (or checkpoint); null when none can be named. */
export interface AuditProblem {
  seq: number | null;
  kind: AuditProblemKind;
  message: string;
}

/**
 * Collects problems up to a limit. A rewritten tail of millions of entries would otherwise yield
 * millions of lines; the first ones name where the damage starts, the count tells its extent.
 */
export class ProblemList {
  readonly items: AuditProblem[] = [];
  private dropped = 0;

  constructor(private readonly limit = 200) {}

  add(seq: number | null, kind: AuditProblemKind, message: string): void {
    if (this.items.length < this.limit) this.items.push({ seq, kind, message });
    else this.dropped += 1;
  }

  /** In entry order (stable, so one entry's findings keep the order they were found in). */
  finish(): AuditProblem[] {
    const sorted = [...this.items].sort((a, b) => (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER));
    if (this.dropped === 0) return sorted;
    return [...sorted, { seq: null, kind: 'more_problems', message: `${this.dropped} more problems not listed` }];
  }
}
