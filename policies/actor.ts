import type { Permission, Role } from './roles.js';

/** Who is calling. Built by the server's auth layer; consumed by every use case. */
export interface Actor {
  orgId: string;
  userId: string;
  role: Role;
  /** Set for customer users: they see only this customer's data. */
  customerId: string | null;
  /** Set for customer sessions opened from an order-scoped link: only this order's records. */
  orderId?: string | null;
  /** API token scopes: when non-empty, the caller may use only these permissions. */
  scopes?: readonly Permission[];
  /** Export-control clearance of the person: without it, export-controlled documents do not exist. */
  exportClearance?: boolean;
  /** When this caller last proved a second factor (TOTP); signing and legal holds need it fresh. */
  stepUpAt?: Date | null;
  /** Where the request came from, for the audit trail. */
  ip: string | null;
  userAgent: string | null;
}

/** The system acting on its own (cron, jobs, CLI). */
export function systemActor(orgId: string): Actor {
  return { orgId, userId: 'system', role: 'admin', customerId: null, exportClearance: true, ip: null, userAgent: 'arkiv-system' };
}
