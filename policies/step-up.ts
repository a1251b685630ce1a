import type { Actor } from './actor.js';
import type { Role } from './roles.js';

/** Roles that hold a second factor: they sign and place legal holds, the irreversible acts. */
export const stepUpRoles: readonly Role[] = ['admin', 'signatory'];

/** How long a TOTP confirmation counts as fresh: long enough for one signing session, no more. */
export const STEP_UP_TTL_MS = 5 * 60_000;

export function mayEnrolTotp(role: Role): boolean {
  return stepUpRoles.includes(role);
}

export function isStepUpFresh(actor: Actor, now: Date): boolean {
  if (!actor.stepUpAt) return false;
  const age = now.getTime() - actor.stepUpAt.getTime();
  return age >= -30_000 && age <= STEP_UP_TTL_MS;
}
