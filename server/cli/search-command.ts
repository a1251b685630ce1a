import { parseArgs } from 'node:util';
import { reindex } from '../../search/indexing.js';
import type { Runtime } from '../runtime.js';

const usage = 'usage: arkiv search reindex [--org ID] [--batch N]';

/**
 * `arkiv search reindex [--org ID]`: rebuilds every search entry (all organizations, or one)
 * from the archive through the same builder the indexing jobs use, in batches; prints the counts
 * as one JSON line. Safe while servers run (with PostgreSQL): entry locks order it with the jobs.
 */
export async function searchCommand(args: string[], open: () => Promise<Runtime>): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({ args: rest, options: { org: { type: 'string' }, batch: { type: 'string' } } });
  const batch = values.batch === undefined ? 200 : Number(values.batch);
  if (sub !== 'reindex' || !Number.isInteger(batch) || batch < 1) {
    console.error(usage);
    return 2;
  }
  const runtime = await open();
  try {
    const summary = await reindex(runtime.database.db, runtime.search.indexFor, { batch, ...(values.org ? { orgId: values.org } : {}) });
    console.log(JSON.stringify({ engine: runtime.search.index.kind, ...summary }));
    return 0;
  } finally {
    await runtime.close();
  }
}
