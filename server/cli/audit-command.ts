import { parseArgs } from 'node:util';
import { writeCheckpointsForAllOrgs } from '../../archive/audit/checkpoint.js';
import { verifyAuditChain } from '../../archive/audit/verify.js';
import { formatAuditReport } from '../../archive/audit/verify-cli.js';
import { loadAuditSigner } from '../audit-key.js';
import type { Runtime } from '../runtime.js';

/** `arkiv audit verify [--json] [--org ID]` and `arkiv audit checkpoint`. */
export async function auditCommand(args: string[], open: () => Promise<Runtime>): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean' }, org: { type: 'string' } } });
  if (sub !== 'verify' && sub !== 'checkpoint') {
    console.error('usage: arkiv audit verify [--json] [--org ID] | arkiv audit checkpoint');
    return 2;
  }
  const runtime = await open();
  try {
    const signer = await loadAuditSigner({ configuredKeyPem: runtime.config.ARKIV_AUDIT_SIGNING_KEY, dataDir: runtime.dataDir });
    const deps = { db: runtime.database.db, store: runtime.store, clock: runtime.clock };
    if (sub === 'checkpoint') {
      const run = await writeCheckpointsForAllOrgs(deps, signer);
      console.log(JSON.stringify(run));
      return 0;
    }
    const report = await verifyAuditChain(deps, signer, values.org ? { orgId: values.org } : {});
    console.log(formatAuditReport(report, values.json ?? false));
    return report.ok ? 0 : 1;
  } finally {
    await runtime.close();
  }
}
