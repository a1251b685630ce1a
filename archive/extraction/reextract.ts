import { sql } from 'drizzle-orm';
import { systemActor } from '../../policies/actor.js';
import { appendAudit } from '../audit/append.js';
import { type Db, queryRows } from '../db.js';
import type { ArchiveDeps } from '../deps.js';
import { EXTRACT_DOCUMENT_JOB } from '../jobs/job-kinds.js';
import { enqueueJob } from '../jobs/queue.js';
import { inSystem, inTenant } from '../tenancy.js';

interface Candidate {
  org_id: string;
  artifact_id: string;
}

/**
 * Queues a fresh extraction for every archived PDF whose newest extraction was made by another
 * extractor version (or for every PDF with `all`). "PDF" is what ingest sniffed from the bytes:
 * exactly those artifacts got a signature verification and an extraction, so either row marks
 * one (files archived before extraction existed included). Artifacts with an extraction job
 * already queued or running are skipped, so running the command twice queues nothing twice.
 */
export async function enqueueReextraction(
  deps: Pick<ArchiveDeps, 'db' | 'clock'>,
  options: { extractorVersion: string; all?: boolean },
): Promise<{ enqueued: number; organizations: number }> {
  const candidates = await inSystem(deps.db, (tx) => findCandidates(tx, options.extractorVersion, options.all ?? false));
  const byOrg = new Map<string, string[]>();
  for (const c of candidates) byOrg.set(c.org_id, [...(byOrg.get(c.org_id) ?? []), c.artifact_id]);
  for (const [orgId, artifactIds] of byOrg) {
    const actor = systemActor(orgId);
    await inTenant(deps.db, actor, async (tx) => {
      for (const artifactId of artifactIds) await enqueueJob(tx, { kind: EXTRACT_DOCUMENT_JOB, orgId, payload: { artifactId } });
      await appendAudit(tx, deps.clock, actor, {
        action: 'extraction.reextract',
        details: { artifacts: artifactIds.length, extractorVersion: options.extractorVersion, all: options.all ?? false },
      });
    });
  }
  return { enqueued: candidates.length, organizations: byOrg.size };
}

function findCandidates(tx: Db, version: string, all: boolean): Promise<Candidate[]> {
  return queryRows<Candidate>(
    tx,
    sql`select a.org_id, a.id as artifact_id
        from artifacts a
        left join lateral (
          select e.extractor_version from extractions e
          where e.artifact_id = a.id order by e.created_at desc, e.id desc limit 1) latest on true
        where a.disposed_at is null
          and (latest.extractor_version is not null
               or exists (select 1 from signature_verifications v where v.artifact_id = a.id))
          and (${all}::boolean or latest.extractor_version is distinct from ${version}::text)
          and not exists (
            select 1 from jobs j where j.kind = ${EXTRACT_DOCUMENT_JOB} and j.status in ('queued', 'running')
              and j.payload->>'artifactId' = a.id::text)
        order by a.org_id, a.created_at`,
  );
}
