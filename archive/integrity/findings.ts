import { eq } from 'drizzle-orm';
import { newId } from '../../core/ids.js';
import { systemActor } from '../../policies/actor.js';
import { appendAudit } from '../audit/append.js';
import type { ArchiveDeps } from '../deps.js';
import { integrityFindings } from '../schema.js';
import { inTenant } from '../tenancy.js';
import { type Finding, type FindingIdentity, findingKey } from './finding-kinds.js';

/**
 * Where a run's findings go: a row in integrity_findings and an entry in the organization's
 * audit chain, in one transaction, so the evidence and its trail cannot disagree. Findings
 * already recorded by an earlier attempt of the same run are skipped (resume is idempotent).
 */
export class FindingSink {
  private readonly seen = new Set<string>();
  /** Finding kinds per artifact, so a later pass need not report a known fault again. */
  private readonly byArtifact = new Map<string, Set<string>>();
  count = 0;

  private constructor(
    private readonly deps: Pick<ArchiveDeps, 'db' | 'clock'>,
    private readonly orgId: string,
    private readonly runId: string,
  ) {}

  static async open(deps: Pick<ArchiveDeps, 'db' | 'clock'>, orgId: string, runId: string): Promise<FindingSink> {
    const sink = new FindingSink(deps, orgId, runId);
    const rows = await inTenant(deps.db, systemActor(orgId), (tx) =>
      tx.select().from(integrityFindings).where(eq(integrityFindings.runId, runId)),
    );
    for (const r of rows) sink.remember(r);
    return sink;
  }

  has(artifactId: string, kind: string): boolean {
    return this.byArtifact.get(artifactId)?.has(kind) ?? false;
  }

  private remember(f: FindingIdentity): void {
    this.seen.add(findingKey(f));
    this.count = this.seen.size;
    if (f.artifactId) this.byArtifact.set(f.artifactId, (this.byArtifact.get(f.artifactId) ?? new Set()).add(f.kind));
  }

  async add(finding: Finding): Promise<void> {
    const key = findingKey(finding);
    if (this.seen.has(key)) return;
    this.remember(finding);
    const actor = systemActor(this.orgId);
    await inTenant(this.deps.db, actor, async (tx) => {
      await tx.insert(integrityFindings).values({
        id: newId(),
        orgId: this.orgId,
        runId: this.runId,
        kind: finding.kind,
        artifactId: finding.artifactId ?? null,
        objectKey: finding.objectKey ?? null,
        versionId: finding.versionId ?? null,
        message: finding.message,
        details: finding.details ?? null,
      });
      await appendAudit(tx, this.deps.clock, actor, {
        action: 'integrity.finding',
        targetType: 'integrity_run',
        targetId: this.runId,
        outcome: 'failure',
        details: {
          kind: finding.kind,
          artifactId: finding.artifactId ?? null,
          objectKey: finding.objectKey ?? null,
          message: finding.message,
        },
      });
    });
  }
}
