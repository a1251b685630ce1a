import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createBackup } from '../../archive/backup/create-backup.js';
import type { BackupSummary } from '../../archive/backup/format.js';
import type { Runtime } from '../runtime.js';

const usage = 'usage: arkiv backup --out DIR [--with-objects] [--json]';

/**
 * `arkiv backup --out DIR [--with-objects] [--json]`: a consistent dump of the configured database
 * and the manifest of every object it refers to (with `--with-objects`, the objects' bytes too).
 * Exit 0 when everything was backed up, 1 when some object could not be (named in the output).
 */
export async function backupCommand(args: string[], open: () => Promise<Runtime>): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { out: { type: 'string' }, json: { type: 'boolean' }, 'with-objects': { type: 'boolean' } },
  });
  if (!values.out) {
    console.error(usage);
    return 2;
  }
  const runtime = await open();
  try {
    const result = await createBackup({
      db: runtime.database.db,
      databaseKind: runtime.database.kind,
      store: runtime.store,
      out: resolve(values.out),
      withObjects: values['with-objects'] ?? false,
      now: () => runtime.clock.now(),
    });
    if (values.json) console.log(JSON.stringify({ dir: result.dir, sha256sumsSha256: result.sumsSha256, ...result.summary }, null, 2));
    else console.log(formatText(result.dir, result.sumsSha256, result.summary));
    return result.summary.problems.length === 0 ? 0 : 1;
  } finally {
    await runtime.close();
  }
}

function formatText(dir: string, sumsSha256: string, s: BackupSummary): string {
  const rows = s.tables.reduce((n, t) => n + t.rows, 0);
  const mb = (s.objects.bytes / 1024 ** 2).toFixed(1);
  return [
    `backup of ${s.organizations} organization(s) written to ${dir}`,
    `  snapshot ${s.snapshotAt}; ${rows} rows in ${s.tables.length} tables; migration ${s.migration.applied}`,
    `  objects: ${s.objects.artifacts} artifact(s), ${s.objects.checkpoints} checkpoint(s), ${mb} MiB${s.objects.copied ? ' copied' : ' (manifest only; bytes stay in the store)'}`,
    `  RPO point: newest change ${s.rpo.newestChangeAt ?? 'none'}${s.rpo.ageSeconds === null ? '' : ` (${s.rpo.ageSeconds.toFixed(1)} s before the snapshot)`}`,
    `  SHA256SUMS sha256 ${sumsSha256} (keep it elsewhere to check the backup later)`,
    ...s.problems.map((p) => `  PROBLEM ${p.kind}: ${p.message}`),
  ].join('\n');
}
