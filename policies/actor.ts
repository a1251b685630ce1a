import type { Role } from './roles.js';

/** Who is calling. Built by the server's auth layer; consumed by every use case. */
export interface Actor {
  orgId: string;
  userId: string;
  role: Role;
  /** Set for customer users: they see only this customer's data. */
  customerId: string | null;
  /** Where the request came from, for the audit trail. */
  ip: string | null;
  userAgent: string | null;
}

/** The system acting on its own (cron, jobs, CLI). */
export function systemActor(orgId: string): Actor {
  return { orgId, userId: 'system', role: 'admin', customerId: null, ip: null, userAgent: 'arkiv-system' };
}
