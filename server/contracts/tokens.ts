import { z } from '@hono/zod-openapi';
import { roles } from '../../policies/roles.js';

export const CreateTokenBody = z
  .object({
    name: z.string().min(1).max(200),
    role: z.enum(roles),
    email: z.email(),
    customerId: z.uuid().optional().openapi({ description: 'Required for role customer: the only customer this token sees' }),
    expiresInDays: z.number().int().min(1).max(3650).optional(),
  })
  .openapi('CreateToken');

export const TokenSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    role: z.string(),
    userEmail: z.string(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('Token');

export const CreatedTokenSchema = TokenSchema.extend({
  token: z.string().openapi({ description: 'The secret. Shown once; store it now.' }),
}).openapi('CreatedToken');
