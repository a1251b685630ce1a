import { appendAudit } from '../archive/audit/append.js';
import type { ArchiveDeps } from '../archive/deps.js';
import { inTenant } from '../archive/tenancy.js';
import type { Actor } from '../policies/actor.js';
import type { SearchIndex, SearchQuery, SearchResult } from './port.js';
import { searchScopeFor } from './scope.js';

/**
 * A search by `actor`, within its scope. A customer user's search reads that customer's records,
 * so it is audited like any other read of them: one entry per request, with the query and the
 * number of hits, before the answer leaves.
 */
export async function searchArchive(
  deps: Pick<ArchiveDeps, 'db' | 'clock'>,
  index: SearchIndex,
  actor: Actor,
  query: SearchQuery,
): Promise<SearchResult> {
  const scope = await searchScopeFor(deps, actor);
  const result = await index.search(scope, query);
  if (actor.customerId) {
    const { cursor: _cursor, limit: _limit, ...asked } = query;
    await inTenant(deps.db, actor, (tx) =>
      appendAudit(tx, deps.clock, actor, {
        action: 'search.query',
        targetType: 'customer',
        targetId: actor.customerId,
        details: { query: definedOnly(asked), total: result.total, hits: result.hits.map((h) => h.key) },
      }),
    );
  }
  return result;
}

const definedOnly = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
