import type { Actor } from './actor.js';
import { type Permission, roleHas } from './roles.js';

/** The attributes of a resource that access decisions depend on. */
export interface ResourceScope {
  orgId: string;
  customerId?: string | null;
  /** The order the resource belongs to (an order's own id for orders). */
  orderId?: string | null;
  published?: boolean;
  exportControlled?: boolean;
}

export type Decision = { allowed: true } | { allowed: false; reason: 'permission' | 'scope' };

/**
 * May `actor` exercise `permission` on a resource with `scope`? Scope failures must be shown to
 * the caller as "not found" (the server maps both kinds to 404 outside scope, 403 never leaks
 * existence); the reason is kept for the audit log.
 */
export function decide(actor: Actor, permission: Permission, scope?: ResourceScope): Decision {
  if (scope) {
    if (scope.orgId !== actor.orgId) return { allowed: false, reason: 'scope' };
    if (actor.customerId !== null) {
      if (scope.customerId !== actor.customerId) return { allowed: false, reason: 'scope' };
      if (scope.published === false) return { allowed: false, reason: 'scope' };
    }
    // An order-scoped link sees one order: records of its customer's other orders do not exist.
    if (actor.orderId && scope.orderId !== actor.orderId) return { allowed: false, reason: 'scope' };
    // Export-controlled technical data must not even be acknowledged to an uncleared person.
    if (scope.exportControlled && !actor.exportClearance) return { allowed: false, reason: 'scope' };
  }
  if (!roleHas(actor.role, permission)) return { allowed: false, reason: 'permission' };
  if (actor.scopes && actor.scopes.length > 0 && !actor.scopes.includes(permission)) return { allowed: false, reason: 'permission' };
  return { allowed: true };
}
