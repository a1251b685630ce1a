import { z } from '@hono/zod-openapi';
import { roles } from '../../policies/roles.js';

export const CreateTokenBody = z
  .object({
    name: z.string().min(1).max(200),
    role: z.enum(roles),
    email: z.email(),
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
