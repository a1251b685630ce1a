import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { BackupSummary } from '../../archive/backup/format.js';
import type { RestoreProblem } from '../../archive/backup/read-backup.js';
import { restoreBackup } from '../../archive/backup/restore-backup.js';
import { RestoreRefused } from '../../archive/backup/restore-errors.js';
import { type RestoredVerification, verifyRestored } from '../../archive/backup/verify-restored.js';
import { loadAuditSigner } from '../audit-key.js';
import { loadSigningSettings } from '../identity-settings.js';
import { signatureVerifier } from '../jobs/integrity-job.js';
import type { Runtime } from '../runtime.js';

const usage = 'usage: arkiv restore --from DIR [--verify] [--json]';

/**
 * `arkiv restore --from DIR [--verify] [--json]`: restores a backup into the configured database
 * and store, which must be fresh. With --verify, ends with a full integrity run per organization
 * and `audit verify` on the restored copy, and reports RTO (restore start to verified) and RPO
 * (the newest change the backup includes). Exit 0 only when everything restored and verified;
 * 1 when something is wrong (named); 2 when the restore was refused before writing anything.
 */
export async function restoreCommand(args: string[], open: () => Promise<Runtime>): Promise<number> {
  const started = Date.now();
  const { values } = parseArgs({ args, options: { from: { type: 'string' }, verify: { type: 'boolean' }, json: { type: 'boolean' } } });
  if (!values.from) {
    console.error(usage);
    return 2;
  }
  const runtime = await open();
  try {
    const { config, archive } = runtime;
    const signer = await loadAuditSigner({ configuredKeyPem: config.ARKIV_AUDIT_SIGNING_KEY, dataDir: runtime.dataDir });
    const restored = await restoreBackup(
      resolve(values.from),
      { db: archive.db, store: archive.store, spoolDir: archive.spoolDir, clock: archive.clock },
      values.verify ? { trustedAuditKeyIds: [signer.keyId] } : {},
    );
    let verification: RestoredVerification | null = null;
    // A backup that failed its checksums restored nothing; anything else is verified, so that a
    // damaged object shows up as what an auditor would see on the copy, not only as a copy error.
    if (values.verify && Object.keys(restored.tables).length > 0) {
      const signing = await loadSigningSettings(config);
      verification = await verifyRestored(archive, signer, signatureVerifier(archive.db, signing.trustAnchorsPem));
    }
    const report = buildReport(restored.summary, restored, verification, values.verify ?? false, (Date.now() - started) / 1000);
    console.log(values.json ? JSON.stringify(report, null, 2) : formatText(report));
    return report.ok ? 0 : 1;
  } catch (err) {
    if (!(err instanceof RestoreRefused)) throw err;
    console.error(`arkiv restore: refused: ${err.message}`);
    return 2;
  } finally {
    await runtime.close();
  }
}

type Report = ReturnType<typeof buildReport>;

function buildReport(
  summary: BackupSummary,
  restored: {
    tables: Record<string, number>;
    objects: { artifacts: number; checkpoints: number; bytes: number };
    problems: RestoreProblem[];
  },
  verification: RestoredVerification | null,
  verify: boolean,
  rtoSeconds: number,
) {
  const loaded = Object.keys(restored.tables).length > 0;
  return {
    ok: loaded && restored.problems.length === 0 && (!verify || verification?.ok === true),
    verified: verification !== null,
    backup: { snapshotAt: summary.snapshotAt, source: summary.source, migration: summary.migration.applied },
    restored: {
      organizations: restored.tables.organizations ?? 0,
      rows: Object.values(restored.tables).reduce((a, b) => a + b, 0),
      tables: restored.tables,
      objects: restored.objects,
    },
    problems: restored.problems,
    findings: verification?.findings ?? [],
    integrity: (verification?.integrity ?? []).map((r) => ({
      orgId: r.orgId,
      runId: r.runId,
      ok: r.summary.ok,
      findings: r.summary.findings,
      objects: r.summary.fixity.objects,
      bytes: r.summary.fixity.bytes,
    })),
    audit: verification
      ? {
          ok: verification.audit.ok,
          orgs: verification.audit.orgs.map((o) => ({
            orgId: o.orgId,
            entries: o.entries,
            checkpointsVerified: o.checkpointsVerified,
            problems: o.problems,
          })),
        }
      : null,
    rtoSeconds: Number(rtoSeconds.toFixed(3)),
    rpo: {
      newestChangeAt: summary.rpo.newestChangeAt,
      newestAuditEntryAt: summary.rpo.newestAuditEntryAt,
      backupSnapshotAt: summary.snapshotAt,
      ageSeconds: summary.rpo.ageSeconds,
    },
  };
}

function formatText(r: Report): string {
  const o = r.restored.objects;
  const lines = [
    `restore ${r.ok ? 'OK' : 'FAILED'}: ${r.restored.organizations} organization(s), ${r.restored.rows} rows, ${o.artifacts} artifact(s) and ${o.checkpoints} checkpoint(s) (${(o.bytes / 1024 ** 2).toFixed(1)} MiB)`,
    ...r.problems.map((p) => `  PROBLEM ${p.kind}: ${p.message}`),
  ];
  if (r.verified) {
    for (const run of r.integrity)
      lines.push(`  integrity ${run.orgId}: ${run.ok ? 'OK' : `${run.findings} finding(s)`}, ${run.objects} object(s) re-hashed`);
    lines.push(...r.findings.map((f) => `  FINDING ${f.kind}: ${f.message}`));
    lines.push(`  audit verify: ${r.audit?.ok ? 'OK' : 'FAILED'}`);
    for (const org of r.audit?.orgs ?? []) lines.push(...org.problems.map((p) => `  AUDIT ${org.orgId} ${p.kind}: ${p.message}`));
  }
  lines.push(`  RTO ${r.rtoSeconds.toFixed(1)} s (restore start to ${r.verified ? 'verified' : 'restored'})`);
  lines.push(
    `  RPO: newest change ${r.rpo.newestChangeAt ?? 'none'}, ${r.rpo.ageSeconds?.toFixed(1) ?? '-'} s before the backup snapshot ${r.rpo.backupSnapshotAt}`,
  );
  return lines.join('\n');
}
