import { authorize } from '../archive/access.js';
import type { ArchiveDeps } from '../archive/deps.js';
import type { Actor } from '../policies/actor.js';
import type { SearchScope } from './port.js';

/**
 * The only way to obtain a SearchScope: the caller must hold `document.read`, and the scope is
 * the actor's own reach — its organization; for customer users their customer's published
 * entries only; for an order-scoped link that one order; export-controlled documents only with
 * clearance. Filters in the query narrow this further and can never widen it: a customer or order
 * filter outside the scope simply matches nothing (an empty result, like a customer without
 * documents, so existence does not leak).
 */
export async function searchScopeFor(deps: Pick<ArchiveDeps, 'db' | 'clock'>, actor: Actor): Promise<SearchScope> {
  await authorize(deps, actor, 'document.read', 'document');
  return {
    orgId: actor.orgId,
    customerId: actor.customerId,
    publishedOnly: actor.customerId !== null,
    orderId: actor.orderId ?? null,
    exportCleared: actor.exportClearance === true,
  };
}
