import { z } from '@hono/zod-openapi';
import { roles } from '../../policies/roles.js';

export const LoginBody = z
  .object({
    email: z.email(),
    password: z.string().min(1).max(1024),
    orgId: z.uuid().optional().openapi({ description: 'Needed only when the e-mail has accounts in several organizations' }),
  })
  .openapi('Login');

export const SessionSchema = z
  .object({
    userId: z.string(),
    orgId: z.uuid(),
    role: z.string(),
    customerId: z.string().nullable(),
    orderId: z.string().nullable(),
    stepUpFresh: z.boolean(),
    via: z.string(),
    expiresAt: z.string().nullable(),
  })
  .openapi('Session');

export const SignedInSchema = SessionSchema.extend({
  csrfToken: z.string().openapi({ description: 'Send as X-CSRF-Token on every cookie-authenticated write' }),
}).openapi('SignedIn');

export const CodeBody = z.object({ code: z.string().regex(/^\d{6}$/, 'six digits') }).openapi('TotpCode');

export const EnrolmentSchema = z
  .object({ secret: z.string(), otpauthUrl: z.string() })
  .openapi('TotpEnrolment', { description: 'Shown once; confirm with a code to activate' });

export const StepUpSchema = z
  .object({
    freshUntil: z.string(),
    csrfToken: z.string().optional().openapi({ description: 'Sessions are rotated on step-up: the new CSRF token' }),
  })
  .openapi('StepUp');

export const SetUserBody = z
  .object({
    email: z.email(),
    role: z.enum(roles),
    name: z.string().max(200).optional(),
    password: z.string().min(12).max(1024).optional(),
    exportClearance: z.boolean().optional(),
    customerId: z.uuid().optional().openapi({ description: 'Required for role customer' }),
  })
  .openapi('SetUser');

export const UserSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string().nullable(),
    role: z.string(),
    customerId: z.string().nullable(),
    exportClearance: z.boolean(),
    hasPassword: z.boolean(),
    totpEnrolled: z.boolean(),
    oidc: z.boolean(),
    lockedUntil: z.string().nullable(),
    disabledAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('User');

export const IdentityProviderBody = z
  .object({
    issuer: z.url(),
    audience: z.string().min(1),
    rolesClaim: z.string().min(1).max(100).optional(),
    roleMap: z.record(z.string(), z.string()).openapi({ description: 'Claim value → Arkiv staff role' }),
  })
  .openapi('CreateIdentityProvider');

export const IdentityProviderSchema = z
  .object({
    id: z.uuid(),
    issuer: z.string(),
    audience: z.string(),
    rolesClaim: z.string(),
    roleMap: z.record(z.string(), z.string()),
    createdAt: z.string(),
  })
  .openapi('IdentityProvider');

export const MagicLinkBody = z
  .object({
    email: z.email(),
    orderId: z.uuid().optional(),
    expiresInHours: z.number().int().min(1).max(72).optional(),
  })
  .openapi('IssueMagicLink');

export const MagicLinkSchema = z
  .object({
    id: z.uuid(),
    customerId: z.string(),
    orderId: z.string().nullable(),
    email: z.string(),
    expiresAt: z.string(),
    usedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    revokedReason: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('MagicLink');

export const IssuedMagicLinkSchema = MagicLinkSchema.extend({
  url: z.string().openapi({ description: 'The link to send; it is not retrievable again' }),
}).openapi('IssuedMagicLink');

export const RedeemBody = z.object({ token: z.string().min(1).max(200) }).openapi('RedeemMagicLink');
