import { readFile } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { CheckpointVerifier } from '../../archive/audit/checkpoint-signer.js';
import type { Db } from '../../archive/db.js';
import { markRunFailed } from '../../archive/integrity/run-failure.js';
import { executeRun, type IntegrityOptions } from '../../archive/integrity/run-integrity.js';
import { INTEGRITY_RUN_JOB } from '../../archive/integrity/runs.js';
import type { SignatureVerifier } from '../../archive/integrity/signatures-pass.js';
import { defineJob } from '../../archive/jobs/job-definition.js';
import { jobs } from '../../archive/schema.js';
import { inSystem } from '../../archive/tenancy.js';
import { loadP12, type SigningCredential, verifyPdfFile } from '../../signing/index.js';
import { trustAnchors } from '../../signing/service/verify-upload.js';
import type { Config } from '../config.js';
import { sealIntegrityReport } from '../integrity/seal-report.js';

export interface IntegritySettings {
  /** The audit checkpoint key(s) to trust; without it the audit chain is not part of the run. */
  auditTrust?: () => Promise<CheckpointVerifier>;
  windowDays?: number;
  trustAnchorsPem?: string | undefined;
  /** The credential that signs the organization's PDF report (see reportSealer); null: JSON report only. */
  seal?: (orgId: string) => Promise<SigningCredential | null>;
}

/** The server-wide seal (ARKIV_INTEGRITY_SEAL_P12), loaded once: the fallback for organizations without their own. */
export function sealLoader(config: Pick<Config, 'ARKIV_INTEGRITY_SEAL_P12' | 'ARKIV_INTEGRITY_SEAL_PASSPHRASE'>) {
  let loaded: Promise<SigningCredential | null> | null = null;
  return () => {
    const path = config.ARKIV_INTEGRITY_SEAL_P12;
    loaded ??= path ? readFile(path).then((bytes) => loadP12(bytes, config.ARKIV_INTEGRITY_SEAL_PASSPHRASE ?? '')) : Promise.resolve(null);
    return loaded;
  };
}

/** The signing module's verdict, with the organization's trust anchors (as on ingest). */
export function signatureVerifier(db: Db, trustAnchorsPem: string | undefined): SignatureVerifier {
  return async (orgId, path) => {
    const anchors = await trustAnchors({ db, trustAnchorsPem }, { orgId });
    const report = await verifyPdfFile(path, { trustAnchors: anchors });
    return { valid: report.valid, signatureCount: report.signatures.length };
  };
}

/** Executes, or after a crash resumes, one integrity run; the runner writes an audit checkpoint after it. */
export function integrityRunJob(settings: IntegritySettings = {}) {
  return defineJob({
    kind: INTEGRITY_RUN_JOB,
    version: 1,
    payload: z.object({ runId: z.uuid() }),
    async handle({ runId }, { jobId, orgId, attempt, deps, progress }) {
      if (!orgId) throw new Error('an integrity run needs an organization');
      // A job interrupted again and again (the process dies each time) is requeued past its
      // attempts by the stale-lock sweep; it stops here instead of crashing forever.
      const [job] = await inSystem(deps.db, (tx) => tx.select({ maxAttempts: jobs.maxAttempts }).from(jobs).where(eq(jobs.id, jobId)));
      const maxAttempts = job?.maxAttempts ?? attempt;
      if (attempt > maxAttempts) {
        await markRunFailed(deps, runId, orgId, { reason: `gave up after ${maxAttempts} interrupted attempts`, willRetry: false });
        return;
      }
      const options: IntegrityOptions = {
        willRetry: attempt < maxAttempts,
        verifySignatures: signatureVerifier(deps.db, settings.trustAnchorsPem),
        windowDays: settings.windowDays ?? 90,
        // The job row mirrors the run's progress, and each batch renews the claim (locked_at) so a
        // long run is not taken for a crashed one and requeued beside itself. Neither write may
        // stop the run.
        onProgress: (p) => {
          void progress({ ...p }).catch(() => {});
          void inSystem(deps.db, (tx) => tx.update(jobs).set({ lockedAt: deps.clock.now() }).where(eq(jobs.id, jobId))).catch(() => {});
        },
      };
      if (settings.auditTrust) options.auditTrust = await settings.auditTrust();
      await executeRun(deps, runId, orgId, options);
      const seal = await settings.seal?.(orgId);
      if (seal) await sealIntegrityReport(deps, orgId, runId, seal);
    },
  });
}
